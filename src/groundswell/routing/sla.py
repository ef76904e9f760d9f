"""SLA maths: deadlines and elapsed time on a business calendar, with pauses, warnings and breaches.

An SLA clock runs only while the calendar is open and no pause is in force (a pause is time spent waiting on
the customer). `due_at` and `business_time_between` are inverses: for a positive target t,
business_time_between(start, due_at(start, t)) == t exactly, because all arithmetic is in whole microseconds.
A deadline is always inside an open period or at its closing instant, never in closed hours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from groundswell.errors import ConfigurationError, InvalidInput
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar, open_intervals, require_aware
from groundswell.routing.schemas import Priority

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")


def parse_duration(value: Any) -> timedelta:
    """'4h', '30m', '1h30m' or a timedelta. Days are not accepted: in business hours "1d" would be read as
    either 24 open hours or one business day, so targets are written in hours."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or not any(match.groups()):
        raise ValueError(f"{value!r} is not a duration; write hours and minutes such as '4h', '90m' or '1h30m'")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


@dataclass(frozen=True, slots=True)
class Pause:
    """A period when the clock stops, e.g. waiting on the customer. No end: still paused."""

    start: datetime
    end: datetime | None = None


class SlaState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"  # completed in time


class SlaClock(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class SlaEscalation(BaseModel):
    """What happens to a case when one of its clocks warns or breaches, written under a policy's `escalate:`
    (one mapping, or a list for several steps):

        escalate:
          - {on: warning, notify_role: lead}
          - {on: breach, priority: p1, add_tags: [sla-breach], notify: [duty-manager], reassign: true}

    `priority` only ever raises the case's priority (p1 is the most urgent). `notify_role` names the role whose
    members (of the case's team, else company-wide) the escalation event says should be told, and `notify`
    names employees by handle. `reassign` asks the caller to move the case to someone available; the SLA sweep
    only reports it. `clocks` limits the step to first_response or resolution."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: SlaState = SlaState.BREACHED
    clocks: tuple[SlaClock, ...] = (SlaClock.FIRST_RESPONSE, SlaClock.RESOLUTION)
    priority: Priority | None = None
    notify_role: str | None = "manager"
    notify: tuple[str, ...] = ()
    add_tags: tuple[str, ...] = ()
    reassign: bool = False

    @model_validator(mode="before")
    @classmethod
    def _yaml_on_key(cls, data: Any) -> Any:
        # YAML 1.1 reads a bare `on:` key as the boolean true.
        if isinstance(data, dict) and True in data and "on" not in data:
            data = {("on" if key is True else key): value for key, value in data.items()}
        return data

    @field_validator("on", mode="before")
    @classmethod
    def _trigger(cls, value: Any) -> Any:
        aliases = {"warning": SlaState.WARNING, "warn": SlaState.WARNING, "breach": SlaState.BREACHED}
        if isinstance(value, str) and value.strip().lower() in aliases:
            return aliases[value.strip().lower()]
        if value not in (SlaState.WARNING, SlaState.BREACHED, "breached"):
            raise ValueError(f"{value!r} is not a trigger; write `on: warning` or `on: breach`")
        return value


class SlaPolicy(BaseModel):
    """Targets for one kind of case. With business_hours the clock follows `calendar` (or, when that is not
    set, the handling team's calendar); otherwise it runs around the clock. `escalate` lists what to do when a
    clock warns or breaches (see SlaEscalation)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    first_response: timedelta
    resolution: timedelta | None = None
    business_hours: bool = False
    calendar: str | None = None
    warn_at: float = Field(default=0.75, gt=0, lt=1)
    escalate: tuple[SlaEscalation, ...] = ()

    _durations = field_validator("first_response", "resolution", mode="before")(
        lambda value: None if value is None else parse_duration(value)
    )

    @field_validator("escalate", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return ()
        return [value] if isinstance(value, dict | SlaEscalation) else value

    def escalations(self, clock: SlaClock, state: SlaState) -> tuple[SlaEscalation, ...]:
        """The steps that apply when `clock` reaches `state` (WARNING or BREACHED)."""
        return tuple(step for step in self.escalate if step.on is state and clock in step.clocks)

    def target(self, clock: SlaClock) -> timedelta | None:
        return self.first_response if clock is SlaClock.FIRST_RESPONSE else self.resolution


@dataclass(frozen=True, slots=True)
class SlaStatus:
    state: SlaState
    due_at: datetime
    elapsed: timedelta  # business time used so far
    remaining: timedelta  # business time left; negative once breached
    fraction_used: float
    paused: bool


def policy_calendar(
    policy: SlaPolicy, calendars: Mapping[str, BusinessCalendar], team_calendar: str | None = None
) -> BusinessCalendar:
    """The calendar a policy's clock runs on."""
    if not policy.business_hours:
        return ALWAYS_OPEN
    name = policy.calendar or team_calendar
    if name is None or name not in calendars:
        raise ConfigurationError(
            f"SLA policy {policy.name!r} runs in business hours but calendar {name!r} is not defined; "
            f"set `calendar:` on the policy or the team (known: {', '.join(sorted(calendars)) or 'none'})"
        )
    return calendars[name]


def _closed_pauses(pauses: Iterable[Pause], now: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """Pauses as merged, sorted UTC intervals. Open pauses end at `now`; without `now` they are an error."""
    spans: list[tuple[datetime, datetime]] = []
    for pause in pauses:
        end = pause.end if pause.end is not None else now
        if end is None:
            raise InvalidInput("a pause without an end has no deadline; use sla.status(now=...) while still paused")
        start, end = require_aware(pause.start, "pause start"), require_aware(end, "pause end")
        if end > start:
            spans.append((start, end))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _running(
    calendar: BusinessCalendar, start: datetime, end: datetime | None, pauses: list[tuple[datetime, datetime]]
) -> Iterator[tuple[datetime, datetime]]:
    """Open periods from `start` with the pauses cut out: the time the SLA clock actually runs."""
    for a, b in open_intervals(calendar, start, end):
        for p_start, p_end in pauses:
            if p_end <= a or p_start >= b:
                continue
            if p_start > a:
                yield a, p_start
            a = max(a, p_end)
            if a >= b:
                break
        if a < b:
            yield a, b


def due_at(
    start: datetime, target: timedelta, calendar: BusinessCalendar = ALWAYS_OPEN, pauses: Iterable[Pause] = ()
) -> datetime:
    """The instant at which `target` of running clock time has passed since `start`, in start's time zone."""
    start_utc = require_aware(start, "start")
    if target < timedelta(0):
        raise InvalidInput(f"an SLA target cannot be negative (got {target})")
    if target == timedelta(0):
        return start
    remaining = target
    for a, b in _running(calendar, start_utc, None, _closed_pauses(pauses)):
        if remaining <= b - a:
            return (a + remaining).astimezone(start.tzinfo)
        remaining -= b - a
    raise AssertionError("open_intervals without an end never runs dry")  # pragma: no cover


def business_time_between(
    a: datetime, b: datetime, calendar: BusinessCalendar = ALWAYS_OPEN, pauses: Iterable[Pause] = ()
) -> timedelta:
    """Running clock time from a to b; negative when b is before a."""
    a_utc, b_utc = require_aware(a, "a"), require_aware(b, "b")
    if b_utc < a_utc:
        return -business_time_between(b, a, calendar, pauses)
    closed = _closed_pauses(pauses)
    return sum((y - x for x, y in _running(calendar, a_utc, b_utc, closed)), timedelta(0))


def status(
    now: datetime,
    *,
    started: datetime,
    target: timedelta,
    calendar: BusinessCalendar = ALWAYS_OPEN,
    pauses: Iterable[Pause] = (),
    warn_at: float = 0.75,
    completed_at: datetime | None = None,
) -> SlaStatus:
    """Where an SLA clock stands at `now`.

    A pause still in force counts up to `now`, and the deadline is then the one that holds if the clock
    resumed now. Once completed, the state is MET or BREACHED by comparing completion with the deadline.
    """
    require_aware(now, "now")
    pauses = list(pauses)
    closed = [Pause(x, y) for x, y in _closed_pauses(pauses, now)]  # also checks every pause is aware
    paused = any(p.end is None or p.start <= now < p.end for p in pauses)
    deadline = due_at(started, target, calendar, closed)
    until = now if completed_at is None else min(now, completed_at)
    elapsed = business_time_between(started, until, calendar, closed) if until > started else timedelta(0)
    fraction = elapsed / target if target > timedelta(0) else 1.0
    if completed_at is not None and completed_at <= now:
        state = SlaState.MET if completed_at <= deadline else SlaState.BREACHED
    elif now >= deadline:
        state = SlaState.BREACHED
    elif fraction >= warn_at:
        state = SlaState.WARNING
    else:
        state = SlaState.OK
    return SlaStatus(state, deadline, elapsed, target - elapsed, fraction, paused and completed_at is None)


def policy_status(
    now: datetime,
    *,
    policy: SlaPolicy,
    clock: SlaClock,
    started: datetime,
    calendar: BusinessCalendar = ALWAYS_OPEN,
    pauses: Iterable[Pause] = (),
    completed_at: datetime | None = None,
) -> SlaStatus | None:
    """`status` for one of a policy's clocks; None when the policy sets no target for that clock."""
    target = policy.target(clock)
    if target is None:
        return None
    return status(
        now, started=started, target=target, calendar=calendar, pauses=pauses, warn_at=policy.warn_at,
        completed_at=completed_at,
    )  # fmt: skip
