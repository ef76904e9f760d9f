"""Stored teams and employees as the pure routing code sees them (groundswell.routing values)."""

from __future__ import annotations

from typing import Any

from groundswell.models.team import Employee as EmployeeRow
from groundswell.models.team import Team as TeamRow
from groundswell.routing.assignment import Employee, Skills
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar
from groundswell.routing.geo import GeoPoint

SKILL_KINDS = ("topics", "intents", "languages", "channels")


def calendar_from_json(stored: dict[str, Any] | None) -> BusinessCalendar:
    """A stored calendar ({timezone, hours, holidays}); none means open around the clock."""
    return ALWAYS_OPEN if not stored else BusinessCalendar.model_validate(stored)


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
