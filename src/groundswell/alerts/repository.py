"""Queries for alerts and detector state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.models.alert import Alert, DetectorState
from groundswell.models.author import Author
from groundswell.models.enrichment import Enrichment
from groundswell.models.post import Post

DETECTION_ENRICHERS = ("sentiment", "emotion", "topics", "locations")


def detector_state(session: Session, name: str) -> DetectorState | None:
    return session.scalar(select(DetectorState).where(DetectorState.name == name))


def open_alert(session: Session, fingerprint: str) -> Alert | None:
    """The alert with this fingerprint that is not resolved yet (open or acknowledged)."""
    return session.scalar(
        select(Alert)
        .where(Alert.fingerprint == fingerprint, Alert.status != "resolved")
        .order_by(Alert.id.desc())
        .limit(1)
    )


def list_alerts(session: Session, *, status: str | None = None, limit: int = 100) -> Sequence[Alert]:
    query = select(Alert).order_by(Alert.detected_at.desc(), Alert.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Alert.status == status)
    return session.scalars(query).all()


def posts_after(session: Session, last_post_id: int, limit: int) -> list[tuple[Post, str | None, int | None]]:
    """Stored posts with an id above `last_post_id`, in id order, with the author's handle and followers."""
    rows = session.execute(
        select(Post, Author.handle, Author.followers)
        .outerjoin(Author, Author.id == Post.author_id)
        .where(Post.id > last_post_id)
        .order_by(Post.id)
        .limit(limit)
    ).all()
    return [(post, handle, followers) for post, handle, followers in rows]


def enrichments_for(session: Session, post_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The latest stored value of each detection enricher per post."""
    found: dict[int, dict[str, Any]] = {}
    if not post_ids:
        return found
    rows = session.execute(
        select(Enrichment.post_id, Enrichment.enricher, Enrichment.value)
        .where(Enrichment.post_id.in_(post_ids), Enrichment.enricher.in_(DETECTION_ENRICHERS))
        .order_by(Enrichment.id)
    ).all()
    for post_id, enricher, value in rows:
        found.setdefault(post_id, {})[enricher] = value
    return found
