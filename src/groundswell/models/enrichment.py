from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class Enrichment(Base):
    """What one enricher said of one post, stored with the enricher's name and version.

    One row per (post, enricher): a new version replaces the value in place, so re-running with the
    same versions finds nothing to do and a model upgrade re-enriches exactly the rows it affects.
    """

    __tablename__ = "enrichments"
    __table_args__ = (
        UniqueConstraint("post_id", "enricher"),
        Index("ix_enrichments_enricher_version", "enricher", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    enricher: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(128))
    # Any JSON value (a label, a list of places, a vector...); JSON null when the enricher had no answer.
    value: Mapped[Any] = mapped_column(JsonDocument, nullable=False)
    enriched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LabelCorrection(Base):
    """An employee's correction of a model's labels for one text, used by the next `groundswell train`.

    The text is copied as it was, so training needs no join and survives the post's deletion.
    """

    __tablename__ = "label_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    task: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Always a list of strings; single-label tasks hold exactly one.
    labels: Mapped[list[str]] = mapped_column(JsonDocument)
    # What the model said when the correction was made (the stored enrichment value), if known.
    previous: Mapped[Any | None] = mapped_column(JsonDocument, nullable=True)
    corrected_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
