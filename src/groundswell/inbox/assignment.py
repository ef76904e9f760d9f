"""Giving cases to employees: the service side of `groundswell.routing.assignment`.

`assign_case` takes a snapshot of the case's team (each employee with their open-case count, counted from
the database at that moment) and lets the pure strategy choose. Counts are taken afresh for every case, after
the previous assignment was flushed, so a run that assigns many cases never pushes anyone past capacity. On
PostgreSQL the team row is locked for the choice, so two concurrent runs cannot both give the last free slot
away; SQLite writers are serialised already.

`rebalance` places the team queues (open cases nobody holds) with whoever is now on shift with room, and moves
open, not yet answered cases away from owners who went off shift or on leave, or whose first-response SLA is at
warning or breached.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import ConfigurationError
from groundswell.governance import audit_log
from groundswell.inbox import repository, sla_service
from groundswell.inbox.case_routing import decision_value
from groundswell.inbox.schemas import EventKind, RebalanceReport
from groundswell.models import Case, Employee, Team
from groundswell.people import repository as people_repository
from groundswell.people.snapshots import employee_snapshot
from groundswell.routing.assignment import (
    AssignmentRequest,
    AssignmentResult,
    Strategy,
    assign,
    ineligibility,
    needs_reassignment,
    sticky,
)
from groundswell.routing.calendar import is_open
from groundswell.routing.geo import GeoPoint
from groundswell.routing.sla import SlaClock, SlaState, SlaStatus

SYSTEM = "system"
SlaLookup = Callable[[Session, Case, datetime], SlaStatus | None]


def team_strategy(team: Team) -> Strategy:
    try:
        return Strategy(team.strategy)
    except ValueError:
        known = ", ".join(s.value for s in Strategy)
        raise ConfigurationError(f"team {team.name} has strategy {team.strategy!r}; use one of {known}") from None


def request_for(case: Case, team: Team, *, now: datetime, current_owner: str | None) -> AssignmentRequest:
    """The assignment request from what intake stored in `case.routing` (the post's signals and the decision)."""
    signals: dict[str, Any] = case.routing.get("signals") or {}
    position = signals.get("position")
    return AssignmentRequest(
        team=team.name,
        now=now,
        topics=tuple(signals.get("topics") or ()),
        intents=tuple(signals.get("intents") or ()),
        language=signals.get("language"),
        channel=case.channel,
        position=GeoPoint(lat=position[0], lon=position[1]) if position else None,
        current_owner=current_owner,
        allow_trainees=bool(decision_value(case.routing, "allow_trainees", True)),
    )


def _sticky_owner(session: Session, case: Case) -> str | None:
    """Who holds this customer's other open case on the channel, if anyone."""
    if case.customer_id is None:
        return None
    other = repository.open_case_of_customer(
        session, customer_id=case.customer_id, channel=case.channel, exclude=case.id
    )
    if other is None or other.assignee_id is None:
        return None
    return repository.employee_handles(session, [other.assignee_id]).get(other.assignee_id)


def _choose(
    rows: list[Employee], team: Team, request: AssignmentRequest, strategy: Strategy, counts: dict[int, int],
    named: str | None, prefer_owner: bool,
) -> AssignmentResult:  # fmt: skip
    snapshots = [employee_snapshot(row, team_name=team.name, open_cases=counts[row.id]) for row in rows]
    if named is not None:
        chosen = next((s for s in snapshots if s.name == named), None)
        if chosen is not None and not ineligibility(chosen, request):
            rejected = {
                s.name: tuple(r) for s in sorted(snapshots, key=lambda s: s.name) if (r := ineligibility(s, request))
            }
            return AssignmentResult(named, strategy, f"named by the routing rules (assign_to {named})", None, rejected)
    if strategy is Strategy.STICKY or (prefer_owner and request.current_owner):
        fallback = Strategy.LEAST_LOADED if strategy is Strategy.STICKY else strategy
        result = sticky(snapshots, request, fallback=fallback, cursor=team.round_robin_cursor)
    else:
        result = assign(snapshots, request, strategy, team.round_robin_cursor)
    if named is not None:
        result = replace(
            result, reason=f"assign_to {named} cannot take it ({_why_not(named, result)}); {result.reason}"
        )
    return result


def _why_not(named: str, result: AssignmentResult) -> str:
    return ", ".join(result.rejected.get(named, ("not in the team",)))


def assign_case(
    session: Session,
    *,
    case: Case,
    now: datetime,
    strategy: Strategy | None = None,
    actor: str = SYSTEM,
    exclude: Collection[str] = (),
    current_owner: str | None = None,
    record_failure: bool = True,
    why: str | None = None,
    extra: dict[str, Any] | None = None,
) -> AssignmentResult:
    """Give `case` to one of its team's employees, or leave it in the team queue saying why.

    The case's current assignee (if any) is released first, so their count does not include it. `exclude`
    keeps named employees out (rebalance moving a case away from its owner). `current_owner` makes the choice
    sticky to that employee when they can take it (a reopened case goes back to its owner); otherwise sticky
    teams use the owner of the customer's other open case."""
    previous = case.assignee_id
    case.assignee_id = None
    session.flush()
    if case.team_id is None:
        result = AssignmentResult(None, strategy or Strategy.LEAST_LOADED, "the case has no team")
        if record_failure:
            _record_queued(session, case=case, result=result, actor=actor, now=now, why=why)
        return result
    team = repository.team_by_id(session, case.team_id, for_update=True)
    rows = [row for row in people_repository.employees_of_team(session, team.id) if row.handle not in set(exclude)]
    counts = repository.open_case_counts(session, [row.id for row in rows])
    chosen_strategy = strategy or team_strategy(team)
    owner = current_owner or (_sticky_owner(session, case) if chosen_strategy is Strategy.STICKY else None)
    request = request_for(case, team, now=now, current_owner=owner)
    named = decision_value(case.routing, "assign_to")
    result = _choose(rows, team, request, chosen_strategy, counts, named, current_owner is not None)
    if result.employee is None:
        if record_failure:
            _record_queued(session, case=case, result=result, actor=actor, now=now, why=why)
        return result
    employee = next(row for row in rows if row.handle == result.employee)
    if result.strategy is Strategy.ROUND_ROBIN and result.cursor:
        team.round_robin_cursor = result.cursor
    case.assignee_id = employee.id
    data: dict[str, Any] = {
        "employee": employee.handle,
        "strategy": result.strategy.value,
        "reason": result.reason,
        "rejected": {name: list(reasons) for name, reasons in result.rejected.items()},
    }
    if previous is not None and previous != employee.id:
        data["previous"] = repository.employee_handles(session, [previous]).get(previous)
    if why:
        data["why"] = why
    data.update(extra or {})
    repository.record_event(session, case=case, kind=EventKind.ASSIGNED, actor=actor, data=data, at=now)
    audit_log.append(
        session, actor=actor, action="case.assign", entity="case", entity_id=case.id,
        before={"assignee": data.get("previous")}, after={"assignee": employee.handle, "reason": result.reason}, at=now,
    )  # fmt: skip
    return result


def _record_queued(
    session: Session, *, case: Case, result: AssignmentResult, actor: str, now: datetime, why: str | None
) -> None:
    data: dict[str, Any] = {
        "reason": result.reason,
        "rejected": {name: list(reasons) for name, reasons in result.rejected.items()},
    }
    if why:
        data["why"] = why
    repository.record_event(session, case=case, kind=EventKind.QUEUED, actor=actor, data=data, at=now)
    audit_log.append(
        session, actor=actor, action="case.queue", entity="case", entity_id=case.id,
        after={"assignee": None, "reason": result.reason}, at=now,
    )  # fmt: skip


def first_response_status(session: Session, case: Case, now: datetime) -> SlaStatus | None:
    """Where the case's first-response clock stands at `now`; None when it has none still running."""
    clocks = sla_service.case_deadlines(session, [case.id], now=now).get(case.id, [])
    view = next((c for c in clocks if c.clock == SlaClock.FIRST_RESPONSE.value and c.completed_at is None), None)
    if view is None:
        return None
    elapsed, remaining = timedelta(seconds=view.elapsed_seconds), timedelta(seconds=view.remaining_seconds)
    return SlaStatus(SlaState(view.status), view.due_at, elapsed, remaining, view.fraction_used, view.paused)


def reassign_case(session: Session, *, case_id: int, now: datetime, why: str, actor: str = SYSTEM) -> AssignmentResult:
    """Move a case to someone else in its team (an SLA escalation asks for this); it stays with its owner
    when nobody else can take it."""
    case = repository.get_case(session, case_id)
    owner = repository.employee_row(session, case.assignee_id) if case.assignee_id is not None else None
    exclude = [owner.handle] if owner is not None else []
    result = assign_case(session, case=case, now=now, actor=actor, exclude=exclude, record_failure=False, why=why)
    if result.employee is None and owner is not None:
        case.assignee_id = owner.id
        session.flush()
    return result


def rebalance(
    session: Session, *, now: datetime, sla_of: SlaLookup = first_response_status, actor: str = SYSTEM
) -> RebalanceReport:
    """Move unanswered cases away from owners who cannot work them now, then place the queued cases.

    A case whose owner went off shift or on leave goes to someone else in the team, or back to the queue when
    nobody can take it; a case whose SLA is at risk moves only when someone else can take it."""
    report = RebalanceReport()
    for case in repository.unanswered_assigned_cases(session):
        _maybe_move(session, case=case, now=now, sla_of=sla_of, actor=actor, report=report)
    # Placing queued cases only ever uses up capacity, so once a team had nobody for a case, it has nobody for
    # the next case that asks the same (a queue of thousands overnight would otherwise be retried one by one).
    full: dict[tuple[int | None, bool, Any], str] = {}
    for case in repository.queued_cases(session):
        key = (case.team_id, bool(decision_value(case.routing, "allow_trainees", True)),
               decision_value(case.routing, "assign_to"))  # fmt: skip
        if key in full:
            report.still_queued[case.id] = full[key]
            continue
        result = assign_case(session, case=case, now=now, actor=actor, record_failure=False, why="rebalance")
        if result.employee is None:
            report.still_queued[case.id] = full[key] = result.reason
        else:
            report.assigned += 1
    return report


def _maybe_move(
    session: Session, *, case: Case, now: datetime, sla_of: SlaLookup, actor: str, report: RebalanceReport
) -> None:
    assert case.assignee_id is not None
    owner = repository.employee_row(session, case.assignee_id)
    snapshot = employee_snapshot(owner, team_name="", open_cases=0)
    sla = sla_of(session, case, now)
    check = needs_reassignment(snapshot, now=now, sla=sla)
    if not check.needed:
        return
    unavailable = snapshot.on_leave or not is_open(snapshot.shift, now)
    if not unavailable and sla is not None and _moved_for_sla(session, case) == sla.state.value:
        return  # moved once already at this SLA state: moving again would only restart the work elsewhere
    why = "; ".join(check.reasons)
    result = assign_case(
        session, case=case, now=now, actor=actor, exclude=[owner.handle], record_failure=False, why=why,
        extra={"sla_state": sla.state.value} if sla is not None and not unavailable else None,
    )  # fmt: skip
    if result.employee is not None:
        report.reassigned += 1
        report.moves.append({"case": case.id, "from": owner.handle, "to": result.employee, "why": why})
        return
    if not unavailable:
        case.assignee_id = owner.id  # at risk, but nobody else can take it: better where it is
        session.flush()
        report.kept += 1
        return
    repository.record_event(
        session, case=case, kind=EventKind.UNASSIGNED, actor=actor,
        data={"employee": owner.handle, "why": why, "reason": result.reason}, at=now,
    )  # fmt: skip
    audit_log.append(
        session, actor=actor, action="case.unassign", entity="case", entity_id=case.id,
        before={"assignee": owner.handle}, after={"assignee": None, "why": why}, at=now,
    )  # fmt: skip
    report.still_queued[case.id] = f"{why}; {result.reason}"
    report.moves.append({"case": case.id, "from": owner.handle, "to": None, "why": why})


def _moved_for_sla(session: Session, case: Case) -> str | None:
    """The SLA state the case's latest assignment moved it for, if it was such a move."""
    latest = repository.latest_event(session, case_id=case.id, kind=EventKind.ASSIGNED)
    return latest.data.get("sla_state") if latest is not None else None
