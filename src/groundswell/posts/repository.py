from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from groundswell.models import Author, Post


def summaries_by_id(session: Session, ids: Sequence[int]) -> dict[int, Row[tuple[Post, str | None]]]:
    stmt = (
        select(Post, Author.handle)
        .outerjoin(Author, Author.id == Post.author_id)
        .where(Post.id.in_(ids))
    )
    return {row[0].id: row for row in session.execute(stmt)}
