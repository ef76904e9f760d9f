"""Teams and people: who answers, with their skills, locations, shifts, leave and capacity. Every change goes
through `groundswell.people.service`, which validates it and writes the audit line."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from groundswell.inbox.repository import open_case_counts
from groundswell.people import repository as people
from groundswell.people import service
from groundswell.people.schemas import SKILL_KINDS, Role
from groundswell.routing.assignment import Strategy
from groundswell.web.deps import ReadDb, WriteDb
from groundswell.web.templating import render
from groundswell.web.ui.admin import forms
from groundswell.web.ui.admin.common import TeamsManage, TeamsRead, back_to

router = APIRouter()
STRATEGIES = [s.value for s in Strategy]
EMPLOYEE_ROLES = [r.value for r in Role]
Text = Annotated[str, Form(max_length=20_000)]


@router.get("/admin/teams")
def teams_page(request: Request, principal: TeamsRead, session: ReadDb) -> Response:
    teams = people.all_teams(session)
    members: dict[int, int] = {}
    for employee in people.list_employees(session):
        if employee.team_id is not None:
            members[employee.team_id] = members.get(employee.team_id, 0) + 1
    return render(request, "admin/teams.html", principal, teams=teams, members=members, strategies=STRATEGIES)


@router.get("/admin/teams/{team_name}")
def team_page(request: Request, principal: TeamsRead, session: ReadDb, team_name: str) -> Response:
    team = people.team_by_name(session, team_name)
    employees = people.list_employees(session, team_id=team.id, include_inactive=True)
    loads = open_case_counts(session, [e.id for e in employees])
    return render(
        request, "admin/team.html", principal, team=team, employees=employees, loads=loads, strategies=STRATEGIES,
        calendar_yaml=forms.yaml_text(team.calendar),
    )  # fmt: skip


def _team_fields(description: str, place: Any, strategy: str, calendar: str) -> dict[str, Any]:
    return {
        "description": description.strip(),
        "place": place,
        "strategy": strategy,
        "calendar": forms.yaml_mapping(calendar, "the business hours"),
    }


@router.post("/admin/teams")
def create_team(
    principal: TeamsManage,
    session: WriteDb,
    name: Annotated[str, Form(min_length=1, max_length=128)],
    strategy: Annotated[Strategy, Form()],
    description: Text = "",
    place: Annotated[str, Form(max_length=255)] = "",
    calendar: Text = "",
) -> Response:
    fields = _team_fields(description, place.strip() or None, strategy.value, calendar)
    team = service.create_team(session, team={"name": name.strip(), **fields}, actor=principal.actor)
    return back_to(f"/admin/teams/{team.name}")


@router.post("/admin/teams/{team_name}")
def update_team(
    principal: TeamsManage,
    session: WriteDb,
    team_name: str,
    strategy: Annotated[Strategy, Form()],
    description: Text = "",
    place: Annotated[str, Form(max_length=255)] = "",
    calendar: Text = "",
) -> Response:
    team = people.team_by_name(session, team_name)
    current = service.team_state(team)["place"]
    fields = _team_fields(description, forms.place(place, team.place, current), strategy.value, calendar)
    service.update_team(session, name=team.name, changes=fields, actor=principal.actor)
    return back_to(f"/admin/teams/{team.name}")


@router.get("/admin/people")
def people_page(
    request: Request, principal: TeamsRead, session: ReadDb, team: str = "", inactive: bool = False
) -> Response:
    team_id = people.team_by_name(session, team).id if team else None
    employees = people.list_employees(session, team_id=team_id, include_inactive=inactive)
    return render(
        request, "admin/people.html", principal, employees=employees, team_names=people.team_names_by_id(session),
        loads=open_case_counts(session, [e.id for e in employees]), team=team, inactive=inactive,
        teams=people.all_teams(session), roles=EMPLOYEE_ROLES,
    )  # fmt: skip


@router.get("/admin/people/{handle}")
def person_page(request: Request, principal: TeamsRead, session: ReadDb, handle: str) -> Response:
    employee = people.employee_by_handle(session, handle)
    return render(
        request, "admin/person.html", principal, employee=employee, teams=people.all_teams(session),
        team_names=people.team_names_by_id(session), roles=EMPLOYEE_ROLES, skill_kinds=SKILL_KINDS,
        load=open_case_counts(session, [employee.id]).get(employee.id, 0), shift_yaml=forms.yaml_text(employee.shift),
    )  # fmt: skip


def _employee_fields(form: dict[str, Any]) -> dict[str, Any]:
    return {
        "display_name": form["display_name"].strip(),
        "email": form["email"].strip() or None,
        "role": form["role"],
        "team": form["team"] or None,
        "skills": {kind: forms.names(form.get(f"skills_{kind}", "")) for kind in SKILL_KINDS},
        "shift": forms.yaml_mapping(form["shift"], "the shift"),
        "max_open_cases": form["max_open_cases"],
        "trainee": form["trainee"],
    }


@router.post("/admin/people")
def create_person(
    principal: TeamsManage,
    session: WriteDb,
    handle: Annotated[str, Form(min_length=1, max_length=128)],
    role: Annotated[Role, Form()],
    display_name: Annotated[str, Form(max_length=255)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    team: Annotated[str, Form(max_length=128)] = "",
    max_open_cases: Annotated[int, Form(ge=0, le=10_000)] = 10,
) -> Response:
    fields = {"handle": handle.strip(), "role": role.value, "display_name": display_name.strip(),
              "email": email.strip() or None, "team": team or None, "max_open_cases": max_open_cases}  # fmt: skip
    employee = service.create_employee(session, employee=fields, actor=principal.actor)
    return back_to(f"/admin/people/{employee.handle}")


@router.post("/admin/people/{handle}")
def update_person(
    principal: TeamsManage,
    session: WriteDb,
    handle: str,
    role: Annotated[Role, Form()],
    max_open_cases: Annotated[int, Form(ge=0, le=10_000)],
    display_name: Annotated[str, Form(max_length=255)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    team: Annotated[str, Form(max_length=128)] = "",
    place: Annotated[str, Form(max_length=255)] = "",
    shift: Text = "",
    skills_topics: Text = "",
    skills_intents: Text = "",
    skills_languages: Text = "",
    skills_channels: Text = "",
    trainee: Annotated[bool, Form()] = False,
) -> Response:
    employee = people.employee_by_handle(session, handle)
    current = service.employee_state(employee, None)["place"]
    fields = _employee_fields({
        "display_name": display_name, "email": email, "role": role.value, "team": team, "shift": shift,
        "max_open_cases": max_open_cases, "trainee": trainee, "skills_topics": skills_topics,
        "skills_intents": skills_intents, "skills_languages": skills_languages, "skills_channels": skills_channels,
    })  # fmt: skip
    fields["place"] = forms.place(place, employee.place, current)
    service.update_employee(session, handle=employee.handle, changes=fields, actor=principal.actor)
    return back_to(f"/admin/people/{employee.handle}")


@router.post("/admin/people/{handle}/leave")
def set_leave(principal: TeamsManage, session: WriteDb, handle: str, on_leave: Annotated[bool, Form()]) -> Response:
    service.set_on_leave(session, handle=handle, on_leave=on_leave, actor=principal.actor)
    return back_to(f"/admin/people/{handle}")


@router.post("/admin/people/{handle}/active")
def set_active(principal: TeamsManage, session: WriteDb, handle: str, active: Annotated[bool, Form()]) -> Response:
    if active:
        service.reactivate_employee(session, handle=handle, actor=principal.actor)
    else:
        service.deactivate_employee(session, handle=handle, actor=principal.actor)
    return back_to(f"/admin/people/{handle}")
