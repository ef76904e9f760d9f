from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import UTCDateTime


class Conversation(Base):
    """A thread: the root post and every reply to it, on one channel.

    `root_external_id` is the root post's id, known or presumed: a reply that arrives before its parent
    opens a conversation keyed by the parent's id, which the parent (or its own ancestors) joins later.
    """

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "root_external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    root_external_id: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
