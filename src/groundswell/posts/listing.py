"""Reading stored posts for the API: filtered lists newest first with keyset pagination, and one post with
its enrichments and case. Keyset (created_at, id) instead of OFFSET keeps every page equally fast with
millions of posts (the `posts.created_at` index serves the order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from groundswell.db.dialect import post_search_condition
from groundswell.errors import InvalidInput, NotFound
from groundswell.models import Author, CasePost, Enrichment, Post
from groundswell.posts.schemas import PostDetail, PostSummary

# Vectors are for machines: a post's JSON would be mostly floats.
_HIDDEN_ENRICHERS = frozenset({"embedding"})
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class PostFilter:
    channel: str | None = None
    brand: str | None = None
    author: str | None = None  # a handle, on any channel
    language: str | None = None
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before
    query: str | None = None  # full-text search (words, "phrases", OR, -excluded)


def list_posts(
    session: Session, *, filters: PostFilter, after: tuple[datetime, int] | None = None, limit: int = 50
) -> list[PostSummary]:
    """Posts matching every filter, newest first, after the keyset `after` (the last page's (created_at, id))."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
    stmt = select(Post, Author.handle).outerjoin(Author, Author.id == Post.author_id)
    if filters.channel is not None:
        stmt = stmt.where(Post.channel == filters.channel)
    if filters.brand is not None:
        stmt = stmt.where(Post.brand == filters.brand)
    if filters.language is not None:
        stmt = stmt.where(Post.language == filters.language)
    if filters.author is not None:
        stmt = stmt.where(Post.author_id.in_(select(Author.id).where(Author.handle == filters.author.lstrip("@"))))
    if filters.since is not None:
        stmt = stmt.where(Post.created_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Post.created_at < filters.until)
    if filters.query is not None and filters.query.strip():
        stmt = stmt.where(post_search_condition(session.get_bind().dialect.name, filters.query))
    if after is not None:
        moment, post_id = after
        stmt = stmt.where(or_(Post.created_at < moment, and_(Post.created_at == moment, Post.id < post_id)))
    stmt = stmt.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)
    return [_summary(post, handle) for post, handle in session.execute(stmt)]


def get_post(session: Session, *, post_id: int) -> PostDetail:
    """One post with its stored enrichments (by enricher name) and the case it belongs to, if any."""
    row = session.execute(
        select(Post, Author.handle).outerjoin(Author, Author.id == Post.author_id).where(Post.id == post_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"post {post_id} not found; GET /api/v1/posts lists the posts")
    post, handle = row
    enrichments: dict[str, Any] = {
        name: value
        for name, value in session.execute(
            select(Enrichment.enricher, Enrichment.value).where(Enrichment.post_id == post.id)
        )
        if name not in _HIDDEN_ENRICHERS
    }
    case_id = session.scalar(select(CasePost.case_id).where(CasePost.post_id == post.id))
    summary = _summary(post, handle)
    return PostDetail(
        **summary.model_dump(exclude={"score"}), language=post.language, product=post.product,
        rating=post.rating, likes=post.likes, reposts=post.reposts, replies=post.replies, location=post.location,
        latitude=post.latitude, longitude=post.longitude, visibility=post.visibility,
        reply_to_external_id=post.reply_to_external_id, attributes=dict(post.attributes or {}),
        ingested_at=post.ingested_at, case_id=case_id, enrichments=enrichments,
    )  # fmt: skip


def _summary(post: Post, handle: str | None) -> PostSummary:
    return PostSummary(
        id=post.id, channel=post.channel, external_id=post.external_id, author=handle, created_at=post.created_at,
        text=post.text, title=post.title, url=post.url, brand=post.brand, conversation_id=post.conversation_id,
    )  # fmt: skip
