from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class Department(Base):
    """A part of the company that acts on feedback (product design, marketing, pricing, support, leadership...).

    `subscriptions` says what concerns it: intents, topics, products whose sentiment it watches, new themes
    (the format is `groundswell.insights` config); `digest_recipients` are the addresses of its weekly digest."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    subscriptions: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    digest_recipients: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Insight(Base):
    """One thing a department should know for a period: a title, a summary, the trend, representative posts,
    distinct customers, their reach and sentiment. `fingerprint` identifies the insight across runs so
    re-running a period updates it instead of adding a copy."""

    __tablename__ = "insights"
    __table_args__ = (UniqueConstraint("department_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # intent, topic, sentiment_change, new_theme
    fingerprint: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    trend: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)  # counts per day, change
    post_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)  # representative first
    customers: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    sentiment: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # subject, key phrases, links back to the posts (url or post id), the sentiment change and its test
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
