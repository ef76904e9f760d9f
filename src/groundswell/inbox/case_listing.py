"""Case lists for the API: every filter an integration needs, newest first, with keyset pagination over
(opened_at, id) so page 1,000 is as fast as page 1 (`ix_cases_status_opened_at` and `cases.opened_at`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from groundswell.db.dialect import json_array_contains
from groundswell.errors import InvalidInput
from groundswell.inbox.schemas import OPEN_STATUSES, CaseStatus, CaseSummary
from groundswell.inbox.views import summaries
from groundswell.models import Author, Case, Employee, Team

MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class CaseFilter:
    statuses: Sequence[str] = field(default_factory=tuple)  # case statuses, or "open_any"
    priority: str | None = None
    channel: str | None = None
    kind: str | None = None
    team: str | None = None  # team name
    assignee: str | None = None  # employee handle
    unassigned: bool = False
    customer: str | None = None  # author handle
    tag: str | None = None
    opened_since: datetime | None = None
    opened_until: datetime | None = None


def _statuses(values: Sequence[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        if value == "open_any":
            found += [s.value for s in OPEN_STATUSES]
            continue
        try:
            found.append(CaseStatus(value).value)
        except ValueError:
            known = ", ".join(s.value for s in CaseStatus)
            raise InvalidInput(f"unknown case status {value!r}; use one of {known} (or open_any)") from None
    return sorted(set(found))


def list_cases_page(
    session: Session, *, filters: CaseFilter, after: tuple[datetime, int] | None = None, limit: int = 50
) -> list[CaseSummary]:
    """Cases matching every filter, most recently opened first, after the keyset `after` ((opened_at, id)).
    A team, assignee or customer that does not exist matches nothing (it is a filter, not a lookup)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
    if filters.assignee is not None and filters.unassigned:
        raise InvalidInput("give either an assignee or unassigned=true, not both")
    stmt = select(Case)
    statuses = _statuses(filters.statuses)
    if statuses:
        stmt = stmt.where(Case.status.in_(statuses))
    for column, value in (
        (Case.priority, filters.priority),
        (Case.channel, filters.channel),
        (Case.kind, filters.kind),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.team is not None:
        stmt = stmt.where(Case.team_id.in_(select(Team.id).where(Team.name == filters.team)))
    if filters.assignee is not None:
        handle = filters.assignee.lstrip("@")
        stmt = stmt.where(Case.assignee_id.in_(select(Employee.id).where(Employee.handle == handle)))
    if filters.unassigned:
        stmt = stmt.where(Case.assignee_id.is_(None))
    if filters.customer is not None:
        stmt = stmt.where(Case.customer_id.in_(select(Author.id).where(Author.handle == filters.customer.lstrip("@"))))
    if filters.tag is not None:
        stmt = stmt.where(json_array_contains(session.get_bind().dialect.name, Case.tags, filters.tag))
    if filters.opened_since is not None:
        stmt = stmt.where(Case.opened_at >= filters.opened_since)
    if filters.opened_until is not None:
        stmt = stmt.where(Case.opened_at < filters.opened_until)
    if after is not None:
        moment, case_id = after
        stmt = stmt.where(or_(Case.opened_at < moment, and_(Case.opened_at == moment, Case.id < case_id)))
    cases = list(session.scalars(stmt.order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit)))
    return summaries(session, cases)
