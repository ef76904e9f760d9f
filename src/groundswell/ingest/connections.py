"""What the channel-connections screen shows about ingest: where each polled source resumes, and the latest
ingest runs (both small tables, read newest first)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.models import ChannelCursor, IngestRun


def polling_cursors(session: Session) -> list[ChannelCursor]:
    return list(session.scalars(select(ChannelCursor).order_by(ChannelCursor.updated_at.desc())))


def recent_runs(session: Session, *, limit: int = 25) -> list[IngestRun]:
    return list(session.scalars(select(IngestRun).order_by(IngestRun.id.desc()).limit(limit)))
