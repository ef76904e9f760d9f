from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.models import Author, Post


def posts_with_handles(session: Session, ids: Sequence[int]) -> dict[int, tuple[Post, str | None]]:
    stmt = select(Post, Author.handle).outerjoin(Author, Author.id == Post.author_id).where(Post.id.in_(ids))
    return {post.id: (post, handle) for post, handle in session.execute(stmt).all()}
