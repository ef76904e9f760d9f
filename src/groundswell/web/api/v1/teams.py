"""/api/v1/teams: the teams cases are routed to (a team keeps its name: routing rules refer to it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from groundswell.models import Employee, Team
from groundswell.people import repository, service
from groundswell.people.service import team_state
from groundswell.users.permissions import Permission
from groundswell.web.api.admin_fields import Free, Name, PathName, Search, Short
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["teams"])
# The principal comes before the session in every route: see web/api/v1/webhooks.py.
Reader = Annotated[Principal, Depends(require(Permission.teams_read))]
Manager = Annotated[Principal, Depends(require(Permission.teams_manage))]
PlaceIn = Short | dict[str, Any] | None
PLACE_HELP = "an IATA airport code or a city, or {name, lat, lon}"


class TeamOut(BaseModel):
    id: int
    name: str
    description: str
    place: dict[str, Any] | None = Field(description="{name, lat, lon} when the team has a place")
    calendar: dict[str, Any] | None = Field(description="business hours: {timezone, hours, holidays}")
    strategy: str
    updated_at: datetime


class Member(BaseModel):
    handle: str
    display_name: str
    role: str
    trainee: bool
    on_leave: bool
    max_open_cases: int


class TeamDetail(TeamOut):
    members: list[Member]


class TeamList(BaseModel):
    items: list[TeamOut]


class TeamIn(BaseModel):
    name: Name
    description: Free = ""
    place: PlaceIn = Field(default=None, description=PLACE_HELP)
    calendar: dict[str, Any] | None = None
    strategy: str = "least_loaded"


class TeamChanges(BaseModel):
    description: Free | None = None
    place: PlaceIn = Field(default=None, description=PLACE_HELP + "; null removes it")
    calendar: dict[str, Any] | None = None
    strategy: str | None = None


def _out(row: Team) -> dict[str, Any]:
    state = team_state(row)
    return {"id": row.id, "name": row.name, "updated_at": row.updated_at, **state}


def _member(row: Employee) -> Member:
    return Member(
        handle=row.handle, display_name=row.display_name, role=row.role, trainee=row.trainee,
        on_leave=row.on_leave, max_open_cases=row.max_open_cases,
    )  # fmt: skip


@router.get(
    "/teams", response_model=TeamList, responses=NOT_MODIFIED, summary="List teams (search by name or description)"
)
def list_teams(
    request: Request,
    principal: Reader,
    session: ReadDb,
    q: Search = None,
) -> Response:
    rows = repository.all_teams(session)
    if q:
        needle = q.casefold()
        rows = [row for row in rows if needle in f"{row.name}\n{row.description}".casefold()]
    return json_response(request, TeamList(items=[TeamOut.model_validate(_out(row)) for row in rows]))


@router.post("/teams", response_model=TeamDetail, status_code=201, summary="Create a team")
def create_team(body: TeamIn, principal: Manager, session: WriteDb) -> TeamDetail:
    row = service.create_team(session, team=body.model_dump(), actor=principal.actor)
    return TeamDetail.model_validate(_out(row) | {"members": []})


@router.get("/teams/{name}", response_model=TeamDetail, responses=NOT_MODIFIED, summary="A team and its active members")
def get_team(request: Request, name: PathName, principal: Reader, session: ReadDb) -> Response:
    row = repository.team_by_name(session, name)
    members = [_member(e) for e in repository.employees_of_team(session, row.id)]
    return json_response(request, TeamDetail.model_validate(_out(row) | {"members": members}))


@router.patch("/teams/{name}", response_model=TeamDetail,
              summary="Change a team's description, place, hours or strategy (fields left out stay)")  # fmt: skip
def update_team(name: PathName, body: TeamChanges, principal: Manager, session: WriteDb) -> TeamDetail:
    row = service.update_team(session, name=name, changes=body.model_dump(exclude_unset=True), actor=principal.actor)
    members = [_member(e) for e in repository.employees_of_team(session, row.id)]
    return TeamDetail.model_validate(_out(row) | {"members": members})
