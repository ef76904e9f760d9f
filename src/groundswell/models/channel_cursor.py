from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import UTCDateTime


class ChannelCursor(Base):
    """Where live polling of one source resumes. Saved in the same transaction as the posts it
    fetched, so a crash neither skips nor repeats a page."""

    __tablename__ = "channel_cursors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(1024), unique=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
