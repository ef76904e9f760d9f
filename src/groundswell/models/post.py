from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime
from groundswell.models.author import Author
from groundswell.models.conversation import Conversation


class Post(Base):
    """A public (or private, for e-mail and direct messages) customer post, normalised from any channel,
    with the raw payload exactly as received."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_posts_brand_created_at", "brand", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"), index=True)
    reply_to_external_id: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    brand: Mapped[str | None] = mapped_column(String(255))
    product: Mapped[str | None] = mapped_column(String(255))
    rating: Mapped[float | None] = mapped_column(Float)
    likes: Mapped[int | None] = mapped_column(Integer)
    reposts: Mapped[int | None] = mapped_column(Integer)
    replies: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(255))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # The payload as received; deferred so lists of posts do not drag it along.
    raw: Mapped[str] = mapped_column(Text, deferred=True)
    source_format: Mapped[str] = mapped_column(String(32))
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[Author | None] = relationship(lazy="raise")
    conversation: Mapped[Conversation] = relationship(lazy="raise")
