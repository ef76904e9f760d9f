"""The people file (teams and employees) and the values the people services take and give.

`parse_people(document)` validates a whole file (see examples/airline/people.yaml for the format) and raises
InvalidInput naming the team, employee or calendar at fault and the field. Places resolve to coordinates here
(IATA code, city name or {lat, lon}), and calendars and shifts are checked with the routing calendar and kept
as the JSON the database stores ({timezone, hours, holidays}), so what is stored always loads again.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from groundswell.errors import InvalidInput
from groundswell.routing.assignment import Strategy
from groundswell.routing.calendar import BusinessCalendar
from groundswell.routing.geo import GeoPoint, resolve_place

SECTIONS = ("version", "calendars", "teams", "employees")
CALENDAR_KEYS = ("timezone", "hours", "holidays")
SKILL_KINDS = ("topics", "intents", "languages", "channels")
_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"
    ANALYST = "analyst"


class Place(BaseModel):
    """A resolved place: what was written (an airport code, a city, a store's name) and its coordinates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)

    @property
    def point(self) -> GeoPoint:
        return GeoPoint(lat=self.lat, lon=self.lon)


def parse_place(value: Any) -> Place | None:
    """An IATA code or city name (resolved offline), or a mapping {name?, lat, lon}."""
    if value is None or isinstance(value, Place):
        return value
    if isinstance(value, str):
        located = resolve_place(value)
        if located is None:
            raise ValueError(
                f"{value!r} is neither an IATA airport code nor a city that can be placed; "
                "give {name: ..., lat: ..., lon: ...} instead"
            )
        return Place(name=value.strip(), lat=located.point.lat, lon=located.point.lon)
    if isinstance(value, dict):
        return Place.model_validate(value)
    raise ValueError(f"{value!r} is not a place; give an airport code, a city or {{name, lat, lon}}")


def calendar_spec(value: Any) -> dict[str, Any]:
    """Check a calendar ({timezone, hours, holidays}) and return it as JSON-ready data."""
    if not isinstance(value, dict):
        raise ValueError('must be a mapping {timezone: ..., hours: {mon-fri: "09:00-17:00"}} or a calendar name')
    unknown = sorted(str(k) for k in value if k not in CALENDAR_KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)}; a calendar has {', '.join(CALENDAR_KEYS)}")
    if "hours" not in value:
        raise ValueError('needs `hours`, e.g. {mon-fri: "09:00-17:00"} or "24/7"')
    try:
        calendar = BusinessCalendar.model_validate(value)
    except ValidationError as exc:
        raise ValueError(describe_errors(exc)) from exc
    return {
        "timezone": calendar.timezone,
        # JSON round trip: YAML may give non-string values (False for "closed" written as `no`)
        "hours": json.loads(json.dumps(value["hours"], default=str)),
        "holidays": sorted(day.isoformat() for day in calendar.holidays),
    }


def _unique(values: Any, name: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise ValueError(f"{name} must be a list of names")
    return tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


class SkillSet(BaseModel):
    """What an employee can handle, as written (the assigner compares without regard to case)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topics: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @field_validator(*SKILL_KINDS, mode="before")
    @classmethod
    def _names(cls, value: Any) -> tuple[str, ...]:
        return _unique(value, "each skill kind")

    def as_json(self) -> dict[str, list[str]]:
        return {kind: list(getattr(self, kind)) for kind in SKILL_KINDS}


class TeamSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    description: str = ""
    place: Place | None = None
    calendar: dict[str, Any] | None = None
    strategy: Strategy = Strategy.LEAST_LOADED

    _place = field_validator("place", mode="before")(parse_place)

    @field_validator("calendar", mode="before")
    @classmethod
    def _calendar(cls, value: Any) -> dict[str, Any] | None:
        return None if value is None else calendar_spec(value)

    @field_validator("strategy", mode="before")
    @classmethod
    def _strategy(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in {s.value for s in Strategy}:
            raise ValueError(f"{value!r} is not a strategy; use one of {', '.join(s.value for s in Strategy)}")
        return value


class EmployeeSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    handle: str = Field(min_length=1, max_length=128)
    display_name: str = ""
    email: str | None = None
    role: Role = Role.AGENT
    team: str | None = None
    skills: SkillSet = SkillSet()
    place: Place | None = None
    shift: dict[str, Any] | None = None
    max_open_cases: int = Field(default=10, ge=0)
    trainee: bool = False
    on_leave: bool = False

    _place = field_validator("place", mode="before")(parse_place)

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if not _HANDLE.match(value):
            raise ValueError(f"{value!r} is not a handle; use letters, digits, '.', '_' and '-'")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in {r.value for r in Role}:
            raise ValueError(f"{value!r} is not a role; use one of {', '.join(r.value for r in Role)}")
        return value

    @field_validator("shift", mode="before")
    @classmethod
    def _shift(cls, value: Any) -> dict[str, Any] | None:
        return None if value is None else calendar_spec(value)


class PeopleFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int = 1
    teams: dict[str, TeamSpec] = {}
    employees: tuple[EmployeeSpec, ...] = ()


def describe_errors(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _mapping(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidInput(f"people file: `{key}` must be a mapping of name to settings")
    return value


def _with_named_calendar(data: dict[str, Any], key: str, calendars: dict[str, dict[str, Any]], label: str) -> None:
    name = data.get(key)
    if isinstance(name, str):
        if name not in calendars:
            known = ", ".join(sorted(calendars)) or "none"
            raise InvalidInput(f"{label}: {key} {name!r} is not defined under calendars (known: {known})")
        data[key] = calendars[name]


def _teams(document: dict[str, Any], calendars: dict[str, dict[str, Any]]) -> dict[str, TeamSpec]:
    teams: dict[str, TeamSpec] = {}
    for name, settings in _mapping(document, "teams").items():
        label = f"team {name!r}"
        if settings is not None and not isinstance(settings, dict):
            raise InvalidInput(f"{label}: expected a mapping (description, place, calendar, strategy)")
        data = dict(settings or {}) | {"name": str(name)}
        _with_named_calendar(data, "calendar", calendars, label)
        try:
            teams[str(name)] = TeamSpec.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(f"{label}: {describe_errors(exc)}") from exc
    return teams


def _employees(document: dict[str, Any], calendars: dict[str, Any], teams: dict[str, TeamSpec]) -> list[EmployeeSpec]:
    raw = document.get("employees") or []
    if not isinstance(raw, list):
        raise InvalidInput("people file: `employees` must be a list, each entry with a handle")
    employees: list[EmployeeSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        handle = item.get("handle") if isinstance(item, dict) else None
        label = f"employee {handle!r} (#{index})" if handle else f"employee #{index}"
        if not isinstance(item, dict):
            raise InvalidInput(f"{label}: expected a mapping with handle, role, team, ...")
        data = dict(item)
        _with_named_calendar(data, "shift", calendars, label)
        try:
            employee = EmployeeSpec.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(f"{label}: {describe_errors(exc)}") from exc
        if employee.team is not None and employee.team not in teams:
            known = ", ".join(sorted(teams)) or "none"
            raise InvalidInput(f"{label}: team {employee.team!r} is not defined under teams (known: {known})")
        if employee.handle.casefold() in seen:
            raise InvalidInput(f"{label}: the handle {employee.handle!r} is used twice; handles must be unique")
        seen.add(employee.handle.casefold())
        employees.append(employee)
    return employees


def parse_people(document: Any) -> PeopleFile:
    """Validate a people document (parsed YAML or JSON). Raises InvalidInput naming the entry and field."""
    if document is None:
        return PeopleFile()
    if not isinstance(document, dict):
        raise InvalidInput("people file must be a mapping with `teams:` and `employees:`")
    unknown = sorted(str(k) for k in document if k not in SECTIONS)
    if unknown:
        raise InvalidInput(f"people file: unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    if document.get("version", 1) != 1:
        raise InvalidInput(f"people file: version {document['version']!r} is not supported; use version: 1")
    calendars: dict[str, dict[str, Any]] = {}
    for name, settings in _mapping(document, "calendars").items():
        try:
            calendars[str(name)] = calendar_spec(settings)
        except ValueError as exc:
            raise InvalidInput(f"calendar {name!r}: {exc}") from exc
    teams = _teams(document, calendars)
    return PeopleFile(teams=teams, employees=tuple(_employees(document, calendars, teams)))
