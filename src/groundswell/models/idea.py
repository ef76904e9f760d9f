from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import JsonDocument, UTCDateTime


class Idea(Base):
    """A suggestion many customers made, clustered from their posts. Status: new, under_review, planned,
    in_progress, shipped, declined. A duplicate is merged into the original (`merged_into_id`), whose
    customers and votes it joins. `centroid` is the mean embedding of its posts, for joining new ones."""

    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    key_phrases: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    topic: Mapped[str | None] = mapped_column(String(255))
    product: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    owner_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    centroid: Mapped[list[float]] = mapped_column(JsonDocument, default=list)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdeaPost(Base):
    """A post behind an idea (each post in at most one idea); its author is one of the idea's customers."""

    __tablename__ = "idea_posts"
    __table_args__ = (UniqueConstraint("post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id", ondelete="SET NULL"), index=True)
    similarity: Mapped[float] = mapped_column(Float)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaVote(Base):
    """One vote for an idea: a customer (author id) or an employee (handle), each once per idea."""

    __tablename__ = "idea_votes"
    __table_args__ = (UniqueConstraint("idea_id", "voter_kind", "voter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    voter_kind: Mapped[str] = mapped_column(String(16))  # customer, employee
    voter: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaComment(Base):
    __tablename__ = "idea_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaNotification(Base):
    """A customer told about a status change of an idea they asked for: at most once per (idea, customer,
    status), whatever happens to the idea afterwards. `outbox_message_id` is the message that tells them."""

    __tablename__ = "idea_notifications"
    __table_args__ = (UniqueConstraint("idea_id", "author_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
