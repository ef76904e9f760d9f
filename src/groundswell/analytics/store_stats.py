from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.models import Author, Conversation, IngestRun, Post, QuarantinedRecord


class StoreStats(BaseModel):
    posts: int
    authors: int
    conversations: int
    quarantined: int
    posts_by_channel: dict[str, int]
    first_post_at: datetime | None
    last_post_at: datetime | None
    ingest_runs: int
    interrupted_runs: int


def store_stats(session: Session) -> StoreStats:
    def count(model: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    by_channel = dict(session.execute(select(Post.channel, func.count()).group_by(Post.channel)).all())
    first, last = session.execute(select(func.min(Post.created_at), func.max(Post.created_at))).one()
    interrupted = session.scalar(select(func.count()).where(IngestRun.status == "running")) or 0
    return StoreStats(
        posts=count(Post),
        authors=count(Author),
        conversations=count(Conversation),
        quarantined=count(QuarantinedRecord),
        posts_by_channel={str(k): int(v) for k, v in sorted(by_channel.items())},
        first_post_at=first,
        last_post_at=last,
        ingest_runs=count(IngestRun),
        interrupted_runs=int(interrupted),
    )
