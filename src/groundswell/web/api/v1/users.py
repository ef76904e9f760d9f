"""/api/v1/users: who may sign in, with which role (managers read, admins change). Passwords are never shown,
except a generated one, once, in the answer that created it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from groundswell.errors import Conflict
from groundswell.users import service
from groundswell.users.permissions import Permission, Role
from groundswell.web.api.admin_fields import Id, Name, Search, Secret, Short
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["users"])
# The principal comes before the session in every route: see web/api/v1/webhooks.py.
Reader = Annotated[Principal, Depends(require(Permission.users_read))]
Manager = Annotated[Principal, Depends(require(Permission.users_manage))]


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str | None
    role: Role
    employee_id: int | None
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime


class UserList(BaseModel):
    items: list[UserOut]


class UserIn(BaseModel):
    username: Name
    role: Role
    password: Secret | None = Field(default=None, description="leave out to have one generated (shown once)")
    employee: Name | None = Field(default=None, description="the employee handle this user acts as")
    display_name: Short = ""
    email: Short | None = None


class CreatedUser(BaseModel):
    user: UserOut
    password: str | None = Field(description="the generated password (null when one was given)")


class UserChanges(BaseModel):
    role: Role | None = None
    active: bool | None = None
    display_name: Short | None = None


class PasswordIn(BaseModel):
    password: Secret


@router.get("/users", response_model=UserList, responses=NOT_MODIFIED, summary="List users (search by name or e-mail)")
def list_users(
    request: Request,
    principal: Reader,
    session: ReadDb,
    q: Search = None,
    role: Role | None = None,
    active: bool | None = None,
) -> Response:
    rows = service.list_users(session)
    if q:
        needle = q.casefold()
        rows = [u for u in rows if needle in f"{u.username}\n{u.display_name}\n{u.email or ''}".casefold()]
    rows = [u for u in rows if (role is None or u.role == role) and (active is None or u.active is active)]
    return json_response(request, UserList(items=[UserOut.model_validate(u) for u in rows]))


@router.post("/users", response_model=CreatedUser, status_code=201, summary="Create a user")
def create_user(body: UserIn, principal: Manager, session: WriteDb) -> CreatedUser:
    created = service.create_user(
        session, username=body.username, role=body.role.value, password=body.password,
        employee_handle=body.employee, display_name=body.display_name, email=body.email, actor=principal.actor,
    )  # fmt: skip
    generated = created.password if body.password is None else None
    return CreatedUser(user=UserOut.model_validate(created.user), password=generated)


@router.get("/users/{user_id}", response_model=UserOut, responses=NOT_MODIFIED, summary="One user")
def get_user(request: Request, user_id: Id, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, UserOut.model_validate(service.get_user(session, user_id)))


@router.patch("/users/{user_id}", response_model=UserOut, summary="Change a user's role, name, or deactivate them")
def update_user(user_id: Id, body: UserChanges, principal: Manager, session: WriteDb) -> UserOut:
    user = service.get_user(session, user_id)
    if user.id == principal.user_id and (body.active is False or (body.role and body.role != Role.admin)):
        # Otherwise the last admin could lock everyone out of administration.
        raise Conflict("you cannot deactivate yourself or give up your own admin role: ask another admin")
    row = service.update_user(
        session, user_id=user_id, actor=principal.actor, role=body.role.value if body.role else None,
        active=body.active, display_name=body.display_name,
    )  # fmt: skip
    return UserOut.model_validate(row)


@router.post("/users/{user_id}/password", status_code=204, response_class=Response,
             summary="Set a new password (signs the user out everywhere and unlocks the account)")  # fmt: skip
def set_password(user_id: Id, body: PasswordIn, principal: Manager, session: WriteDb) -> Response:
    service.set_password(session, user_id=user_id, password=body.password, actor=principal.actor)
    return Response(status_code=204)
