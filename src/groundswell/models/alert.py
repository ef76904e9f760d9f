from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class DetectorState(Base):
    """The streaming detector's state for one way of scoping posts (by brand, topic, location...): its
    baselines and open windows as JSON, and the last post it has seen, so each new batch of posts updates it
    without rescanning history."""

    __tablename__ = "detector_states"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # e.g. "brand", "topic", "location"
    state: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Alert(Base):
    """Something unusual in one scope: a volume spike, a shift in negative share or anger, a burst of new
    authors, a new theme. Repeated detections of the same thing (same `fingerprint`) update one open alert
    (`occurrences`, `last_detected_at`) instead of raising fifty. Status: open, acknowledged, resolved."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_fingerprint_status", "fingerprint", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    scope_kind: Mapped[str] = mapped_column(String(32))  # brand, product, topic, location
    scope: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(128))
    start: Mapped[datetime] = mapped_column(UTCDateTime)  # when the anomaly began
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the post that triggered it
    last_detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    severity: Mapped[str] = mapped_column(String(16))  # low, medium, high, critical
    score: Mapped[float] = mapped_column(Float)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text)
    key_phrases: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    post_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="open")
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
