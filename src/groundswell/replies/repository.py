"""Queries of the reply service: replies, and what a draft's context is built from (the case, its posts,
their enrichments, the customer, the employees)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.errors import Conflict, NotFound
from groundswell.models import Author, Case, CasePost, Employee, Enrichment, OutboxMessage, Post, Reply
from groundswell.people.repository import employee_by_handle


def get_reply(session: Session, reply_id: int, *, for_update: bool = False) -> Reply:
    stmt = select(Reply).where(Reply.id == reply_id)
    reply = session.scalars(stmt.with_for_update() if for_update else stmt).one_or_none()
    if reply is None:
        raise NotFound(f"reply {reply_id} not found; `groundswell reply list` shows the replies")
    return reply


def list_replies(
    session: Session,
    *,
    state: str | None = None,
    case_id: int | None = None,
    author: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[Reply]:
    """Newest first; with `before_id`, only replies older than that one (keyset pagination)."""
    stmt = select(Reply).order_by(Reply.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(Reply.id < before_id)
    if state is not None:
        stmt = stmt.where(Reply.state == state)
    if case_id is not None:
        stmt = stmt.where(Reply.case_id == case_id)
    if author is not None:
        stmt = stmt.where(Reply.author == author)
    return list(session.scalars(stmt))


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found; `groundswell cases list` shows the cases")
    return case


def active_employee(session: Session, handle: str) -> Employee:
    """The employee with this handle, who must still work here."""
    employee = employee_by_handle(session, handle)
    if not employee.active:
        raise Conflict(f"employee {handle!r} is no longer active and cannot act on replies")
    return employee


def case_posts(session: Session, case_id: int) -> list[Post]:
    """The case's posts, oldest first."""
    stmt = (
        select(Post)
        .join(CasePost, CasePost.post_id == Post.id)
        .where(CasePost.case_id == case_id)
        .order_by(Post.created_at, Post.id)
    )
    return list(session.scalars(stmt))


def post_by_id(session: Session, post_id: int) -> Post:
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound(f"post {post_id} not found")
    return post


def author_by_id(session: Session, author_id: int | None) -> Author | None:
    return None if author_id is None else session.get(Author, author_id)


def enrichments(session: Session, post_ids: Sequence[int], names: Iterable[str]) -> dict[int, dict[str, Any]]:
    """{post id: {enricher name: stored value}} for the enrichers asked for."""
    wanted = list(names)
    found: dict[int, dict[str, Any]] = {post_id: {} for post_id in post_ids}
    if not post_ids or not wanted:
        return found
    stmt = select(Enrichment.post_id, Enrichment.enricher, Enrichment.value).where(
        Enrichment.post_id.in_(list(post_ids)), Enrichment.enricher.in_(wanted)
    )
    for post_id, name, value in session.execute(stmt):
        found[post_id][name] = value
    return found


def outbox_message_of(session: Session, reply_id: int) -> OutboxMessage | None:
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.reply_id == reply_id).order_by(OutboxMessage.id).limit(1)
    ).one_or_none()
