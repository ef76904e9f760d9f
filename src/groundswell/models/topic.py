from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class Topic(Base):
    """One topic as it is being edited: its name, description and examples. Enrichment does not read these
    rows; it reads the active `TopicSetVersion`, which a retrain copies them into, so editing is safe."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # A list of example texts, in the order they were written.
    examples: Mapped[list[str]] = mapped_column(JsonDocument)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TopicSetVersion(Base):
    """A retrained topic set: the topics as they were (the `topics:` document of a topics file, as JSON),
    the figures measured when it was trained, and whether enrichment uses it. Exactly one version is
    active at a time; activating an older one rolls back."""

    __tablename__ = "topic_set_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The encoder tier the figures were measured with (enrichment uses the tier it runs with).
    tier: Mapped[str] = mapped_column(String(16))
    metrics: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
