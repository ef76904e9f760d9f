from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class Incident(Base):
    """A crisis being handled: opened from a playbook (or by hand), grouping alerts, posts and cases.

    `roles` maps each playbook role (incident lead, spokesperson, legal) to the employee filling it;
    `checklist` is the playbook's tasks with who did each and when. Status: open, monitoring, resolved."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    severity: Mapped[str] = mapped_column(String(16))
    playbook: Mapped[str | None] = mapped_column(String(128))
    playbook_document: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    scope_kind: Mapped[str | None] = mapped_column(String(32))
    scope: Mapped[str | None] = mapped_column(String(255))
    roles: Mapped[dict[str, str | None]] = mapped_column(JsonDocument, default=dict)
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    marketing_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    opened_by: Mapped[str] = mapped_column(String(128))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IncidentEvent(Base):
    """The incident's timeline: opened, alert linked, role filled, task done, statement drafted/approved/sent,
    status changed, note, resolved."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class IncidentLink(Base):
    """What the incident groups: alerts, posts and cases (kind + id), each once."""

    __tablename__ = "incident_links"
    __table_args__ = (UniqueConstraint("incident_id", "kind", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # alert, post, case
    ref_id: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IncidentStatement(Base):
    """A public status update during an incident (a holding statement, an apology, an all-clear), governed
    like a reply: `state`, `context` and `requirement` follow groundswell.governance.approval. A statement
    from a pre-approved holding template carries `preapproved_template`."""

    __tablename__ = "incident_statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(32))
    context: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    requirement: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(128))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    preapproved_template: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
