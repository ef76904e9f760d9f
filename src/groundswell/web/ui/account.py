"""Your account: who you are, and your API tokens (create one, shown once; revoke one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from groundswell.users import service as users
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Own = Annotated[Principal, Depends(require(Permission.tokens_own))]


@router.get("/account")
def account(request: Request, principal: Own, session: ReadDb) -> Response:
    return render(
        request, "account.html", principal, tokens=users.list_tokens(session, user_id=principal.user_id), new_token=None
    )


@router.post("/account/tokens")
def create_token(
    request: Request,
    principal: Own,
    session: WriteDb,
    name: Annotated[str, Form(min_length=1, max_length=128)],
    scopes: Annotated[list[str], Form()] = ["read"],  # noqa: B006
) -> Response:
    new = users.create_token(session, user_id=principal.user_id, name=name, scopes=scopes, actor=principal.actor)
    tokens = users.list_tokens(session, user_id=principal.user_id)
    return render(request, "account.html", principal, tokens=tokens, new_token=new.token, status_code=201)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, principal: Own, session: WriteDb) -> Response:
    users.revoke_token(session, token_id=token_id, user_id=principal.user_id, actor=principal.actor)
    return render(
        request, "account.html", principal, tokens=users.list_tokens(session, user_id=principal.user_id), new_token=None
    )
