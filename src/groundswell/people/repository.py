"""Queries over teams and employees."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.errors import NotFound
from groundswell.models.team import Employee, Team


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def teams_by_name(session: Session) -> dict[str, Team]:
    return {team.name: team for team in all_teams(session)}


def team_by_name(session: Session, name: str) -> Team:
    team = session.scalars(select(Team).where(Team.name == name)).one_or_none()
    if team is None:
        known = ", ".join(sorted(teams_by_name(session))) or "none yet: `groundswell people import FILE` adds them"
        raise NotFound(f"team {name!r} not found; known teams: {known}")
    return team


def employees_of_team(session: Session, team_id: int) -> list[Employee]:
    """The team's active employees (on leave included: the assigner skips them with the reason), by handle."""
    stmt = select(Employee).where(Employee.team_id == team_id, Employee.active.is_(True)).order_by(Employee.handle)
    return list(session.scalars(stmt))


def employee_by_handle(session: Session, handle: str) -> Employee:
    employee = session.scalars(select(Employee).where(Employee.handle == handle)).one_or_none()
    if employee is None:
        raise NotFound(f"employee {handle!r} not found; `groundswell people list` shows who is there")
    return employee


def employees_by_handle(session: Session) -> dict[str, Employee]:
    """Everyone, inactive included (an import may bring them back)."""
    return {row.handle: row for row in session.scalars(select(Employee))}


def list_employees(session: Session, *, team_id: int | None = None, include_inactive: bool = False) -> list[Employee]:
    stmt = select(Employee).order_by(Employee.handle)
    if team_id is not None:
        stmt = stmt.where(Employee.team_id == team_id)
    if not include_inactive:
        stmt = stmt.where(Employee.active.is_(True))
    return list(session.scalars(stmt))


def team_names_by_id(session: Session) -> dict[int, str]:
    return {team_id: name for team_id, name in session.execute(select(Team.id, Team.name))}
