"""Listing what the ingest quarantined, with the reason for each record."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.models import QuarantinedRecord


class QuarantineEntry(BaseModel):
    id: int
    source: str
    position: int
    source_format: str
    reason: str
    raw: str
    quarantined_at: datetime


def list_quarantined(
    session: Session, *, source: str | None = None, limit: int = 100, offset: int = 0
) -> list[QuarantineEntry]:
    if not 1 <= limit <= 100_000:
        raise InvalidInput("limit must be between 1 and 100000")
    stmt = select(QuarantinedRecord).order_by(QuarantinedRecord.id).limit(limit).offset(offset)
    if source is not None:
        stmt = stmt.where(QuarantinedRecord.source == source)
    return [
        QuarantineEntry(
            id=r.id,
            source=r.source,
            position=r.position,
            source_format=r.source_format,
            reason=r.reason,
            raw=r.raw,
            quarantined_at=r.quarantined_at,
        )
        for r in session.scalars(stmt)
    ]
