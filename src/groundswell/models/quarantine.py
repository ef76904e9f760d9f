from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groundswell.db.base import Base
from groundswell.db.types import UTCDateTime


class QuarantinedRecord(Base):
    """A record that could not become a post, kept with the reason so that nothing is lost silently.

    Unique on (source, position, raw digest): ingesting the same file again does not quarantine the
    same bad record twice, while an edited record at the same position is kept as a new one.
    """

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("source", "position", "raw_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024))
    position: Mapped[int] = mapped_column(Integer)
    source_format: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str] = mapped_column(Text)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    quarantined_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
