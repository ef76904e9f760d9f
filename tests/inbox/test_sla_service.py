"""SLA clocks of cases through the service: start, pause, resume, complete, reopen, sweep and escalate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.errors import ConfigurationError
from groundswell.governance import audit_log
from groundswell.inbox import sla_service
from groundswell.models.audit import AuditEntry
from groundswell.models.case import Case, CaseEvent, SlaClockRecord
from groundswell.models.team import Employee, Team
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar
from groundswell.routing.sla import Pause, SlaPolicy, due_at

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday
OFFICE = BusinessCalendar.model_validate({"timezone": "UTC", "hours": {"mon-fri": "09:00-17:00"}})
STANDARD = SlaPolicy.model_validate({"name": "standard", "first_response": "1h", "resolution": "8h", "warn_at": 0.5})
ESCALATING = SlaPolicy.model_validate(
    {
        "name": "escalating",
        "first_response": "1h",
        "resolution": "4h",
        "escalate": [
            {"on": "warning", "clocks": ["first_response"], "notify_role": "lead"},
            {"on": "breach", "priority": "p1", "add_tags": ["sla-breach"], "notify": ["duty"], "reassign": True},
        ],
    }
)


def make_case(session: Session, *, status: str = "open", priority: str = "p3", team_id: int | None = None) -> Case:
    case = Case(
        channel="x", status=status, priority=priority, team_id=team_id, opened_at=T0, updated_at=T0, tags=["vip"]
    )
    session.add(case)
    session.flush()
    return case


def clocks(session: Session, case: Case) -> dict[str, SlaClockRecord]:
    rows = session.scalars(select(SlaClockRecord).where(SlaClockRecord.case_id == case.id))
    return {row.clock: row for row in rows}


def events(session: Session, case: Case, kind: str) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind).order_by(CaseEvent.id)
    return list(session.scalars(query))


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_start_clocks_on_business_hours(store: Store) -> None:
    with store.sessions() as session:
        case = make_case(session)
        rows = sla_service.start_clocks(
            session, case=case, policy=STANDARD, calendar=OFFICE, now=T0 + timedelta(hours=7)
        )
        assert [r.clock for r in rows] == ["first_response", "resolution"]
        session.commit()
        stored = clocks(session, case)
    # 16:00 Monday + 1 business hour = 17:00, the closing instant; + 8 business hours = 16:00 Tuesday.
    assert stored["first_response"].due_at == datetime(2025, 3, 3, 17, 0, tzinfo=UTC)
    assert stored["resolution"].due_at == datetime(2025, 3, 4, 16, 0, tzinfo=UTC)
    assert stored["resolution"].state == "running" and stored["resolution"].warn_at == 0.5
    assert BusinessCalendar.model_validate(stored["resolution"].calendar) == OFFICE


def test_policy_without_resolution_target_starts_one_clock(store: Store) -> None:
    policy = SlaPolicy.model_validate({"name": "quick", "first_response": "30m"})
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=policy, calendar=ALWAYS_OPEN, now=T0)
        assert list(clocks(session, case)) == ["first_response"]


def test_restarting_with_another_policy_keeps_the_start_and_retargets(store: Store) -> None:
    urgent = SlaPolicy.model_validate({"name": "urgent", "first_response": "15m", "resolution": "2h"})
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        sla_service.start_clocks(session, case=case, policy=urgent, calendar=ALWAYS_OPEN, now=T0 + timedelta(minutes=5))
        first = clocks(session, case)["first_response"]
        assert (first.policy, first.started_at, first.due_at) == ("urgent", T0, T0 + timedelta(minutes=15))
        again = sla_service.start_clocks(
            session, case=case, policy=urgent, calendar=ALWAYS_OPEN, now=T0 + timedelta(hours=1)
        )
        assert [r.started_at for r in again] == [T0, T0]


def test_waiting_on_customer_pauses_and_resuming_moves_the_deadline(store: Store) -> None:
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=OFFICE, now=T0)
        pause_at, resume_at = T0 + timedelta(minutes=30), T0 + timedelta(days=1, hours=1)  # Tuesday 10:00
        sla_service.on_status_change(session, case=case, old="open", new="waiting_on_customer", now=pause_at)
        first = clocks(session, case)["first_response"]
        assert first.state == "paused" and first.pauses == [[pause_at.isoformat(), None]]
        assert first.due_at == T0 + timedelta(hours=1)  # unchanged while paused
        view = sla_service.case_deadlines(session, [case.id], now=resume_at)[case.id][0]
        assert view.paused and view.due_at == datetime(2025, 3, 4, 10, 30, tzinfo=UTC)  # if it resumed now
        sla_service.on_status_change(session, case=case, old="waiting_on_customer", new="open", now=resume_at)
        session.commit()
        stored = clocks(session, case)
    # 30 business minutes were used before the pause, so 30 remain from Tuesday 10:00.
    assert stored["first_response"].state == "running"
    assert stored["first_response"].due_at == datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
    assert stored["first_response"].pauses == [[pause_at.isoformat(), resume_at.isoformat()]]
    assert stored["resolution"].due_at == due_at(T0, timedelta(hours=8), OFFICE, [Pause(pause_at, resume_at)])


def test_first_response_met_and_late(store: Store) -> None:
    with store.sessions() as session:
        on_time, late = make_case(session), make_case(session)
        for case in (on_time, late):
            sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        met = sla_service.complete_first_response(session, case=on_time, at=T0 + timedelta(minutes=59))
        assert met is not None and met.state == "met" and met.breached_at is None
        assert sla_service.complete_first_response(session, case=on_time, at=T0 + timedelta(hours=2)) is None
        breached = sla_service.complete_first_response(session, case=late, at=T0 + timedelta(hours=3))
        assert breached is not None and breached.state == "breached"
        assert breached.breached_at == T0 + timedelta(hours=1)
        (event,) = events(session, late, "sla_breach")
        assert event.at == T0 + timedelta(hours=3) and event.data["clock"] == "first_response"
        assert events(session, on_time, "sla_breach") == []
        assert audit_actions(session) == ["sla.breach"]


def test_resolve_completes_resolution_and_reopen_restarts_it(store: Store) -> None:
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        resolved_at = T0 + timedelta(hours=2)
        sla_service.on_status_change(session, case=case, old="open", new="resolved", now=resolved_at)
        rows = clocks(session, case)
        assert (rows["resolution"].state, rows["resolution"].completed_at) == ("met", resolved_at)
        # Never answered: the first-response clock waits (paused) instead of breaching on a resolved case.
        assert rows["first_response"].state == "paused"
        assert rows["first_response"].pauses == [[resolved_at.isoformat(), None]]
        reopened_at = T0 + timedelta(days=2)
        sla_service.on_status_change(session, case=case, old="resolved", new="open", now=reopened_at)
        rows = clocks(session, case)
        resolution = rows["resolution"]
        assert (resolution.state, resolution.started_at, resolution.completed_at) == ("running", reopened_at, None)
        assert resolution.due_at == reopened_at + timedelta(hours=8) and resolution.pauses == []
        first = rows["first_response"]
        assert first.completed_at is None and first.started_at == T0


def test_reopen_keeps_an_unanswered_first_response_clock_running(store: Store) -> None:
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        sla_service.on_status_change(session, case=case, old="open", new="resolved", now=T0 + timedelta(minutes=20))
        sla_service.on_status_change(session, case=case, old="resolved", new="open", now=T0 + timedelta(hours=5))
        first = clocks(session, case)["first_response"]
        assert first.state == "running"
        assert first.due_at == T0 + timedelta(hours=5, minutes=40)  # 20 minutes were used before resolving
        sla_service.on_status_change(session, case=case, old="open", new="closed", now=T0 + timedelta(hours=6))
        assert clocks(session, case)["resolution"].state == "met"


def test_resolving_while_waiting_completes_resolution_at_the_resolve_time(store: Store) -> None:
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        sla_service.on_status_change(
            session, case=case, old="open", new="waiting_on_customer", now=T0 + timedelta(hours=1)
        )
        sla_service.on_status_change(
            session, case=case, old="waiting_on_customer", new="resolved", now=T0 + timedelta(hours=30)
        )
        resolution = clocks(session, case)["resolution"]
        # One hour of clock time was used: met, though 30 wall-clock hours passed.
        assert resolution.state == "met" and resolution.due_at == T0 + timedelta(hours=37)


def test_sweep_warns_then_breaches_once_each(store: Store) -> None:
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        early = sla_service.sweep(session, now=T0 + timedelta(minutes=29))
        assert early.checked == 2 and early.warnings == [] and early.breaches == []
        report = sla_service.sweep(session, now=T0 + timedelta(minutes=30))
        assert [(w.case_id, w.clock) for w in report.warnings] == [(case.id, "first_response")]
        assert sla_service.sweep(session, now=T0 + timedelta(minutes=40)).warnings == []
        late = T0 + timedelta(hours=5)
        report = sla_service.sweep(session, now=late)
        # first response breached at 10:00; resolution (8h, warn at half) warned at 13:00.
        assert [(b.clock, b.due_at) for b in report.breaches] == [("first_response", T0 + timedelta(hours=1))]
        assert [w.clock for w in report.warnings] == ["resolution"]
        assert sla_service.sweep(session, now=late + timedelta(minutes=1)).breaches == []
        first = clocks(session, case)["first_response"]
        assert (first.state, first.warned_at, first.breached_at) == (
            "breached", T0 + timedelta(minutes=30), T0 + timedelta(hours=1)
        )  # fmt: skip
        assert len(events(session, case, "sla_warning")) == 2 and len(events(session, case, "sla_breach")) == 1
        assert audit_actions(session) == ["sla.warning", "sla.breach", "sla.warning"]
        assert audit_log.verify(session).ok


def test_sweep_does_not_warn_a_paused_clock_but_records_a_breach_from_before_the_pause(store: Store) -> None:
    with store.sessions() as session:
        paused_early, paused_late = make_case(session), make_case(session)
        for case in (paused_early, paused_late):
            sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        sla_service.on_status_change(
            session, case=paused_early, old="open", new="waiting_on_customer", now=T0 + timedelta(minutes=45)
        )
        sla_service.on_status_change(
            session, case=paused_late, old="open", new="waiting_on_customer", now=T0 + timedelta(hours=2)
        )
        report = sla_service.sweep(session, now=T0 + timedelta(days=3))
        assert [(b.case_id, b.clock) for b in report.breaches] == [(paused_late.id, "first_response")]
        assert report.warnings == []


def test_sweep_ignores_clocks_of_cases_no_longer_open(store: Store) -> None:
    with store.sessions() as session:
        case = make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        case.status = "closed"  # closed without the status hook (e.g. merged away)
        session.flush()
        assert sla_service.sweep(session, now=T0 + timedelta(days=5)).checked == 0


def add_team(session: Session) -> Team:
    team = Team(name="baggage-ord", created_at=T0, updated_at=T0)
    other = Team(name="care", created_at=T0, updated_at=T0)
    session.add_all([team, other])
    session.flush()
    for handle, role, team_id, on_leave in [
        ("lea", "lead", team.id, False),
        ("lou", "lead", team.id, True),  # on leave: not told
        ("max", "manager", other.id, False),
        ("ana", "agent", team.id, False),
    ]:
        session.add(
            Employee(handle=handle, role=role, team_id=team_id, on_leave=on_leave, created_at=T0, updated_at=T0)
        )
    session.flush()
    return team


def test_escalation_steps_on_warning_and_breach(store: Store) -> None:
    with store.sessions() as session:
        team = add_team(session)
        case = make_case(session, team_id=team.id)
        sla_service.start_clocks(session, case=case, policy=ESCALATING, calendar=ALWAYS_OPEN, now=T0)
        policies = {"escalating": ESCALATING}
        warned = sla_service.sweep(session, now=T0 + timedelta(minutes=50), policies=policies)
        (action,) = warned.escalations
        assert (action.trigger, action.notify, action.notify_role) == ("warning", ["lea"], "lead")
        assert (action.priority_before, action.priority_after, action.reassign) == ("p3", "p3", False)
        breached = sla_service.sweep(session, now=T0 + timedelta(hours=1), policies=policies)
        (action,) = breached.escalations
        # "manager" is the default role: nobody in the team has it, so the company's managers are named.
        assert (action.priority_after, action.tags_added, action.notify) == ("p1", ["sla-breach"], ["duty", "max"])
        assert breached.reassign == [case.id]
        session.refresh(case)
        assert (case.priority, case.tags) == ("p1", ["vip", "sla-breach"])
        assert clocks(session, case)["first_response"].escalated_at == T0 + timedelta(hours=1)
        escalated = events(session, case, "escalated")
        assert [e.data["trigger"] for e in escalated] == ["warning", "breached"]
        assert escalated[1].data["notify"] == ["duty", "max"]
        assert audit_actions(session) == ["sla.warning", "case.escalate", "sla.breach", "case.escalate"]


def test_escalation_never_lowers_priority_and_unknown_policies_are_reported(store: Store) -> None:
    with store.sessions() as session:
        urgent_case, other = make_case(session, priority="p1"), make_case(session)
        lenient = SlaPolicy.model_validate(
            {"name": "escalating", "first_response": "1h", "escalate": {"on": "breach", "priority": "p2"}}
        )
        sla_service.start_clocks(session, case=urgent_case, policy=lenient, calendar=ALWAYS_OPEN, now=T0)
        sla_service.start_clocks(session, case=other, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        report = sla_service.sweep(session, now=T0 + timedelta(hours=2), policies={"escalating": lenient})
        assert [a.priority_after for a in report.escalations] == ["p1"]
        assert report.unknown_policies == ["standard"]


def test_case_deadlines(store: Store) -> None:
    with store.sessions() as session:
        case, bare = make_case(session), make_case(session)
        sla_service.start_clocks(session, case=case, policy=STANDARD, calendar=ALWAYS_OPEN, now=T0)
        sla_service.complete_first_response(session, case=case, at=T0 + timedelta(minutes=10))
        views = sla_service.case_deadlines(session, [case.id, bare.id], now=T0 + timedelta(hours=6))
    assert views[bare.id] == []
    first, resolution = views[case.id]
    assert (first.state, first.status, first.elapsed_seconds) == ("met", "met", 600)
    assert (resolution.status, resolution.remaining_seconds, resolution.fraction_used) == ("warning", 7200, 0.75)


def test_calendar_for_case_falls_back_to_the_team_hours(store: Store) -> None:
    hours = {"timezone": "America/Chicago", "hours": {"daily": "05:00-23:00"}}
    in_hours = SlaPolicy.model_validate({"name": "b", "first_response": "1h", "business_hours": True})
    with store.sessions() as session:
        team = Team(name="ord", calendar=hours, created_at=T0, updated_at=T0)
        session.add(team)
        session.flush()
        case, orphan = make_case(session, team_id=team.id), make_case(session)
        found = sla_service.calendar_for_case(session, case=case, policy=in_hours, calendars={})
        assert found == BusinessCalendar.model_validate(hours)
        assert sla_service.calendar_for_case(session, case=case, policy=STANDARD, calendars={}) == ALWAYS_OPEN
        with pytest.raises(ConfigurationError, match="runs in business hours"):
            sla_service.calendar_for_case(session, case=orphan, policy=in_hours, calendars={})
