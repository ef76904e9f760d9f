"""Stored teams and employees as the pure routing code sees them (groundswell.routing values)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import orjson

from groundswell.models.team import Employee as EmployeeRow
from groundswell.models.team import Team as TeamRow
from groundswell.people.schemas import TeamSpec
from groundswell.routing.assignment import Employee, Skills
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar
from groundswell.routing.geo import GeoPoint
from groundswell.routing.schemas import Team as RoutingTeam

SKILL_KINDS = ("topics", "intents", "languages", "channels")


def calendar_from_json(stored: dict[str, Any] | None) -> BusinessCalendar:
    """A stored calendar ({timezone, hours, holidays}); none means open around the clock."""
    return ALWAYS_OPEN if not stored else _parsed_calendar(orjson.dumps(stored, option=orjson.OPT_SORT_KEYS))


@lru_cache(maxsize=1024)
def _parsed_calendar(canonical: bytes) -> BusinessCalendar:
    # Assignment snapshots every employee of a team for every case; a roster shares a handful of shifts, and
    # parsing one is the bulk of a snapshot's cost. BusinessCalendar is immutable, so sharing is safe.
    return BusinessCalendar.model_validate(orjson.loads(canonical))


def point(latitude: float | None, longitude: float | None) -> GeoPoint | None:
    return None if latitude is None or longitude is None else GeoPoint(lat=latitude, lon=longitude)


def employee_snapshot(row: EmployeeRow, *, team_name: str, open_cases: int) -> Employee:
    """The employee at this moment: configuration plus `open_cases`, counted by the caller."""
    skills = row.skills or {}
    return Employee(
        name=row.handle,
        team=team_name,
        max_open_cases=row.max_open_cases,
        open_cases=open_cases,
        shift=calendar_from_json(row.shift),
        on_leave=row.on_leave or not row.active,
        trainee=row.trainee,
        skills=Skills(**{key: frozenset(skills.get(key, ())) for key in SKILL_KINDS}),
        location=point(row.latitude, row.longitude),
    )


def team_point(row: TeamRow) -> GeoPoint | None:
    return point(row.latitude, row.longitude)


def team_calendar_name(team: str) -> str:
    """The name a team's own calendar goes by in a RuleSet (teams keep their hours with the team, not in the
    rules, so the name is made up; the prefix keeps it apart from the calendars the rules define)."""
    return f"team:{team}"


def routing_team(
    *, name: str, description: str, location: GeoPoint | None, calendar: dict[str, Any] | None
) -> tuple[RoutingTeam, BusinessCalendar]:
    """A team as routing sees it, with its calendar. A team without hours is open around the clock, as in
    `calendar_from_json`, so business-hours SLA clocks run on it all day rather than failing."""
    team = RoutingTeam(name=name, description=description, location=location, calendar=team_calendar_name(name))
    return team, calendar_from_json(calendar)


TeamsForRouting = tuple[dict[str, RoutingTeam], dict[str, BusinessCalendar]]


def _collect(entries: Iterable[tuple[str, str, GeoPoint | None, dict[str, Any] | None]]) -> TeamsForRouting:
    teams: dict[str, RoutingTeam] = {}
    calendars: dict[str, BusinessCalendar] = {}
    for name, description, location, stored in entries:
        team, calendar = routing_team(name=name, description=description, location=location, calendar=stored)
        teams[name] = team
        calendars[team_calendar_name(name)] = calendar
    return teams, calendars


def routing_teams_of_rows(rows: Iterable[TeamRow]) -> TeamsForRouting:
    """Stored teams as routing teams, plus their calendars named by `team_calendar_name`."""
    return _collect((row.name, row.description, team_point(row), row.calendar) for row in rows)


def routing_teams_of_specs(specs: Iterable[TeamSpec]) -> TeamsForRouting:
    """The teams of a people file as routing teams, plus their calendars (as for stored teams)."""
    return _collect(
        (spec.name, spec.description, spec.place.point if spec.place else None, spec.calendar) for spec in specs
    )
