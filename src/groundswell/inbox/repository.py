"""Queries over cases, their posts and timeline, and the stored posts that intake turns into cases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from groundswell.errors import NotFound
from groundswell.inbox.schemas import OPEN_STATUSES, CaseStatus
from groundswell.models import Author, Case, CaseEvent, CasePost, Employee, Enrichment, Post, SuppressedPost, Team

_OPEN = [status.value for status in OPEN_STATUSES]
_DONE = [CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value]
_CHUNK = 900  # bound parameters per IN list, below SQLite's limit with room to spare


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    stmt = select(Case).where(Case.id == case_id)
    case = session.scalars(stmt.with_for_update() if for_update else stmt).one_or_none()
    if case is None:
        raise NotFound(f"case {case_id} not found; `groundswell cases list` shows the cases")
    return case


def record_event(
    session: Session, *, case: Case, kind: str, actor: str, data: dict[str, Any] | None = None, at: datetime
) -> CaseEvent:
    """Append one event to the case's timeline, and mark the case as updated."""
    event = CaseEvent(case_id=case.id, at=at, actor=actor, kind=str(kind), data=data or {})
    session.add(event)
    case.updated_at = max(case.updated_at, at) if case.updated_at else at
    session.flush()
    return event


def open_case_counts(session: Session, employee_ids: Iterable[int]) -> dict[int, int]:
    """Open cases (new, open, waiting on customer) held by each employee; zero for those holding none."""
    ids = sorted(set(employee_ids))
    counts = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        stmt = (
            select(Case.assignee_id, func.count())
            .where(Case.assignee_id.in_(chunk), Case.status.in_(_OPEN))
            .group_by(Case.assignee_id)
        )
        counts.update({int(employee): int(count) for employee, count in session.execute(stmt) if employee is not None})
    return counts


def survivor(session: Session, case: Case) -> Case:
    """The case that `case` was (perhaps transitively) merged into; `case` itself when it was not merged."""
    seen = {case.id}
    while case.merged_into_id is not None and case.merged_into_id not in seen:
        seen.add(case.merged_into_id)
        case = get_case(session, case.merged_into_id)
    return case


def latest_case_of_conversation(session: Session, conversation_id: int) -> Case | None:
    """The most recently opened case holding a post of this conversation."""
    stmt = (
        select(Case)
        .join(CasePost, CasePost.case_id == Case.id)
        .join(Post, Post.id == CasePost.post_id)
        .where(Post.conversation_id == conversation_id)
        .order_by(Case.opened_at.desc(), Case.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def open_case_of_customer(
    session: Session, *, customer_id: int, channel: str, exclude: int | None = None
) -> Case | None:
    """The customer's most recently active open case on this channel (not one merged away)."""
    stmt = _customer_cases(customer_id, channel, exclude).where(Case.status.in_(_OPEN))
    return session.scalars(stmt).first()


def recent_done_case_of_customer(session: Session, *, customer_id: int, channel: str, since: datetime) -> Case | None:
    """The customer's most recently active resolved or closed case on this channel whose last activity (the
    customer's last post, the resolution or the close) is at or after `since`."""
    activity = [Case.last_customer_post_at >= since, Case.resolved_at >= since, Case.closed_at >= since]
    stmt = _customer_cases(customer_id, channel, None).where(Case.status.in_(_DONE), or_(*activity))
    return session.scalars(stmt).first()


def _customer_cases(customer_id: int, channel: str, exclude: int | None) -> Select[Any]:
    stmt = select(Case).where(Case.customer_id == customer_id, Case.channel == channel, Case.merged_into_id.is_(None))
    if exclude is not None:
        stmt = stmt.where(Case.id != exclude)
    return stmt.order_by(Case.updated_at.desc(), Case.id.desc()).limit(1)


def list_cases(
    session: Session,
    *,
    statuses: Sequence[str] = (),
    team_id: int | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    customer_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Case]:
    """Cases matching every given filter, most urgent first (priority, then oldest)."""
    stmt = select(Case)
    if statuses:
        stmt = stmt.where(Case.status.in_(list(statuses)))
    if team_id is not None:
        stmt = stmt.where(Case.team_id == team_id)
    if assignee_id is not None:
        stmt = stmt.where(Case.assignee_id == assignee_id)
    if unassigned:
        stmt = stmt.where(Case.assignee_id.is_(None))
    if customer_id is not None:
        stmt = stmt.where(Case.customer_id == customer_id)
    stmt = stmt.order_by(Case.priority, Case.opened_at, Case.id).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def queued_cases(session: Session, *, limit: int | None = None) -> list[Case]:
    """Open cases with a team but no assignee, most urgent first, then oldest first."""
    stmt = (
        select(Case)
        .where(Case.status.in_(_OPEN), Case.assignee_id.is_(None), Case.team_id.is_not(None))
        .order_by(Case.priority, Case.opened_at, Case.id)
    )
    return list(session.scalars(stmt.limit(limit) if limit else stmt))


def unanswered_assigned_cases(session: Session) -> list[Case]:
    """Open, assigned cases nobody has answered yet: the ones rebalance may move."""
    stmt = (
        select(Case)
        .where(Case.status.in_(_OPEN), Case.assignee_id.is_not(None), Case.first_response_at.is_(None))
        .order_by(Case.priority, Case.opened_at, Case.id)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True, slots=True)
class CasePostRow:
    link: CasePost
    post: Post
    author_handle: str | None


def case_posts(session: Session, case_id: int) -> list[CasePostRow]:
    """The case's posts in the order they were written."""
    stmt = (
        select(CasePost, Post, Author.handle)
        .join(Post, Post.id == CasePost.post_id)
        .outerjoin(Author, Author.id == Post.author_id)
        .where(CasePost.case_id == case_id)
        .order_by(Post.created_at, Post.id)
    )
    return [CasePostRow(link, post, handle) for link, post, handle in session.execute(stmt)]


def latest_event(session: Session, *, case_id: int, kind: str) -> CaseEvent | None:
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
    return session.scalars(stmt.order_by(CaseEvent.id.desc()).limit(1)).first()


def timeline(session: Session, case_id: int) -> list[CaseEvent]:
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    return list(session.scalars(stmt))


def post_enrichments(session: Session, post_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each post's stored enrichment values by enricher name ({} for a post with none)."""
    values: dict[int, dict[str, Any]] = {post_id: {} for post_id in post_ids}
    for start in range(0, len(post_ids), _CHUNK):
        chunk = list(post_ids[start : start + _CHUNK])
        stmt = select(Enrichment.post_id, Enrichment.enricher, Enrichment.value).where(Enrichment.post_id.in_(chunk))
        for post_id, enricher, value in session.execute(stmt):
            values[post_id][enricher] = value
    return values


def _pending() -> Any:
    """Posts not yet in a case, not suppressed, and enriched (at least one stored result)."""
    return and_(
        ~exists().where(CasePost.post_id == Post.id),
        ~exists().where(SuppressedPost.post_id == Post.id),
        exists().where(Enrichment.post_id == Post.id),
    )


def pending_posts(
    session: Session,
    *,
    after: tuple[datetime, int] | None,
    limit: int,
    until: datetime | None = None,
    since: datetime | None = None,
) -> list[Post]:
    """The next `limit` posts to take in, in (created_at, id) order after the cursor `after`, written no later
    than `until` (a replay "as of" a moment must not see posts from after it) and, when given, no earlier than
    `since` (older posts stay waiting)."""
    stmt = select(Post).where(_pending())
    if until is not None:
        stmt = stmt.where(Post.created_at <= until)
    if since is not None:
        stmt = stmt.where(Post.created_at >= since)
    if after is not None:
        moment, post_id = after
        stmt = stmt.where(or_(Post.created_at > moment, and_(Post.created_at == moment, Post.id > post_id)))
    return list(session.scalars(stmt.order_by(Post.created_at, Post.id).limit(limit)))


def count_unenriched(session: Session) -> int:
    """Posts in no case and not suppressed that have no stored enrichment yet: intake waits for them."""
    stmt = (
        select(func.count())
        .select_from(Post)
        .where(
            ~exists().where(CasePost.post_id == Post.id),
            ~exists().where(SuppressedPost.post_id == Post.id),
            ~exists().where(Enrichment.post_id == Post.id),
        )
    )
    return int(session.execute(stmt).scalar_one())


def authors_by_id(session: Session, ids: Iterable[int]) -> dict[int, Author]:
    wanted = sorted(set(ids))
    found: dict[int, Author] = {}
    for start in range(0, len(wanted), _CHUNK):
        found.update(
            {a.id: a for a in session.scalars(select(Author).where(Author.id.in_(wanted[start : start + _CHUNK])))}
        )
    return found


def team_by_id(session: Session, team_id: int, *, for_update: bool = False) -> Team:
    stmt = select(Team).where(Team.id == team_id)
    team = session.scalars(stmt.with_for_update() if for_update else stmt).one_or_none()
    if team is None:
        raise NotFound(f"team {team_id} not found")
    return team


def team_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    return {row.id: row.name for row in session.execute(select(Team.id, Team.name).where(Team.id.in_(wanted)))}


def employee_handles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    stmt = select(Employee.id, Employee.handle).where(Employee.id.in_(wanted))
    return {key: value for key, value in session.execute(stmt)} if wanted else {}


def author_handles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    stmt = select(Author.id, Author.handle).where(Author.id.in_(wanted))
    return {key: value for key, value in session.execute(stmt)} if wanted else {}


def posts_of_case(session: Session, case_id: int, post_ids: Sequence[int]) -> list[CasePost]:
    stmt = select(CasePost).where(CasePost.case_id == case_id, CasePost.post_id.in_(list(post_ids)))
    return list(session.scalars(stmt))


def move_posts(session: Session, *, from_case: int, to_case: int) -> int:
    links = list(session.scalars(select(CasePost).where(CasePost.case_id == from_case)))
    for link in links:
        link.case_id = to_case
    session.flush()
    return len(links)


def employee_row(session: Session, employee_id: int) -> Employee:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound(f"employee {employee_id} not found")
    return employee
