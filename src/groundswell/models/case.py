from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime
from groundswell.models.team import Employee, Team


class Case(Base):
    """A piece of work for the company: one customer's conversation (or several merged), with a status,
    a priority, an owner and a timeline.

    Status: new, open, waiting_on_customer, resolved, closed. `merged_into_id` is set on a case that was
    merged into another; such a case is closed and points at the survivor. `routing` keeps the routing
    decision (rules fired and why) that opened the case. `kind` is "general" or a special flow such as
    "lost_item"."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_team_id", "status", "team_id"),
        # The web inbox lists open cases newest first, per queue, with keyset pagination over (opened_at, id).
        Index("ix_cases_status_opened_at", "status", "opened_at"),
        Index("ix_cases_assignee_id_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="general")
    status: Mapped[str] = mapped_column(String(32), default="new")
    priority: Mapped[str] = mapped_column(String(8), default="p3")
    channel: Mapped[str] = mapped_column(String(32))
    brand: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(Text, default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id", ondelete="SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    tags: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    sla_policy: Mapped[str | None] = mapped_column(String(128))
    requires_approval: Mapped[bool] = mapped_column(default=False)
    approver_role: Mapped[str | None] = mapped_column(String(64))
    routing: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_customer_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship(lazy="raise")
    assignee: Mapped[Employee | None] = relationship(lazy="raise")


class CasePost(Base):
    """Which posts belong to which case. A post belongs to at most one case; split moves rows to a new case."""

    __tablename__ = "case_posts"
    __table_args__ = (UniqueConstraint("post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseEvent(Base):
    """The case's timeline: every event, in order (created, assigned, status changed, note, reply sent,
    SLA warning, SLA breach, escalated, merged, split, reopened, ...). `data` holds the event's details,
    and internal notes are events of kind "note" whose text is in data["text"]."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(128))  # an employee handle, or "system"
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class SlaClockRecord(Base):
    """One SLA clock of a case (first_response or resolution): when it started, when it is due, the pauses
    (waiting on the customer) and what happened (warned, breached, met, escalated)."""

    __tablename__ = "sla_clocks"
    __table_args__ = (
        UniqueConstraint("case_id", "clock"),
        Index("ix_sla_clocks_state_due_at", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    clock: Mapped[str] = mapped_column(String(32))
    policy: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The policy's target, warning threshold and calendar as they were when the clock started: pausing,
    # resuming and sweeping recompute from these, so editing the routing rules never moves a running clock.
    target_seconds: Mapped[float] = mapped_column(Float)
    warn_at: Mapped[float] = mapped_column(Float, default=0.75)
    calendar: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # [[start, end-or-null], ...] as ISO strings; an open pause is one whose end is null.
    pauses: Mapped[list[list[str | None]]] = mapped_column(JsonDocument, default=list)
    state: Mapped[str] = mapped_column(String(16), default="running")  # running, paused, warned, breached, met
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LostItem(Base):
    """The lost-and-found record of a case of kind lost_item: what was lost, where and when, and how the
    search stands (reported, searching, found, returned, not_found)."""

    __tablename__ = "lost_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    item: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(255))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    lost_on: Mapped[str | None] = mapped_column(String(64))  # as the customer said it: "yesterday", "flight UA 328"
    status: Mapped[str] = mapped_column(String(16), default="reported")
    found_note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SuppressedPost(Base):
    """A post the routing rules suppressed (spam, the brand's own posts, ...): it opens no case, but the
    decision is kept, so intake never routes it twice and "how many were suppressed, and why" stays countable."""

    __tablename__ = "suppressed_posts"
    __table_args__ = (UniqueConstraint("post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    routing: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    suppressed_at: Mapped[datetime] = mapped_column(UTCDateTime)
