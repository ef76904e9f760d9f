"""SLA clocks of cases, over the pure maths in `groundswell.routing.sla`.

Each case gets one clock per target of its policy (first_response, resolution). A clock row keeps the target,
warning threshold and calendar it started with, so pausing, resuming and sweeping need no routing config and
a rules edit never moves a running deadline. The stored `due_at` always comes from `routing.sla.due_at`, so
it is inside open hours or at a closing instant, before and after pauses.

Status changes drive the clocks (`on_status_change`):
- waiting_on_customer pauses every running clock (an open pause); leaving it closes the pause and recomputes
  the deadline;
- resolved or closed completes the resolution clock (met or breached) and pauses a first-response clock that
  never got its response, since nobody owes a resolved case an answer;
- reopening restarts the resolution clock from the reopen time and resumes the first-response clock.

`sweep` records warnings and breaches once each (state, timestamp, timeline event, audit line) and applies
the policy's escalation steps. Breaches found at completion (a reply after the deadline) are recorded there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy.orm import Session

from groundswell.governance import audit_log
from groundswell.inbox import sla_repository as repository
from groundswell.inbox.repository import record_event
from groundswell.inbox.schemas import CaseStatus
from groundswell.inbox.sla_escalation import escalate
from groundswell.inbox.sla_schemas import ClockState, ClockView, EscalationAction, SweepItem, SweepReport
from groundswell.models.case import Case, SlaClockRecord
from groundswell.models.team import Team
from groundswell.people.snapshots import calendar_from_json
from groundswell.routing.calendar import BusinessCalendar
from groundswell.routing.sla import Pause, SlaClock, SlaPolicy, SlaState, SlaStatus, due_at, policy_calendar, status
from groundswell.webhooks import events as webhook_events

SYSTEM = "system"
_DONE = frozenset({CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value})
_WAITING = CaseStatus.WAITING_ON_CUSTOMER.value
_TEAM_CALENDAR = "\x00team"  # a key no configured calendar can have


def calendar_for_case(
    session: Session, *, case: Case, policy: SlaPolicy, calendars: Mapping[str, BusinessCalendar]
) -> BusinessCalendar:
    """The calendar `policy` runs on for `case`: its own, else the case's team's stored hours."""
    team = session.get(Team, case.team_id) if case.team_id is not None else None
    team_hours = team.calendar if team is not None else None
    known = dict(calendars)
    if team_hours:
        known[_TEAM_CALENDAR] = calendar_from_json(team_hours)
    return policy_calendar(policy, known, _TEAM_CALENDAR if team_hours else None)


def start_clocks(
    session: Session, *, case: Case, policy: SlaPolicy, calendar: BusinessCalendar, now: datetime | None = None
) -> list[SlaClockRecord]:
    """Start the policy's clocks for the case from `now`. A clock the case already has keeps its start and
    pauses; if it is still running under another policy it takes on the new target (a re-routed case)."""
    now = now or datetime.now(UTC)
    existing = {row.clock: row for row in repository.clocks_of_case(session, case.id)}
    rows: list[SlaClockRecord] = []
    for clock in SlaClock:
        target = policy.target(clock)
        if target is None:
            continue
        row = existing.get(clock.value)
        if row is None:
            row = SlaClockRecord(
                case_id=case.id, clock=clock.value, started_at=now, pauses=[], state=ClockState.RUNNING.value
            )
            session.add(row)
        elif row.completed_at is not None or row.policy == policy.name:
            rows.append(row)
            continue
        row.policy, row.target_seconds, row.warn_at = policy.name, target.total_seconds(), policy.warn_at
        row.calendar = _calendar_json(calendar)
        _set_paused(row, _should_pause(clock, case.status), now)
        row.due_at = due_at(row.started_at, target, calendar, _closed(_pauses(row), now))
        rows.append(row)
    session.flush()
    return rows


def on_status_change(
    session: Session, *, case: Case, old: str, new: str, now: datetime | None = None, actor: str = SYSTEM
) -> list[SlaClockRecord]:
    """Pause, resume, complete or restart the case's clocks for a status change from `old` to `new`."""
    now = now or datetime.now(UTC)
    rows = repository.clocks_of_case(session, case.id)
    if old == new:
        return rows
    for row in rows:
        clock = SlaClock(row.clock)
        if clock is SlaClock.RESOLUTION:
            if new in _DONE and old not in _DONE:
                if row.completed_at is None:
                    _complete(session, case=case, row=row, at=now, actor=actor)
                continue
            if old in _DONE and new not in _DONE:
                _restart(row, now)
        if row.completed_at is None:
            _set_paused(row, _should_pause(clock, new), now)
    session.flush()
    return rows


def complete_first_response(
    session: Session, *, case: Case, at: datetime, actor: str = SYSTEM
) -> SlaClockRecord | None:
    """Stop the first-response clock at `at` (met, or breached when late); None if there is none running."""
    row = next((r for r in repository.clocks_of_case(session, case.id) if r.clock == SlaClock.FIRST_RESPONSE), None)
    if row is None or row.completed_at is not None:
        return None
    _complete(session, case=case, row=row, at=at, actor=actor)
    session.flush()
    return row


def case_deadlines(
    session: Session, case_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, list[ClockView]]:
    """Every clock of the given cases as it stands at `now` (cases without clocks map to [])."""
    now = now or datetime.now(UTC)
    return {
        case_id: [clock_view(row, now) for row in rows]
        for case_id, rows in repository.clocks_of_cases(session, case_ids).items()
    }


def clock_view(row: SlaClockRecord, now: datetime) -> ClockView:
    current = _status(row, now)
    return ClockView(
        case_id=row.case_id, clock=row.clock, policy=row.policy, state=ClockState(row.state),
        status=current.state.value, started_at=row.started_at, due_at=current.due_at, paused=current.paused,
        elapsed_seconds=current.elapsed.total_seconds(), remaining_seconds=current.remaining.total_seconds(),
        fraction_used=round(current.fraction_used, 4), warned_at=row.warned_at, breached_at=row.breached_at,
        completed_at=row.completed_at, escalated_at=row.escalated_at,
    )  # fmt: skip


def sweep(
    session: Session,
    *,
    now: datetime | None = None,
    policies: Mapping[str, SlaPolicy] | None = None,
    actor: str = SYSTEM,
    limit: int | None = None,
) -> SweepReport:
    """Record the warnings and breaches due at `now` (each once per clock) and apply the escalation steps
    of `policies` (by name; a clock whose policy is not among them is not escalated and is reported)."""
    now = now or datetime.now(UTC)
    warnings: list[SweepItem] = []
    breaches: list[SweepItem] = []
    escalations: list[EscalationAction] = []
    unknown: set[str] = set()
    rows = repository.clocks_to_sweep(session, limit=limit)
    for row, case in rows:
        current = _status(row, now)
        if current.state is SlaState.BREACHED:
            breaches.append(_record_breach(session, case=case, row=row, current=current, at=now, actor=actor))
        elif current.state is SlaState.WARNING and row.state == ClockState.RUNNING and not current.paused:
            warnings.append(_record_warning(session, case=case, row=row, current=current, at=now, actor=actor))
        else:
            continue
        policy = (policies or {}).get(row.policy)
        if policy is None:
            unknown.update([row.policy] if policies is not None else [])
            continue
        steps = policy.escalations(SlaClock(row.clock), current.state)
        if steps:
            escalations.append(
                escalate(session, case=case, clock=row, steps=steps, trigger=current.state, actor=actor, now=now)
            )
    session.flush()
    return SweepReport(
        now=now, checked=len(rows), warnings=warnings, breaches=breaches, escalations=escalations,
        reassign=sorted({action.case_id for action in escalations if action.reassign}),
        unknown_policies=sorted(unknown),
    )  # fmt: skip


# --- clock rows -------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _calendar_from_key(key: bytes) -> BusinessCalendar:
    return BusinessCalendar.model_validate(orjson.loads(key))


def _calendar(row: SlaClockRecord) -> BusinessCalendar:
    return _calendar_from_key(orjson.dumps(row.calendar, option=orjson.OPT_SORT_KEYS))


def _calendar_json(calendar: BusinessCalendar) -> dict[str, Any]:
    return calendar.model_dump(mode="json")


def _target(row: SlaClockRecord) -> timedelta:
    return timedelta(seconds=row.target_seconds)


def _pauses(row: SlaClockRecord) -> list[Pause]:
    return [
        Pause(datetime.fromisoformat(start), None if end is None else datetime.fromisoformat(end))
        for start, end in row.pauses
        if start is not None
    ]


def _store_pauses(row: SlaClockRecord, pauses: list[Pause]) -> None:
    # A new list, so that the JSON column is seen as changed.
    row.pauses = [[_iso(p.start), None if p.end is None else _iso(p.end)] for p in pauses]


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def _closed(pauses: list[Pause], at: datetime) -> list[Pause]:
    return [p if p.end is not None else Pause(p.start, max(p.start, at)) for p in pauses]


def _status(row: SlaClockRecord, now: datetime) -> SlaStatus:
    return status(
        now, started=row.started_at, target=_target(row), calendar=_calendar(row), pauses=_pauses(row),
        warn_at=row.warn_at, completed_at=row.completed_at,
    )  # fmt: skip


def _should_pause(clock: SlaClock, case_status: str) -> bool:
    return case_status == _WAITING or (clock is SlaClock.FIRST_RESPONSE and case_status in _DONE)


def _unpaused_state(row: SlaClockRecord) -> str:
    if row.breached_at is not None:
        return ClockState.BREACHED.value
    return (ClockState.WARNED if row.warned_at is not None else ClockState.RUNNING).value


def _set_paused(row: SlaClockRecord, paused: bool, at: datetime) -> None:
    """Open a pause at `at`, or close the open one there and move the deadline by the time it lasted."""
    pauses = _pauses(row)
    is_paused = any(p.end is None for p in pauses)
    if paused and not is_paused:
        _store_pauses(row, [*pauses, Pause(at)])
        if row.breached_at is None:
            row.state = ClockState.PAUSED.value
    elif not paused and is_paused:
        closed = _closed(pauses, at)
        _store_pauses(row, closed)
        row.state = _unpaused_state(row)
        row.due_at = due_at(row.started_at, _target(row), _calendar(row), closed)


def _restart(row: SlaClockRecord, at: datetime) -> None:
    row.started_at, row.pauses, row.state = at, [], ClockState.RUNNING.value
    row.warned_at = row.breached_at = row.completed_at = row.escalated_at = None
    row.due_at = due_at(at, _target(row), _calendar(row))


def _complete(session: Session, *, case: Case, row: SlaClockRecord, at: datetime, actor: str) -> None:
    closed = _closed(_pauses(row), at)
    _store_pauses(row, closed)
    row.completed_at = at
    final = _status(row, at)
    row.due_at = final.due_at
    if final.state is SlaState.BREACHED and row.breached_at is None:
        _record_breach(session, case=case, row=row, current=final, at=at, actor=actor)
    row.state = (ClockState.MET if final.state is SlaState.MET else ClockState.BREACHED).value


# --- warnings and breaches --------------------------------------------------------------------------------


def _record_warning(
    session: Session, *, case: Case, row: SlaClockRecord, current: SlaStatus, at: datetime, actor: str
) -> SweepItem:
    row.state, row.warned_at = ClockState.WARNED.value, at
    return _record(session, kind="sla_warning", case=case, row=row, current=current, at=at, actor=actor)


def _record_breach(
    session: Session, *, case: Case, row: SlaClockRecord, current: SlaStatus, at: datetime, actor: str
) -> SweepItem:
    """The breach happened at the deadline; it is recorded (event, audit) when it is noticed, at `at`."""
    row.state, row.breached_at = ClockState.BREACHED.value, current.due_at
    item = _record(session, kind="sla_breach", case=case, row=row, current=current, at=at, actor=actor)
    webhook_events.case_breached(session, case=case, clock=row.clock, policy=row.policy, due_at=current.due_at, at=at)
    return item


def _record(
    session: Session, *, kind: str, case: Case, row: SlaClockRecord, current: SlaStatus, at: datetime, actor: str
) -> SweepItem:
    item = SweepItem(
        case_id=case.id, clock=row.clock, policy=row.policy, due_at=current.due_at,
        fraction_used=round(current.fraction_used, 4),
    )  # fmt: skip
    data = item.model_dump(mode="json", exclude={"case_id"})
    record_event(session, case=case, kind=kind, actor=actor, data=data, at=at)
    action = "sla.warning" if kind == "sla_warning" else "sla.breach"
    audit_log.append(session, actor=actor, action=action, entity="case", entity_id=case.id, after=data, at=at)
    return item
