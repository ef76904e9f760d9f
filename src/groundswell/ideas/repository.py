"""Queries of the ideas board."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.ideas.rules import IdeaStatus
from groundswell.models import Author, Enrichment, Post
from groundswell.models.idea import Idea, IdeaComment, IdeaNotification, IdeaPost, IdeaVote
from groundswell.models.insight import Department

SUGGESTION = "suggestion"


def unclustered_suggestions(session: Session) -> list[Post]:
    """Stored posts labelled `suggestion` by the intent enricher that are in no idea yet, oldest first."""
    in_idea = select(IdeaPost.post_id)
    query = (
        select(Post, Enrichment.value)
        .join(Enrichment, (Enrichment.post_id == Post.id) & (Enrichment.enricher == "intent"))
        .where(Post.id.not_in(in_idea))
        .order_by(Post.created_at, Post.id)
    )
    return [post for post, value in session.execute(query) if isinstance(value, list) and SUGGESTION in value]


def enrichment_values(session: Session, post_ids: Sequence[int], enricher: str) -> dict[int, Any]:
    if not post_ids:
        return {}
    query = select(Enrichment.post_id, Enrichment.value).where(
        Enrichment.enricher == enricher, Enrichment.post_id.in_(post_ids)
    )
    return {post_id: value for post_id, value in session.execute(query)}


def active_ideas(session: Session) -> list[Idea]:
    """Ideas a new suggestion may join: not merged into another, not declined."""
    query = select(Idea).where(Idea.merged_into_id.is_(None), Idea.status != IdeaStatus.declined).order_by(Idea.id)
    return list(session.scalars(query))


def post_counts(session: Session, idea_ids: Sequence[int]) -> dict[int, int]:
    if not idea_ids:
        return {}
    query = select(IdeaPost.idea_id, func.count()).where(IdeaPost.idea_id.in_(idea_ids)).group_by(IdeaPost.idea_id)
    return {idea_id: count for idea_id, count in session.execute(query)}


def merged_group(session: Session, root_id: int) -> list[int]:
    """The idea and every idea merged into it, directly or through others."""
    group, frontier = [root_id], [root_id]
    while frontier:
        children = list(session.scalars(select(Idea.id).where(Idea.merged_into_id.in_(frontier))))
        children = [c for c in children if c not in group]
        group.extend(children)
        frontier = children
    return group


def root_of(session: Session, idea: Idea) -> Idea:
    """The idea a merged one now lives in (following merges)."""
    seen = {idea.id}
    while idea.merged_into_id is not None:
        parent = session.get(Idea, idea.merged_into_id)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        idea = parent
    return idea


def posts_of(session: Session, idea_ids: Sequence[int]) -> list[tuple[IdeaPost, Post, Author | None]]:
    """The idea's posts with their authors, oldest first."""
    query = (
        select(IdeaPost, Post, Author)
        .join(Post, Post.id == IdeaPost.post_id)
        .outerjoin(Author, Author.id == IdeaPost.author_id)
        .where(IdeaPost.idea_id.in_(idea_ids))
        .order_by(Post.created_at, Post.id)
    )
    return [(idea_post, post, author) for idea_post, post, author in session.execute(query)]


def votes_of(session: Session, idea_id: int) -> list[IdeaVote]:
    query = select(IdeaVote).where(IdeaVote.idea_id == idea_id).order_by(IdeaVote.created_at, IdeaVote.id)
    return list(session.scalars(query))


def comments_of(session: Session, idea_id: int) -> list[IdeaComment]:
    query = select(IdeaComment).where(IdeaComment.idea_id == idea_id).order_by(IdeaComment.created_at, IdeaComment.id)
    return list(session.scalars(query))


def notifications_of(session: Session, idea_ids: Sequence[int]) -> list[IdeaNotification]:
    query = (
        select(IdeaNotification)
        .where(IdeaNotification.idea_id.in_(idea_ids))
        .order_by(IdeaNotification.created_at, IdeaNotification.id)
    )
    return list(session.scalars(query))


def department_by_name(session: Session, name: str) -> Department | None:
    return session.scalars(select(Department).where(func.lower(Department.name) == name.strip().lower())).first()


def department_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Department.id, Department.name).where(Department.id.in_(ids))).all())


def ideas(session: Session, *, status: str | None = None, include_merged: bool = False) -> list[Idea]:
    query = select(Idea).order_by(Idea.id)
    if status is not None:
        query = query.where(Idea.status == status)
    if not include_merged:
        query = query.where(Idea.merged_into_id.is_(None))
    return list(session.scalars(query))
