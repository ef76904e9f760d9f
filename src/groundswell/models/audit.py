from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class AuditEntry(Base):
    """One line of the append-only audit log: who did what to which thing, when, with the state before and
    after. `hash` covers this row's content and the previous row's hash, so editing or deleting any row
    breaks the chain from there on (`groundswell audit verify`)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))  # e.g. "case", "reply", "employee", "routing_rules"
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[Any | None] = mapped_column(JsonDocument, nullable=True)
    after: Mapped[Any | None] = mapped_column(JsonDocument, nullable=True)
    # Unique, so two writers that raced for the same predecessor cannot fork the chain: one of them fails.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
