from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class Reply(Base):
    """A reply to a customer, from draft to sent, governed by `groundswell.governance.approval`.

    `context` is the governance DraftContext (author, roles, customer tier, findings...) and `requirement`
    the approval requirement, both as JSON, so the pure state machine can be replayed from a row."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    in_reply_to_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16), default="public")  # public or private (a DM)
    state: Mapped[str] = mapped_column(String(32), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    requirement: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(128))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResponseTemplate(Base):
    """A canned response in one language, with {variables} such as {customer_name}, {case_number} and
    {location}. The same `name` in several languages forms one template."""

    __tablename__ = "response_templates"
    __table_args__ = (UniqueConstraint("name", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
