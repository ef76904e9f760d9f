from __future__ import annotations

from sqlalchemy.orm import Session

from groundswell.db.dialect import search_post_ids
from groundswell.errors import InvalidInput
from groundswell.posts import repository
from groundswell.posts.schemas import PostSummary


def search_posts(session: Session, *, query: str, limit: int = 20, offset: int = 0) -> list[PostSummary]:
    """Posts matching `query` (words, "phrases", OR, -excluded), most relevant first."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit must be between 1 and 1000")
    hits = search_post_ids(session.connection(), query, limit=limit, offset=offset)
    rows = repository.posts_with_handles(session, [post_id for post_id, _ in hits])
    results = []
    for post_id, score in hits:
        post, handle = rows[post_id]
        results.append(
            PostSummary(
                id=post.id,
                channel=post.channel,
                external_id=post.external_id,
                author=handle,
                created_at=post.created_at,
                text=post.text,
                title=post.title,
                url=post.url,
                brand=post.brand,
                conversation_id=post.conversation_id,
                score=round(score, 4),
            )
        )
    return results
