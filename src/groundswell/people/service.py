"""Teams and employees: import a people file, and create or change them one at a time.

Every change writes one audit line (`team.create`, `team.update`, `employee.create`, `employee.update`,
`employee.leave`, `employee.deactivate`, `employee.reactivate`) whose entity id is the team's name or the
employee's handle, with before/after holding only the fields that changed. Nothing is ever deleted:
employees missing from an imported file are marked inactive (kept for the audit trail and their cases'
history), and teams missing from it are kept and reported. The file is the source of truth, so importing it
again resets what was changed one at a time since (leave, capacity, ...). Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.governance import audit_log
from groundswell.models.team import Employee, Team
from groundswell.people import repository
from groundswell.people.schemas import EmployeeSpec, Place, TeamSpec, describe_errors, parse_people


@dataclass
class ImportReport:
    """What an import did, by name; `unchanged` rows got no audit line."""

    teams_created: list[str] = field(default_factory=list)
    teams_updated: list[str] = field(default_factory=list)
    teams_unchanged: list[str] = field(default_factory=list)
    teams_not_in_file: list[str] = field(default_factory=list)
    employees_created: list[str] = field(default_factory=list)
    employees_updated: list[str] = field(default_factory=list)
    employees_unchanged: list[str] = field(default_factory=list)
    employees_deactivated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.teams_created or self.teams_updated or self.employees_created
            or self.employees_updated or self.employees_deactivated
        )  # fmt: skip


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


# --- rows <-> specs --------------------------------------------------------------------------------------


def _place_data(name: str | None, latitude: float | None, longitude: float | None) -> dict[str, Any] | None:
    return None if latitude is None or longitude is None else {"name": name, "lat": latitude, "lon": longitude}


def team_state(row: Team) -> dict[str, Any]:
    """A team's configuration as plain JSON (what the audit log records and an import compares)."""
    return {
        "description": row.description,
        "place": _place_data(row.place, row.latitude, row.longitude),
        "calendar": row.calendar,
        "strategy": row.strategy,
    }


def employee_state(row: Employee, team_name: str | None) -> dict[str, Any]:
    return {
        "display_name": row.display_name,
        "email": row.email,
        "role": row.role,
        "team": team_name,
        "skills": row.skills,
        "place": _place_data(row.place, row.latitude, row.longitude),
        "shift": row.shift,
        "max_open_cases": row.max_open_cases,
        "trainee": row.trainee,
        "on_leave": row.on_leave,
        "active": row.active,
    }


def _set_place(row: Team | Employee, place: Place | None) -> None:
    row.place = place.name if place else None
    row.latitude = place.lat if place else None
    row.longitude = place.lon if place else None


def _apply_team(row: Team, spec: TeamSpec) -> None:
    row.description = spec.description
    _set_place(row, spec.place)
    row.calendar = spec.calendar
    row.strategy = spec.strategy.value


def _apply_employee(row: Employee, spec: EmployeeSpec, team_id: int | None) -> None:
    row.display_name = spec.display_name
    row.email = spec.email
    row.role = spec.role.value
    row.team_id = team_id
    row.skills = spec.skills.as_json()
    _set_place(row, spec.place)
    row.shift = spec.shift
    row.max_open_cases = spec.max_open_cases
    row.trainee = spec.trainee
    row.on_leave = spec.on_leave


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _team_spec(data: Mapping[str, Any], label: str) -> TeamSpec:
    try:
        return TeamSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise InvalidInput(f"{label}: {describe_errors(exc)}") from exc


def _employee_spec(data: Mapping[str, Any], label: str) -> EmployeeSpec:
    try:
        return EmployeeSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise InvalidInput(f"{label}: {describe_errors(exc)}") from exc


# --- one team at a time ------------------------------------------------------------------------------------


def _new_team(session: Session, spec: TeamSpec, *, actor: str, now: datetime) -> Team:
    row = Team(name=spec.name, created_at=now, updated_at=now)
    _apply_team(row, spec)
    session.add(row)
    session.flush()
    audit_log.append(
        session, actor=actor, action="team.create", entity="team", entity_id=row.name, after=team_state(row), at=now
    )
    return row


def _change_team(session: Session, row: Team, spec: TeamSpec, *, actor: str, now: datetime) -> bool:
    before = team_state(row)
    _apply_team(row, spec)
    old, new = _diff(before, team_state(row))
    if not new:
        return False
    row.updated_at = now
    session.flush()
    audit_log.append(
        session, actor=actor, action="team.update", entity="team", entity_id=row.name, before=old, after=new, at=now
    )
    return True


def create_team(session: Session, *, team: Mapping[str, Any], actor: str, now: datetime | None = None) -> Team:
    """A new team from {name, description, place, calendar (inline), strategy}. Conflict-free names only."""
    spec = _team_spec(team, f"team {team.get('name')!r}")
    if spec.name in repository.teams_by_name(session):
        raise InvalidInput(f"team {spec.name!r} already exists; change it with update_team (or `people import`)")
    return _new_team(session, spec, actor=actor, now=_now(now))


def update_team(
    session: Session, *, name: str, changes: Mapping[str, Any], actor: str, now: datetime | None = None
) -> Team:
    """Change a team's description, place, calendar or strategy (a team keeps its name: rules refer to it)."""
    if "name" in changes and changes["name"] != name:
        raise InvalidInput(f"team {name!r}: teams cannot be renamed, because routing rules name them")
    row = repository.team_by_name(session, name)
    current = team_state(row) | {"name": row.name}
    spec = _team_spec(current | dict(changes), f"team {name!r}")
    _change_team(session, row, spec, actor=actor, now=_now(now))
    return row


# --- one employee at a time --------------------------------------------------------------------------------


def _team_id(session: Session, team: str | None) -> int | None:
    return None if team is None else repository.team_by_name(session, team).id


def _new_employee(session: Session, spec: EmployeeSpec, team_id: int | None, *, actor: str, now: datetime) -> Employee:
    row = Employee(handle=spec.handle, active=True, created_at=now, updated_at=now)
    _apply_employee(row, spec, team_id)
    session.add(row)
    session.flush()
    after = employee_state(row, spec.team)
    audit_log.append(
        session, actor=actor, action="employee.create", entity="employee", entity_id=row.handle, after=after, at=now
    )
    return row


def _record_employee_change(
    session: Session, row: Employee, before: dict[str, Any], team_name: str | None, *, action: str, actor: str,
    now: datetime,
) -> bool:  # fmt: skip
    old, new = _diff(before, employee_state(row, team_name))
    if not new:
        return False
    row.updated_at = now
    session.flush()
    audit_log.append(
        session, actor=actor, action=action, entity="employee", entity_id=row.handle, before=old, after=new, at=now
    )
    return True


def create_employee(
    session: Session, *, employee: Mapping[str, Any], actor: str, now: datetime | None = None
) -> Employee:
    """A new employee from the fields of a people-file entry (handle, role, team, skills, shift, ...)."""
    spec = _employee_spec(employee, f"employee {employee.get('handle')!r}")
    if spec.handle in repository.employees_by_handle(session):
        raise InvalidInput(f"employee {spec.handle!r} already exists; change them with `groundswell people set`")
    return _new_employee(session, spec, _team_id(session, spec.team), actor=actor, now=_now(now))


def _team_name(session: Session, row: Employee) -> str | None:
    return None if row.team_id is None else repository.team_names_by_id(session).get(row.team_id)


def update_employee(
    session: Session, *, handle: str, changes: Mapping[str, Any], actor: str, now: datetime | None = None
) -> Employee:
    """Change any field of an employee but the handle (role, team, skills, shift, max_open_cases, ...)."""
    if "handle" in changes and changes["handle"] != handle:
        raise InvalidInput(f"employee {handle!r}: a handle cannot be changed; create a new employee instead")
    row = repository.employee_by_handle(session, handle)
    team = _team_name(session, row)
    before = employee_state(row, team)
    current = {k: v for k, v in before.items() if k != "active"} | {"handle": row.handle}
    spec = _employee_spec(current | dict(changes), f"employee {handle!r}")
    _apply_employee(row, spec, _team_id(session, spec.team))
    _record_employee_change(session, row, before, spec.team, action="employee.update", actor=actor, now=_now(now))
    return row


def _set_flag(
    session: Session, *, handle: str, name: str, value: bool, action: str, actor: str, now: datetime
) -> Employee:
    row = repository.employee_by_handle(session, handle)
    team = _team_name(session, row)
    before = employee_state(row, team)
    setattr(row, name, value)
    _record_employee_change(session, row, before, team, action=action, actor=actor, now=now)
    return row


def set_on_leave(session: Session, *, handle: str, on_leave: bool, actor: str, now: datetime | None = None) -> Employee:
    """Mark someone on leave (they get no new cases) or back; no change, no audit line."""
    return _set_flag(
        session, handle=handle, name="on_leave", value=on_leave, action="employee.leave", actor=actor, now=_now(now)
    )


def deactivate_employee(session: Session, *, handle: str, actor: str, now: datetime | None = None) -> Employee:
    """Someone who left: kept for the history, never assigned again (until reactivated)."""
    return _set_flag(
        session, handle=handle, name="active", value=False, action="employee.deactivate", actor=actor, now=_now(now)
    )


def reactivate_employee(session: Session, *, handle: str, actor: str, now: datetime | None = None) -> Employee:
    return _set_flag(
        session, handle=handle, name="active", value=True, action="employee.reactivate", actor=actor, now=_now(now)
    )


# --- the whole file ----------------------------------------------------------------------------------------


def import_people(
    session: Session, *, document: dict[str, Any], actor: str, now: datetime | None = None
) -> ImportReport:
    """Create or update the file's teams (by name) and employees (by handle); employees not in the file are
    marked inactive. Importing the same file twice changes nothing and writes no audit line the second time.
    Afterwards every team the active routing rules name must still exist and be placed (else InvalidInput,
    and the caller's transaction rolls back)."""
    from groundswell.routing_store.service import check_active_rules  # routing_store builds on people

    people = parse_people(document)
    when = _now(now)
    report = ImportReport()
    teams = repository.teams_by_name(session)
    for name, spec in people.teams.items():
        if name not in teams:
            teams[name] = _new_team(session, spec, actor=actor, now=when)
            report.teams_created.append(name)
        elif _change_team(session, teams[name], spec, actor=actor, now=when):
            report.teams_updated.append(name)
        else:
            report.teams_unchanged.append(name)
    report.teams_not_in_file = sorted(set(teams) - set(people.teams))
    _import_employees(session, people.employees, teams, report, actor=actor, now=when)
    check_active_rules(session)
    return report


def _import_employees(
    session: Session, specs: tuple[EmployeeSpec, ...], teams: dict[str, Team], report: ImportReport, *,
    actor: str, now: datetime,
) -> None:  # fmt: skip
    names = {team.id: name for name, team in teams.items()}
    existing = repository.employees_by_handle(session)
    for spec in specs:
        team_id = None if spec.team is None else teams[spec.team].id
        row = existing.get(spec.handle)
        if row is None:
            _new_employee(session, spec, team_id, actor=actor, now=now)
            report.employees_created.append(spec.handle)
            continue
        before = employee_state(row, names.get(row.team_id) if row.team_id is not None else None)
        _apply_employee(row, spec, team_id)
        row.active = True  # back in the file, back at work
        if _record_employee_change(session, row, before, spec.team, action="employee.update", actor=actor, now=now):
            report.employees_updated.append(spec.handle)
        else:
            report.employees_unchanged.append(spec.handle)
    in_file = {spec.handle for spec in specs}
    for handle, row in sorted(existing.items()):
        if handle not in in_file and row.active:
            before = employee_state(row, names.get(row.team_id) if row.team_id is not None else None)
            row.active = False
            _record_employee_change(
                session, row, before, before["team"], action="employee.deactivate", actor=actor, now=now
            )
            report.employees_deactivated.append(handle)
