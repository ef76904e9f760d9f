"""Properties of stored SLA clocks under random calendars and random status sequences, through the service.

Whatever the calendar and however often the customer is waited on, resolved and reopened: a stored deadline
is inside open hours or at a closing instant, it is the pure maths' deadline for the stored pauses, a sweep
never reports a breach before the deadline, and it never misses a running clock past it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.inbox import sla_service
from groundswell.models.case import Case, SlaClockRecord
from groundswell.routing.calendar import DAY_NAMES, BusinessCalendar, is_open
from groundswell.routing.sla import Pause, SlaPolicy, due_at

ZONES = ("UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "America/Chicago")
STATUSES = ("open", "waiting_on_customer", "resolved")
ONE_US = timedelta(microseconds=1)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    hours: dict[str, object] = {}
    for day in DAY_NAMES:
        ranges = []
        for _ in range(draw(st.integers(0, 2))):
            start, length = draw(st.integers(0, 24 * 60 - 1)), draw(st.integers(1, 16 * 60))
            ranges.append(f"{_hhmm(start)}-{_hhmm((start + length) % (24 * 60))}")
        hours[day] = ranges or "closed"
    if all(value == "closed" for value in hours.values()):
        hours["wed"] = "09:00-17:00"
    holidays = draw(st.lists(st.dates(date(2025, 1, 1), date(2025, 12, 31)), max_size=4))
    return BusinessCalendar.model_validate(
        {"timezone": draw(st.sampled_from(ZONES)), "hours": hours, "holidays": holidays}
    )


policies = st.builds(
    lambda first, resolution, warn: SlaPolicy(name="p", first_response=first, resolution=resolution, warn_at=warn),
    st.timedeltas(timedelta(minutes=1), timedelta(hours=10)),
    st.timedeltas(timedelta(minutes=1), timedelta(hours=40)),
    st.floats(0.1, 0.95),
)
steps = st.lists(
    st.tuples(st.integers(0, 3000), st.sampled_from(("status", "sweep", "respond")), st.sampled_from(STATUSES)),
    min_size=1,
    max_size=12,
)


def check_clocks(session: Session, case: Case, calendar: BusinessCalendar, now: datetime, *, swept: bool) -> None:
    for row in session.scalars(select(SlaClockRecord).where(SlaClockRecord.case_id == case.id)):
        # Inside an open period or at its closing instant: the microsecond before the deadline is open.
        assert is_open(calendar, row.due_at - ONE_US), (row.clock, row.due_at)
        pauses = [
            Pause(datetime.fromisoformat(a), None if b is None else datetime.fromisoformat(b)) for a, b in row.pauses
        ]
        if row.completed_at is None and all(p.end is not None for p in pauses):
            assert row.due_at == due_at(row.started_at, timedelta(seconds=row.target_seconds), calendar, pauses)
            if swept and row.due_at <= now and case.status != "resolved":
                assert row.breached_at == row.due_at, "a running clock past its deadline must be recorded as breached"
        if row.breached_at is not None:
            assert row.breached_at <= now


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    calendar=calendars(),
    policy=policies,
    start=st.datetimes(datetime(2025, 1, 1), datetime(2025, 11, 30), timezones=st.just(UTC)),
    sequence=steps,
)
def test_deadlines_stay_in_open_hours_and_breaches_never_come_early(
    store: Store, calendar: BusinessCalendar, policy: SlaPolicy, start: datetime, sequence: list[tuple[int, str, str]]
) -> None:
    with store.sessions() as session:
        case = Case(channel="x", status="open", opened_at=start, updated_at=start)
        session.add(case)
        session.flush()
        sla_service.start_clocks(session, case=case, policy=policy, calendar=calendar, now=start)
        now = start
        for gap, kind, status in sequence:
            now += timedelta(minutes=gap)
            if kind == "status" and status != case.status:
                old, case.status = case.status, status
                sla_service.on_status_change(session, case=case, old=old, new=status, now=now)
            elif kind == "respond":
                sla_service.complete_first_response(session, case=case, at=now)
            elif kind == "sweep":
                report = sla_service.sweep(session, now=now)
                assert all(item.due_at <= now for item in report.breaches)
            check_clocks(session, case, calendar, now, swept=kind == "sweep")
        session.rollback()
