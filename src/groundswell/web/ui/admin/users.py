"""Users: list, create (a password is generated when none is given, shown once), change role, deactivate or
reactivate, and set a new password (which signs the user out everywhere)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from groundswell.errors import Conflict
from groundswell.users import service as users
from groundswell.users.passwords import generate_password
from groundswell.users.permissions import Role
from groundswell.web.deps import ReadDb, WriteDb
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import UsersManage, UsersRead, back_to

router = APIRouter()
ROLES = [role.value for role in Role]


@router.get("/admin/users")
def users_page(request: Request, principal: UsersRead, session: ReadDb) -> Response:
    return render(request, "admin/users.html", principal, users=users.list_users(session), roles=ROLES, shown=None)


@router.post("/admin/users")
def create_user(
    request: Request,
    principal: UsersManage,
    session: WriteDb,
    username: Annotated[str, Form(min_length=1, max_length=128)],
    role: Annotated[Role, Form()],
    display_name: Annotated[str, Form(max_length=255)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    employee: Annotated[str, Form(max_length=128)] = "",
    password: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    created = users.create_user(
        session, username=username, role=role.value, password=password or None, employee_handle=employee or None,
        display_name=display_name.strip(), email=email.strip() or None, actor=principal.actor,
    )  # fmt: skip
    shown = None if password else (created.user.username, created.password)
    return render(
        request, "admin/users.html", principal, users=users.list_users(session), roles=ROLES, shown=shown,
        status_code=201,
    )  # fmt: skip


@router.post("/admin/users/{user_id}")
def update_user(
    principal: UsersManage,
    session: WriteDb,
    user_id: int,
    role: Annotated[Role, Form()],
    active: Annotated[bool, Form()] = False,
) -> Response:
    if user_id == principal.user_id and (role.value != principal.role or not active):
        # An admin locking themselves out would leave nobody able to undo it.
        users.get_user(session, user_id)
        raise Conflict("you cannot change your own role or deactivate yourself; ask another admin")
    users.update_user(session, user_id=user_id, role=role.value, active=active, actor=principal.actor)
    return back_to("/admin/users")


@router.post("/admin/users/{user_id}/password")
def reset_password(
    request: Request,
    principal: UsersManage,
    session: WriteDb,
    user_id: int,
    password: Annotated[str, Form(max_length=512)],
) -> Response:
    """Set the password given, or generate one when the field is left empty (shown once)."""
    new = password or generate_password()
    user = users.set_password(session, user_id=user_id, password=new, actor=principal.actor)
    shown = None if password else (user.username, new)
    return render(request, "admin/users.html", principal, users=users.list_users(session), roles=ROLES, shown=shown)
