"""Reading cases: one case with its posts and timeline, and filtered lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.inbox import repository
from groundswell.inbox.schemas import CaseEventView, CasePostView, CaseStatus, CaseSummary, CaseView
from groundswell.models import Case
from groundswell.people import repository as people_repository


def _summary_fields(
    case: Case, teams: dict[int, str], people: dict[int, str], customers: dict[int, str]
) -> dict[str, Any]:
    return {
        "id": case.id,
        "kind": case.kind,
        "status": CaseStatus(case.status),
        "priority": case.priority,
        "channel": case.channel,
        "subject": case.subject,
        "customer": customers.get(case.customer_id) if case.customer_id else None,
        "team": teams.get(case.team_id) if case.team_id else None,
        "assignee": people.get(case.assignee_id) if case.assignee_id else None,
        "tags": list(case.tags or []),
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
        "merged_into_id": case.merged_into_id,
    }


def _names(session: Session, cases: Sequence[Case]) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    teams = repository.team_names(session, [c.team_id for c in cases if c.team_id])
    people = repository.employee_handles(session, [c.assignee_id for c in cases if c.assignee_id])
    customers = repository.author_handles(session, [c.customer_id for c in cases if c.customer_id])
    return teams, people, customers


def get_case(session: Session, *, case_id: int) -> CaseView:
    case = repository.get_case(session, case_id)
    teams, people, customers = _names(session, [case])
    posts = [
        CasePostView(
            post_id=row.post.id,
            channel=row.post.channel,
            external_id=row.post.external_id,
            author=row.author_handle,
            text=row.post.text,
            created_at=row.post.created_at,
            url=row.post.url,
            added_at=row.link.added_at,
        )
        for row in repository.case_posts(session, case.id)
    ]
    events = [
        CaseEventView(id=e.id, at=e.at, actor=e.actor, kind=e.kind, data=e.data or {})
        for e in repository.timeline(session, case.id)
    ]
    return CaseView(
        **_summary_fields(case, teams, people, customers),
        brand=case.brand, sla_policy=case.sla_policy, requires_approval=case.requires_approval,
        approver_role=case.approver_role, routing=case.routing or {},
        last_customer_post_at=case.last_customer_post_at, first_response_at=case.first_response_at,
        resolved_at=case.resolved_at, closed_at=case.closed_at, posts=posts, timeline=events,
    )  # fmt: skip


def list_cases(
    session: Session,
    *,
    status: Sequence[str] = (),
    team: str | None = None,
    assignee: str | None = None,
    unassigned: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[CaseSummary]:
    """Cases matching every filter, most urgent first. `status` may also be "open_any" for every open status."""
    statuses: list[str] = []
    for value in status:
        if value == "open_any":
            statuses += ["new", "open", "waiting_on_customer"]
            continue
        try:
            statuses.append(CaseStatus(value).value)
        except ValueError:
            known = ", ".join(s.value for s in CaseStatus)
            raise InvalidInput(f"unknown case status {value!r}; use one of {known} (or open_any)") from None
    if assignee is not None and unassigned:
        raise InvalidInput("give either an assignee or --unassigned, not both")
    team_id = people_repository.team_by_name(session, team).id if team is not None else None
    assignee_id = people_repository.employee_by_handle(session, assignee).id if assignee is not None else None
    cases = repository.list_cases(
        session, statuses=statuses, team_id=team_id, assignee_id=assignee_id, unassigned=unassigned,
        limit=limit, offset=offset,
    )  # fmt: skip
    return summaries(session, cases)


def summaries(session: Session, cases: Sequence[Case]) -> list[CaseSummary]:
    """List lines for cases already loaded, with their team, assignee and customer names (three queries)."""
    teams, people, customers = _names(session, cases)
    return [CaseSummary(**_summary_fields(case, teams, people, customers)) for case in cases]
