from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.errors import InvalidInput
from groundswell.routing.assignment import (
    AssignmentRequest,
    Employee,
    Skills,
    Strategy,
    assign,
    best_match,
    ineligibility,
    least_loaded,
    needs_reassignment,
    round_robin,
    sticky,
)
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar, is_open
from groundswell.routing.geo import GeoPoint
from groundswell.routing.sla import SlaState, status

CHICAGO_DAY = BusinessCalendar.model_validate({"timezone": "America/Chicago", "hours": {"mon-fri": "08:00-17:00"}})
LONDON_NIGHT = BusinessCalendar.model_validate({"timezone": "Europe/London", "hours": {"daily": "22:00-06:00"}})
TOKYO_WEEKEND = BusinessCalendar.model_validate({"timezone": "Asia/Tokyo", "hours": {"sat,sun": "09:00-18:00"}})
SHIFTS = [ALWAYS_OPEN, CHICAGO_DAY, LONDON_NIGHT, TOKYO_WEEKEND]
MONDAY_NOON_CHICAGO = datetime(2025, 3, 10, 12, tzinfo=ZoneInfo("America/Chicago"))


def person(name: str, **fields: object) -> Employee:
    return Employee.model_validate({"name": name, "team": "care", "max_open_cases": 5, **fields})


def request(**fields: object) -> AssignmentRequest:
    return AssignmentRequest.model_validate({"team": "care", "now": MONDAY_NOON_CHICAGO, **fields})


def test_ineligibility_names_every_reason() -> None:
    worst = person("zoe", team="sales", on_leave=True, shift=LONDON_NIGHT, open_cases=5, trainee=True)
    reasons = ineligibility(worst, request(allow_trainees=False))
    assert reasons[0] == "in team sales, not care"
    assert reasons[1] == "on leave"
    assert reasons[2].startswith("off shift at Mon 17:00 (Europe/London)")
    assert reasons[3] == "at capacity (5/5 open cases)"
    assert reasons[4].startswith("trainee")


def test_nobody_available_says_why() -> None:
    result = least_loaded([person("ann", on_leave=True), person("bob", open_cases=5)], request())
    assert result.employee is None
    assert result.reason == "no one can take the case: ann: on leave; bob: at capacity (5/5 open cases)"
    assert least_loaded([], request()).reason == "team care has no employees"


def test_round_robin_cycles_by_name_and_skips_the_unavailable() -> None:
    team = [person("cat"), person("ann"), person("bob", on_leave=True), person("dan")]
    cursor, chosen = None, []
    for _ in range(4):
        result = round_robin(team, request(), cursor)
        chosen.append(result.employee)
        cursor = result.cursor
    assert chosen == ["ann", "cat", "dan", "ann"]
    assert round_robin(team, request(), "bob").employee == "cat"  # a cursor that left the rota still works


def test_least_loaded_uses_share_of_capacity() -> None:
    team = [person("ann", open_cases=2, max_open_cases=10), person("bob", open_cases=1, max_open_cases=2)]
    assert least_loaded(team, request()).employee == "ann"


def test_best_match_weighs_language_skills_and_distance() -> None:
    ord_ = GeoPoint(lat=41.98, lon=-87.9)
    team = [
        person("ann", skills=Skills(languages=frozenset({"EN"}), topics=frozenset({"baggage"})), location=ord_),
        person("bob", skills=Skills(languages=frozenset({"es"}), topics=frozenset({"baggage"}))),
        person("cat", skills=Skills(languages=frozenset({"es"}), topics=frozenset({"baggage"})), location=ord_),
    ]
    result = best_match(team, request(language="es", topics=("Baggage",), position=GeoPoint(lat=41.9, lon=-87.7)))
    assert result.employee == "cat"
    assert "speaks es" in result.reason and "knows baggage" in result.reason and "km away" in result.reason
    assert best_match(team, request(language="en")).employee == "ann"


def test_sticky_returns_to_the_owner_or_falls_back_with_a_reason() -> None:
    team = [person("ann", open_cases=3), person("bob", open_cases=0)]
    assert sticky(team, request(current_owner="ann")).employee == "ann"
    away = [person("ann", on_leave=True), person("bob")]
    result = sticky(away, request(current_owner="ann"))
    assert result.employee == "bob"
    assert result.reason.startswith("previous owner ann is on leave; least loaded")
    assert sticky(team, request()).reason.startswith("no open case for this customer")
    with pytest.raises(InvalidInput):
        sticky(team, request(), fallback=Strategy.STICKY)


def test_trainees_can_be_kept_off_sensitive_cases() -> None:
    team = [person("ann", trainee=True)]
    assert assign(team, request(), Strategy.LEAST_LOADED).employee == "ann"
    assert assign(team, request(allow_trainees=False), Strategy.LEAST_LOADED).employee is None


def test_duplicate_names_and_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput, match="repeated: ann"):
        least_loaded([person("ann"), person("ann")], request())
    with pytest.raises(InvalidInput, match="timezone-aware"):
        assign([person("ann")], request(now=datetime(2025, 1, 1)), Strategy.LEAST_LOADED)


def test_needs_reassignment() -> None:
    now = MONDAY_NOON_CHICAGO
    ann = person("ann", shift=CHICAGO_DAY)
    assert not needs_reassignment(ann, now=now).needed
    evening = needs_reassignment(ann, now=now + timedelta(hours=6))
    assert evening.needed and evening.reasons == ("ann is off shift",)
    assert needs_reassignment(person("ann", on_leave=True), now=now).reasons == ("ann is on leave",)
    almost = status(now, started=now - timedelta(minutes=50), target=timedelta(hours=1))
    assert almost.state is SlaState.WARNING
    check = needs_reassignment(ann, now=now, sla=almost)
    assert check.needed and check.reasons[0].startswith("SLA warning: 83% of the target used")
    assert not needs_reassignment(ann, now=now, sla=almost, reassign_on=frozenset({SlaState.BREACHED})).needed


# --- properties ------------------------------------------------------------------------------------------

employees = st.lists(
    st.builds(
        Employee,
        name=st.text("abcdef", min_size=1, max_size=3),
        team=st.sampled_from(["care", "bookings"]),
        max_open_cases=st.integers(0, 4),
        open_cases=st.integers(0, 5),
        shift=st.sampled_from(SHIFTS),
        on_leave=st.booleans(),
        trainee=st.booleans(),
        skills=st.builds(Skills, languages=st.sets(st.sampled_from(["en", "es"])).map(frozenset)),
    ),
    max_size=8,
    unique_by=lambda e: e.name,
)
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC))


@given(employees, moments, st.booleans(), st.sampled_from(list(Strategy)), st.none() | st.text("abcdef", max_size=3))
def test_no_one_is_picked_off_shift_on_leave_over_capacity_or_in_another_team(
    team: list[Employee], now: datetime, allow_trainees: bool, strategy: Strategy, owner: str | None
) -> None:
    ask = AssignmentRequest(team="care", now=now, allow_trainees=allow_trainees, current_owner=owner, language="es")
    result = assign(team, ask, strategy, cursor=owner)
    if result.employee is None:
        assert set(result.rejected) == {e.name for e in team}
        return
    chosen = next(e for e in team if e.name == result.employee)
    assert chosen.team == "care" and not chosen.on_leave
    assert chosen.open_cases < chosen.max_open_cases
    assert is_open(chosen.shift, now)
    assert allow_trainees or not chosen.trainee
    assert chosen.name not in result.rejected


@given(employees, moments, st.sampled_from([Strategy.ROUND_ROBIN, Strategy.LEAST_LOADED, Strategy.BEST_MATCH]))
def test_repeated_assignment_never_exceeds_capacity(team: list[Employee], now: datetime, strategy: Strategy) -> None:
    ask = AssignmentRequest(team="care", now=now)
    loads = {e.name: e for e in team}
    cursor = None
    for _ in range(25):
        result = assign(list(loads.values()), ask, strategy, cursor)
        cursor = result.cursor
        if result.employee is None:
            break
        chosen = loads[result.employee]
        loads[chosen.name] = chosen.model_copy(update={"open_cases": chosen.open_cases + 1})
    for before in team:
        assert loads[before.name].open_cases <= max(before.open_cases, before.max_open_cases)


@given(employees, moments)
def test_round_robin_gives_everyone_a_turn(team: list[Employee], now: datetime) -> None:
    ask = AssignmentRequest(team="care", now=now)
    available = sorted(e.name for e in team if not ineligibility(e, ask))
    cursor, seen = None, []
    for _ in available:
        result = round_robin(team, ask, cursor)
        cursor = result.cursor
        seen.append(result.employee)
    assert seen == available
