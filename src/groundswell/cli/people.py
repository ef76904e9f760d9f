"""`groundswell people` and `groundswell teams`: import the roster, list it, change one person."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table
from sqlalchemy.orm import Session

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.inbox.repository import open_case_counts
from groundswell.models.team import Employee, Team
from groundswell.people import repository, service
from groundswell.people.schemas import Role

app = typer.Typer(help="Employees: import the people file, list who is there, change one person.", no_args_is_help=True)
teams_app = typer.Typer(help="Teams: where they are, their hours and how they hand out cases.", no_args_is_help=True)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


ByOption = Annotated[
    str | None, typer.Option("--by", help="Who makes the change, for the audit log (default: your user name).")
]


def read_document(path: Path) -> Any:
    """A YAML (or JSON) file as data, with the file named in every error."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML ({exc})") from exc


def hours_summary(calendar: dict[str, Any] | None) -> str:
    if not calendar:
        return "always"
    hours = calendar.get("hours")
    spans = ", ".join(f"{day} {span}" for day, span in hours.items()) if isinstance(hours, dict) else str(hours)
    return f"{spans} ({calendar.get('timezone')})"


def employee_dict(row: Employee, team: str | None, open_cases: int) -> dict[str, Any]:
    return {
        "handle": row.handle,
        "display_name": row.display_name,
        "email": row.email,
        "role": row.role,
        "team": team,
        "skills": row.skills,
        "place": row.place,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "shift": row.shift,
        "max_open_cases": row.max_open_cases,
        "open_cases": open_cases,
        "trainee": row.trainee,
        "on_leave": row.on_leave,
        "active": row.active,
    }


def _shown(session: Session, rows: list[Employee]) -> list[dict[str, Any]]:
    names = repository.team_names_by_id(session)
    counts = open_case_counts(session, [row.id for row in rows])
    return [employee_dict(r, names.get(r.team_id) if r.team_id else None, counts[r.id]) for r in rows]


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The people file (YAML), e.g. examples/airline/people.yaml.")],
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Create or update the file's teams and employees; employees missing from it are marked inactive.
    Importing the same file again changes nothing."""
    document = read_document(file)
    store = open_store(db)
    try:
        with write_transaction(store.sessions) as session:
            report = service.import_people(session, document=document, actor=by or default_actor())
    except InvalidInput as exc:
        raise InvalidInput(f"{file}: {exc.message}") from exc
    summary = dict(vars(report))
    if as_json:
        print_json(summary)
        return
    out = human(as_json)
    for kind in ("teams", "employees"):
        counts = {verb: len(summary[f"{kind}_{verb}"]) for verb in ("created", "updated", "unchanged")}
        out.print(f"{kind}: " + ", ".join(f"{n} {verb}" for verb, n in counts.items()))
    if report.employees_deactivated:
        out.print(f"marked inactive (not in the file): {', '.join(report.employees_deactivated)}")
    if report.teams_not_in_file:
        out.print(f"teams kept although not in the file: {', '.join(report.teams_not_in_file)}")


@app.command("list")
def list_command(
    team: Annotated[str | None, typer.Option("--team", help="Only this team's employees.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include inactive employees.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Employees with role, team, shift, capacity and load (open cases), and flags."""
    store = open_store(db)
    with store.sessions() as session:
        team_id = repository.team_by_name(session, team).id if team else None
        shown = _shown(session, repository.list_employees(session, team_id=team_id, include_inactive=all_))
    if as_json:
        print_json({"employees": shown})
        return
    table = Table(
        "handle", "name", "role", "team", "place", "shift", "load", "flags", title=f"{len(shown)} employee(s)"
    )
    for e in shown:
        flags = [f for f in ("trainee", "on_leave") if e[f]] + ([] if e["active"] else ["inactive"])
        table.add_row(
            e["handle"], e["display_name"], e["role"], e["team"] or "", e["place"] or "", hours_summary(e["shift"]),
            f"{e['open_cases']}/{e['max_open_cases']}", ", ".join(flags),
        )  # fmt: skip
    stdout.print(table)


def _changes(capacity: int | None, team: str | None, role: Role | None, trainee: bool | None) -> dict[str, Any]:
    given = {"max_open_cases": capacity, "team": team, "role": role.value if role else None, "trainee": trainee}
    return {key: value for key, value in given.items() if value is not None}


@app.command("set")
def set_command(
    employee: Annotated[str, typer.Argument(help="The employee's handle.")],
    on_leave: Annotated[
        bool | None, typer.Option("--on-leave/--back", help="On leave (no new cases) or back at work.")
    ] = None,
    capacity: Annotated[int | None, typer.Option("--capacity", min=0, help="Most open cases at once.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Move to this team.")] = None,
    role: Annotated[Role | None, typer.Option("--role", help="admin, manager, agent or analyst.")] = None,
    trainee: Annotated[bool | None, typer.Option("--trainee/--no-trainee", help="Trainee or not.")] = None,
    active: Annotated[
        bool | None, typer.Option("--reactivate/--deactivate", help="Back on the roster, or left (kept, no cases).")
    ] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change one employee; every change is written to the audit log."""
    changes = _changes(capacity, team, role, trainee)
    if not changes and on_leave is None and active is None:
        raise InvalidInput("nothing to change; give --on-leave/--back, --capacity, --team, --role, ...")
    actor = by or default_actor()
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        row = repository.employee_by_handle(session, employee)
        if changes:
            service.update_employee(session, handle=employee, changes=changes, actor=actor)
        if on_leave is not None:
            service.set_on_leave(session, handle=employee, on_leave=on_leave, actor=actor)
        if active is not None:
            change = service.reactivate_employee if active else service.deactivate_employee
            change(session, handle=employee, actor=actor)
        shown = _shown(session, [row])[0]
    if as_json:
        print_json(shown)
        return
    flags = [f for f in ("trainee", "on_leave") if shown[f]]
    human(as_json).print(
        f"{shown['handle']}: {shown['role']} in {shown['team'] or 'no team'}, capacity {shown['max_open_cases']}"
        + (f", {', '.join(flags)}" if flags else "")
        + ("" if shown["active"] else ", inactive")
    )


def team_dict(row: Team, members: int) -> dict[str, Any]:
    return {
        "name": row.name,
        "description": row.description,
        "place": row.place,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "calendar": row.calendar,
        "strategy": row.strategy,
        "members": members,
    }


@teams_app.command("list")
def teams_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Teams with their place, business hours, assignment strategy and number of active members."""
    store = open_store(db)
    with store.sessions() as session:
        shown = [
            team_dict(row, len(repository.employees_of_team(session, row.id))) for row in repository.all_teams(session)
        ]
    if as_json:
        print_json({"teams": shown})
        return
    table = Table("team", "place", "hours", "strategy", "members", "description", title=f"{len(shown)} team(s)")
    for t in shown:
        table.add_row(
            t["name"], t["place"] or "", hours_summary(t["calendar"]), t["strategy"], str(t["members"]),
            t["description"],
        )  # fmt: skip
    stdout.print(table)
