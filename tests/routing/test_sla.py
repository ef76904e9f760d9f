from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from groundswell.errors import ConfigurationError, InvalidInput
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar, is_open, next_close, open_intervals
from groundswell.routing.sla import (
    Pause,
    SlaClock,
    SlaPolicy,
    SlaState,
    business_time_between,
    due_at,
    parse_duration,
    policy_calendar,
    policy_status,
    status,
)

NEW_YORK = ZoneInfo("America/New_York")
OFFICE = BusinessCalendar.model_validate(
    {
        "timezone": "America/New_York",
        "hours": {"mon-fri": "09:00-17:00"},
        "holidays": [date(2025, 7, 4), date(2025, 12, 25)],
    }
)
NIGHTS = BusinessCalendar.model_validate({"timezone": "Europe/London", "hours": {"daily": "22:00-06:00"}})
SPLIT = BusinessCalendar.model_validate(
    {"timezone": "Australia/Lord_Howe", "hours": {"mon-sat": ["08:00-12:00", "13:00-18:30"]}}
)  # Lord Howe moves its clocks by 30 minutes
LOCAL_DAYS = BusinessCalendar.model_validate({"timezone": "America/New_York", "hours": {"daily": "00:00-24:00"}})
CALENDARS = [ALWAYS_OPEN, OFFICE, NIGHTS, SPLIT, LOCAL_DAYS]
ZONES = [ZoneInfo(z) for z in ("UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata")]

calendars = st.sampled_from(CALENDARS)
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.sampled_from(ZONES)
)
targets = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(hours=120))


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


# --- calendars -------------------------------------------------------------------------------------------


def test_hours_parse_day_ranges_overrides_and_overnight() -> None:
    calendar = BusinessCalendar.model_validate(
        {"timezone": "UTC", "hours": {"daily": "09:00-17:00", "sun": "closed", "fri": "20:00-02:00"}}
    )
    assert calendar.weekly[0] == ((540, 1020),)
    assert calendar.weekly[4] == ((1200, 1440),)  # Friday replaced by the night shift
    assert calendar.weekly[5] == ((0, 120), (540, 1020))  # Saturday gets the spill after midnight
    assert calendar.weekly[6] == ()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"mon-fry": "09:00-17:00"}, "not a day"),
        ({"mon": "9 to 5"}, "not a time range"),
        ({"mon": "25:00-26:00"}, "impossible time"),
        ({"mon": "closed"}, "closed every day"),
        ("sometimes", "hours must be a mapping"),
    ],
)
def test_bad_hours_are_explained(hours: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.model_validate({"timezone": "UTC", "hours": hours})


def test_unknown_time_zone_is_explained() -> None:
    with pytest.raises(ValueError, match="IANA time zone"):
        BusinessCalendar.model_validate({"timezone": "Mars/Olympus", "hours": "24/7"})


def test_is_open_and_next_close() -> None:
    assert is_open(OFFICE, ny(2025, 3, 10, 9, 0))
    assert not is_open(OFFICE, ny(2025, 3, 10, 17, 0))  # the closing instant is closed
    assert not is_open(OFFICE, ny(2025, 7, 4, 12, 0))  # holiday
    assert next_close(OFFICE, ny(2025, 3, 10, 12, 0)) == ny(2025, 3, 10, 17, 0)
    assert next_close(OFFICE, ny(2025, 3, 10, 18, 0)) is None


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="timezone-aware"):
        due_at(datetime(2025, 1, 1), timedelta(hours=1))


def test_calendar_closed_for_years_is_a_configuration_error() -> None:
    start = date(2025, 1, 1)
    closed = BusinessCalendar.model_validate(
        {
            "timezone": "UTC",
            "hours": {"mon": "09:00-10:00"},
            "holidays": [start + timedelta(days=i) for i in range(1200)],
        }
    )
    with pytest.raises(ConfigurationError, match="no open hours"):
        due_at(datetime(2025, 1, 1, tzinfo=UTC), timedelta(hours=2), closed)


# --- DST days --------------------------------------------------------------------------------------------


def test_spring_forward_day_is_23_hours_and_fall_back_day_is_25() -> None:
    assert business_time_between(ny(2025, 3, 9), ny(2025, 3, 10), LOCAL_DAYS) == timedelta(hours=23)
    assert business_time_between(ny(2025, 11, 2), ny(2025, 11, 3), LOCAL_DAYS) == timedelta(hours=25)
    assert due_at(ny(2025, 3, 9), timedelta(hours=23), LOCAL_DAYS) == ny(2025, 3, 10)


def test_business_day_keeps_local_hours_across_dst() -> None:
    # Friday 16:00 before the spring-forward weekend plus 2 business hours is Monday 10:00 local time.
    due = due_at(ny(2025, 3, 7, 16, 0), timedelta(hours=2), OFFICE)
    assert due == ny(2025, 3, 10, 10, 0)
    assert due.utcoffset() == timedelta(hours=-4)
    assert business_time_between(ny(2025, 3, 7, 9), ny(2025, 3, 11, 9), OFFICE) == timedelta(hours=16)


def test_overnight_shift_across_spring_forward_is_an_hour_shorter() -> None:
    london = ZoneInfo("Europe/London")
    sat_night, sun_night = datetime(2025, 3, 29, 12, tzinfo=london), datetime(2025, 3, 30, 12, tzinfo=london)
    assert business_time_between(sat_night, sun_night, NIGHTS) == timedelta(hours=7)


def test_holiday_is_skipped() -> None:
    assert due_at(ny(2025, 7, 3, 16), timedelta(hours=2), OFFICE) == ny(2025, 7, 7, 10)


# --- properties ------------------------------------------------------------------------------------------


@given(instants, targets, calendars)
def test_due_at_and_business_time_between_are_inverse(
    start: datetime, target: timedelta, calendar: BusinessCalendar
) -> None:
    due = due_at(start, target, calendar)
    assert business_time_between(start, due, calendar) == target


@given(instants, targets, calendars)
def test_deadline_never_falls_in_closed_hours(start: datetime, target: timedelta, calendar: BusinessCalendar) -> None:
    due = due_at(start, target, calendar)
    assert due > start
    assert is_open(calendar, due - timedelta(microseconds=1))  # the clock ran right up to the deadline


@given(instants, targets, targets, calendars)
def test_deadline_is_monotonic_in_the_target(
    start: datetime, a: timedelta, b: timedelta, calendar: BusinessCalendar
) -> None:
    low, high = sorted((a, b))
    assert due_at(start, low, calendar) <= due_at(start, high, calendar)


@given(instants, instants, calendars)
def test_due_at_of_elapsed_time_reaches_no_later_than_the_end(
    a: datetime, b: datetime, calendar: BusinessCalendar
) -> None:
    elapsed = business_time_between(a, b, calendar)
    assert business_time_between(b, a, calendar) == -elapsed
    if elapsed > timedelta(0):
        reached = due_at(a, elapsed, calendar)
        assert reached <= b
        assert business_time_between(a, reached, calendar) == elapsed


@given(
    instants, targets, calendars, st.floats(0, 1, exclude_max=True), st.timedeltas(timedelta(0), timedelta(hours=30))
)
def test_pausing_extends_the_deadline_by_exactly_the_paused_business_time(
    start: datetime, target: timedelta, calendar: BusinessCalendar, where: float, length: timedelta
) -> None:
    # A pause that begins before the unpaused deadline moves it by the business time it covers.
    start = start.astimezone(UTC)  # arithmetic on elapsed time, not on wall clocks
    unpaused = due_at(start, target, calendar)
    pause_start = start + (unpaused - start) * where
    assume(pause_start < unpaused)
    pause = Pause(pause_start, pause_start + length)
    paused_business_time = business_time_between(pause.start, pause.end, calendar)  # type: ignore[arg-type]
    due = due_at(start, target, calendar, [pause])
    assert due == due_at(start, target + paused_business_time, calendar)
    assert business_time_between(start, due, calendar, [pause]) == target


@given(instants, targets, calendars, st.lists(st.tuples(st.floats(0, 2), st.floats(0, 1)), max_size=4))
def test_overlapping_pauses_count_once(
    start: datetime, target: timedelta, calendar: BusinessCalendar, spans: list[tuple[float, float]]
) -> None:
    start = start.astimezone(UTC)
    unit = max(target, timedelta(hours=1))
    pauses = [Pause(start + unit * offset, start + unit * (offset + length)) for offset, length in spans]
    due = due_at(start, target, calendar, pauses)
    assert business_time_between(start, due, calendar, pauses) == target
    assert due >= due_at(start, target, calendar)


# --- status ----------------------------------------------------------------------------------------------


def test_status_moves_from_ok_to_warning_to_breached() -> None:
    start, target = ny(2025, 3, 10, 9), timedelta(hours=4)

    def at(hour: int, minute: int = 0) -> SlaState:
        return status(ny(2025, 3, 10, hour, minute), started=start, target=target, calendar=OFFICE).state

    assert at(9, 30) is SlaState.OK
    assert at(11, 59) is SlaState.OK
    assert at(12, 0) is SlaState.WARNING  # 75 %
    assert at(13, 0) is SlaState.BREACHED
    late = status(ny(2025, 3, 10, 14), started=start, target=target, calendar=OFFICE)
    assert late.remaining == timedelta(hours=-1)
    assert late.due_at == ny(2025, 3, 10, 13)


def test_status_after_completion_is_met_or_breached() -> None:
    start, target = ny(2025, 3, 10, 9), timedelta(hours=1)
    now = ny(2025, 3, 12, 9)
    assert status(now, started=start, target=target, completed_at=ny(2025, 3, 10, 9, 30)).state is SlaState.MET
    assert status(now, started=start, target=target, completed_at=ny(2025, 3, 10, 11)).state is SlaState.BREACHED


def test_status_while_paused_counts_the_pause_up_to_now() -> None:
    start = ny(2025, 3, 10, 9)
    waiting = Pause(ny(2025, 3, 10, 10))  # waiting on the customer since 10:00, still waiting
    result = status(ny(2025, 3, 10, 16), started=start, target=timedelta(hours=4), calendar=OFFICE, pauses=[waiting])
    assert result.paused
    assert result.state is SlaState.OK
    assert result.elapsed == timedelta(hours=1)
    assert result.due_at == ny(2025, 3, 11, 11)  # 3 h left from 16:00: 1 h today, 2 h tomorrow from 09:00
    with pytest.raises(InvalidInput, match="pause without an end"):
        due_at(start, timedelta(hours=1), OFFICE, [waiting])


def test_policy_durations_and_calendars() -> None:
    policy = SlaPolicy.model_validate({"name": "std", "first_response": "1h30m", "business_hours": True})
    assert policy.first_response == timedelta(minutes=90)
    assert policy.target(SlaClock.RESOLUTION) is None
    assert policy_calendar(policy, {"office": OFFICE}, team_calendar="office") is OFFICE
    with pytest.raises(ConfigurationError, match="calendar"):
        policy_calendar(policy, {"office": OFFICE})
    around_the_clock = SlaPolicy(name="x", first_response=timedelta(hours=1))
    assert policy_calendar(around_the_clock, {}) is ALWAYS_OPEN
    now = ny(2025, 3, 10, 9)
    assert policy_status(now, policy=policy, clock=SlaClock.RESOLUTION, started=now) is None
    first = policy_status(now, policy=policy, clock=SlaClock.FIRST_RESPONSE, started=now, calendar=OFFICE)
    assert first is not None and first.due_at == ny(2025, 3, 10, 10, 30)


@pytest.mark.parametrize("bad", ["2d", "soon", "", 90])
def test_bad_durations_are_explained(bad: object) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(bad)


@given(instants, instants)
def test_always_open_business_time_is_elapsed_time(a: datetime, b: datetime) -> None:
    assert business_time_between(a, b) == b.astimezone(UTC) - a.astimezone(UTC)  # not wall-clock difference


def test_open_intervals_merge_across_midnight() -> None:
    spans = list(open_intervals(NIGHTS, datetime(2025, 1, 6, 12, tzinfo=UTC), datetime(2025, 1, 7, 12, tzinfo=UTC)))
    assert spans == [(datetime(2025, 1, 6, 22, tzinfo=UTC), datetime(2025, 1, 7, 6, tzinfo=UTC))]
