from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base


class DashboardRollup(Base):
    """Posts per (hour, channel, brand, dimension, label): what the dashboard's post charts sum instead of
    reading every post of a range. Derived data, recomputed hour by hour by `analytics.rollup` in the same
    transaction as the posts or enrichments it counts, so it always equals a full recompute.

    `hour` is the UTC hour spelt as `db.aggregates.time_bucket` spells it ("2025-03-14 21"), so a day is its
    first 10 characters and the buckets match the charts' labels on both databases. `dimension` is volume
    (every post, label ""), sentiment or emotion (the label, "" when the enricher had none), intent or topic
    (one count per listed label, so a post with two intents counts once for each)."""

    __tablename__ = "dashboard_rollup"
    __table_args__ = (Index("ix_dashboard_rollup_dimension_hour", "dimension", "hour"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hour: Mapped[str] = mapped_column(String(13))
    channel: Mapped[str] = mapped_column(String(32))
    brand: Mapped[str | None] = mapped_column(String(255))
    dimension: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(255))
    posts: Mapped[int] = mapped_column(Integer)
