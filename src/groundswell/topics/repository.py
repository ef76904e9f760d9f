"""Queries for stored topics and topic set versions."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from groundswell.errors import NotFound
from groundswell.models import Post, Topic, TopicSetVersion


def all_topics(session: Session) -> list[Topic]:
    return list(session.scalars(select(Topic).order_by(Topic.id)))


def topic_by_id(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound(f"there is no topic {topic_id}: see the list of topics")
    return topic


def topic_named(session: Session, name: str) -> Topic | None:
    """The topic with this name, ignoring case (names are unique that way)."""
    folded = name.strip().casefold()
    return next((t for t in all_topics(session) if t.name.casefold() == folded), None)


def all_versions(session: Session) -> list[TopicSetVersion]:
    """Newest first."""
    return list(session.scalars(select(TopicSetVersion).order_by(TopicSetVersion.version.desc())))


def version_by_number(session: Session, version: int) -> TopicSetVersion:
    row = session.scalars(select(TopicSetVersion).where(TopicSetVersion.version == version)).one_or_none()
    if row is None:
        raise NotFound(f"there is no topic set version {version}: see the versions on the topics page")
    return row


def active_version(session: Session) -> TopicSetVersion | None:
    return session.scalars(select(TopicSetVersion).where(TopicSetVersion.active.is_(True))).one_or_none()


def latest_number(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(TopicSetVersion.version), 0))).scalar_one())


def deactivate_all(session: Session) -> None:
    session.execute(update(TopicSetVersion).where(TopicSetVersion.active.is_(True)).values(active=False))


def recent_posts(session: Session, limit: int) -> list[tuple[int, str]]:
    """The newest `limit` posts (id, text), newest first (by id, the primary key: no scan)."""
    rows = session.execute(select(Post.id, Post.text).order_by(Post.id.desc()).limit(limit))
    return [(row.id, row.text) for row in rows]
