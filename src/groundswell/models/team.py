from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class Team(Base):
    """A group of employees that cases are routed to. A team may own a place (an airport, a store, a city):
    routing rules can then send a post to the team nearest to the customer.

    `calendar` holds the team's business hours in the format of `groundswell.routing.calendar`
    ({timezone, hours, holidays}); SLA clocks in business hours run on it. `strategy` names how a case is
    given to one of its employees, and `round_robin_cursor` remembers whose turn was last."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str | None] = mapped_column(String(255))  # e.g. "ORD" or "Store 112, Richfield MN"
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    calendar: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    strategy: Mapped[str] = mapped_column(String(32), default="least_loaded")
    round_robin_cursor: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Employee(Base):
    """A person who answers customers (or manages, administers or analyses).

    `skills` is {topics, intents, languages, channels}: lists of names. `shift` is their working hours in
    their own time zone, in the calendar format; no shift means always available. `max_open_cases` is the
    capacity: the assigner never gives them more open cases than that."""

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32), default="agent")  # admin, manager, agent, analyst
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    skills: Mapped[dict[str, list[str]]] = mapped_column(JsonDocument, default=dict)
    place: Mapped[str | None] = mapped_column(String(255))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    shift: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    max_open_cases: Mapped[int] = mapped_column(Integer, default=10)
    trainee: Mapped[bool] = mapped_column(Boolean, default=False)
    on_leave: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship(lazy="raise")


class RoutingRulesVersion(Base):
    """One saved version of the routing rules (the YAML text as written, so comments survive). Exactly one
    version is active at a time; older ones stay for the audit trail and for rolling back."""

    __tablename__ = "routing_rules_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
