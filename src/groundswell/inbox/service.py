"""What people (and the reply and SLA services) do to cases: status, priority, tags, notes, assignment,
reopening and first responses. Merging and splitting live in `inbox.merging`, reading in `inbox.views`; both
are re-exported here, so `groundswell.inbox.service` is the one entry point.

Every action writes one timeline event and one audit line, flushes and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance import audit_log
from groundswell.inbox import repository, sla_service
from groundswell.inbox.assignment import assign_case
from groundswell.inbox.merging import merge, split
from groundswell.inbox.repository import record_event
from groundswell.inbox.rules import is_reopen
from groundswell.inbox.schemas import OPEN_STATUSES, CaseStatus, EventKind
from groundswell.inbox.status import apply_status, parse_status
from groundswell.inbox.views import get_case, list_cases
from groundswell.models import Case
from groundswell.people import repository as people_repository
from groundswell.people.snapshots import employee_snapshot
from groundswell.routing.assignment import AssignmentRequest, ineligibility
from groundswell.routing.schemas import Priority

__all__ = [
    "add_note",
    "add_tags",
    "apply_status",
    "assign",
    "change_status",
    "get_case",
    "list_cases",
    "mark_responded",
    "merge",
    "record_event",
    "remove_tags",
    "reopen",
    "set_priority",
    "split",
    "unassign",
]


def change_status(
    session: Session, *, case_id: int, status: str, actor: str, note: str | None = None, now: datetime | None = None
) -> Case:
    """Set the status by hand. Reopening goes through `reopen` (it also finds the case an owner)."""
    now = now or datetime.now(UTC)
    case = repository.get_case(session, case_id)
    new = parse_status(status)
    if is_reopen(parse_status(case.status), new):
        return reopen(session, case_id=case_id, actor=actor, reason=note, now=now)
    apply_status(session, case=case, new=new, actor=actor, at=now, data={"note": note} if note else None)
    return case


def reopen(
    session: Session, *, case_id: int, actor: str, reason: str | None = None, now: datetime | None = None
) -> Case:
    """Open a resolved or closed case again. Its owner keeps it if they can take it now; otherwise it goes to
    someone else in the team, or waits in the team queue."""
    now = now or datetime.now(UTC)
    case = repository.get_case(session, case_id)
    owner = repository.employee_handles(session, [case.assignee_id]).get(case.assignee_id) if case.assignee_id else None
    apply_status(
        session, case=case, new=CaseStatus.OPEN, actor=actor, at=now, data={"reason": reason} if reason else None
    )
    assign_case(session, case=case, now=now, actor=actor, current_owner=owner, why="reopened")
    return case


def set_priority(session: Session, *, case_id: int, priority: str, actor: str, now: datetime | None = None) -> Case:
    now = now or datetime.now(UTC)
    try:
        wanted = Priority(priority.lower())
    except ValueError:
        raise InvalidInput(
            f"{priority!r} is not a priority; use p1 (urgent), p2 (high), p3 (normal) or p4 (low)"
        ) from None
    case = repository.get_case(session, case_id)
    old = case.priority
    if old == wanted.value:
        return case
    case.priority = wanted.value
    data = {"from": old, "to": wanted.value}
    record_event(session, case=case, kind=EventKind.PRIORITY_CHANGED, actor=actor, data=data, at=now)
    audit_log.append(session, actor=actor, action="case.priority", entity="case", entity_id=case.id,
                     before={"priority": old}, after={"priority": wanted.value}, at=now)  # fmt: skip
    return case


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = [tag.strip() for tag in tags if tag.strip()]
    if not cleaned:
        raise InvalidInput("give at least one non-empty tag")
    return list(dict.fromkeys(cleaned))


def _set_tags(session: Session, *, case: Case, tags: list[str], actor: str, now: datetime) -> Case:
    old = list(case.tags or [])
    if tags == old:
        return case
    case.tags = tags  # a new list, so the JSON column is seen as changed
    added, removed = [t for t in tags if t not in old], [t for t in old if t not in tags]
    data = {"added": added, "removed": removed, "tags": tags}
    record_event(session, case=case, kind=EventKind.TAGS_CHANGED, actor=actor, data=data, at=now)
    audit_log.append(session, actor=actor, action="case.tags", entity="case", entity_id=case.id,
                     before={"tags": old}, after={"tags": tags}, at=now)  # fmt: skip
    return case


def add_tags(session: Session, *, case_id: int, tags: Iterable[str], actor: str, now: datetime | None = None) -> Case:
    case = repository.get_case(session, case_id)
    old = list(case.tags or [])
    return _set_tags(session, case=case, tags=old + [t for t in _clean_tags(tags) if t not in old], actor=actor,
                     now=now or datetime.now(UTC))  # fmt: skip


def remove_tags(
    session: Session, *, case_id: int, tags: Iterable[str], actor: str, now: datetime | None = None
) -> Case:
    case = repository.get_case(session, case_id)
    gone = set(_clean_tags(tags))
    return _set_tags(session, case=case, tags=[t for t in case.tags or [] if t not in gone], actor=actor,
                     now=now or datetime.now(UTC))  # fmt: skip


def add_note(session: Session, *, case_id: int, text: str, actor: str, now: datetime | None = None) -> Case:
    """An internal note: on the timeline for colleagues, never sent to the customer."""
    now = now or datetime.now(UTC)
    if not text.strip():
        raise InvalidInput("a note needs some text")
    case = repository.get_case(session, case_id)
    record_event(session, case=case, kind=EventKind.NOTE, actor=actor, data={"text": text.strip()}, at=now)
    audit_log.append(session, actor=actor, action="case.note", entity="case", entity_id=case.id,
                     after={"text": text.strip()}, at=now)  # fmt: skip
    return case


def assign(
    session: Session,
    *,
    case_id: int,
    employee: str,
    actor: str,
    force: bool = False,
    reason: str | None = None,
    now: datetime | None = None,
) -> Case:
    """Give the case to a named employee. Refused when they are at capacity, on leave or inactive, unless
    `force` (the override is written on the timeline and in the audit log, with what it overrode)."""
    now = now or datetime.now(UTC)
    case = repository.get_case(session, case_id)
    if case.status not in {s.value for s in OPEN_STATUSES}:
        raise Conflict(f"case {case.id} is {case.status}; reopen it before assigning it")
    row = people_repository.employee_by_handle(session, employee.strip().lstrip("@"))
    previous = (
        repository.employee_handles(session, [case.assignee_id]).get(case.assignee_id) if case.assignee_id else None
    )
    if previous == row.handle:
        return case
    if not row.active:
        raise Conflict(f"{row.handle} is no longer active; choose someone else")
    team = repository.team_names(session, [row.team_id]).get(row.team_id, "") if row.team_id else ""
    held = repository.open_case_counts(session, [row.id])[row.id]
    snapshot = employee_snapshot(row, team_name=team, open_cases=held)
    allow_trainees = bool((case.routing.get("decision") or {}).get("allow_trainees", True))
    request = AssignmentRequest(team=team, now=now, allow_trainees=allow_trainees)
    # A manager may hand over work for the next shift, so being off shift now is no objection here.
    problems = [p for p in ineligibility(snapshot, request) if not p.startswith("off shift")]
    if problems and not force:
        raise Conflict(f"{row.handle} cannot take case {case.id}: {', '.join(problems)}; pass --force to override")
    case.assignee_id = row.id
    data: dict[str, Any] = {"employee": row.handle, "strategy": "manual", "reason": reason or "assigned by hand"}
    if previous:
        data["previous"] = previous
    if problems:
        data["forced"] = problems
    record_event(session, case=case, kind=EventKind.ASSIGNED, actor=actor, data=data, at=now)
    audit_log.append(session, actor=actor, action="case.assign.forced" if problems else "case.assign", entity="case",
                     entity_id=case.id, before={"assignee": previous}, after=data, at=now)  # fmt: skip
    return case


def unassign(
    session: Session, *, case_id: int, actor: str, reason: str | None = None, now: datetime | None = None
) -> Case:
    """Put the case back in its team queue."""
    now = now or datetime.now(UTC)
    case = repository.get_case(session, case_id)
    if case.assignee_id is None:
        return case
    previous = repository.employee_handles(session, [case.assignee_id]).get(case.assignee_id)
    case.assignee_id = None
    data = {"employee": previous, "why": reason or "unassigned by hand"}
    record_event(session, case=case, kind=EventKind.UNASSIGNED, actor=actor, data=data, at=now)
    audit_log.append(session, actor=actor, action="case.unassign", entity="case", entity_id=case.id,
                     before={"assignee": previous}, after={"assignee": None, "why": data["why"]}, at=now)  # fmt: skip
    return case


def mark_responded(session: Session, *, case_id: int, at: datetime, actor: str) -> Case:
    """A reply went out (the reply service calls this on delivery). The first one sets the first response
    time and stops the first-response SLA clock; a new case becomes open."""
    case = repository.get_case(session, case_id)
    first = case.first_response_at is None
    if first:
        case.first_response_at = at
        sla_service.complete_first_response(session, case=case, at=at, actor=actor)
    record_event(session, case=case, kind=EventKind.RESPONDED, actor=actor, data={"first": first}, at=at)
    audit_log.append(session, actor=actor, action="case.responded", entity="case", entity_id=case.id,
                     after={"first": first, "at": at.isoformat()}, at=at)  # fmt: skip
    if case.status == CaseStatus.NEW.value:
        apply_status(session, case=case, new=CaseStatus.OPEN, actor=actor, at=at, data={"why": "answered"})
    return case
