"""You: who you are and what you may do, and your own API tokens (create one, shown once; revoke one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from groundswell.users import service as users
from groundswell.users.permissions import Permission
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED, Id, Page
from groundswell.web.api.schemas.me import Me, NewToken, TokenIn, TokenView
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["me"])
Reader = Annotated[Principal, Depends(require(Permission.account_read))]
Owner = Annotated[Principal, Depends(require(Permission.tokens_own))]


@router.get("/me", response_model=Me, responses=NOT_MODIFIED, summary="Who you are, and what you may do")
def me(request: Request, principal: Reader, session: ReadDb) -> Response:
    user = users.get_user(session, principal.user_id)
    view = Me(
        id=user.id, username=user.username, display_name=user.display_name, email=user.email, role=user.role,
        employee=principal.actor if principal.employee_id is not None else None,
        permissions=sorted(p.value for p in Permission if principal.can(p)),
        token_scopes=list(principal.token_scopes) if principal.token_scopes is not None else None,
        last_login_at=user.last_login_at, created_at=user.created_at,
    )  # fmt: skip
    return json_response(request, view)


@router.get("/me/tokens", response_model=Page[TokenView], responses=NOT_MODIFIED, summary="Your API tokens")
def tokens(request: Request, principal: Reader, session: ReadDb) -> Response:
    rows = users.list_tokens(session, user_id=principal.user_id)
    return json_response(request, Page[TokenView](items=[TokenView.model_validate(r) for r in rows]))


@router.post("/me/tokens", response_model=NewToken, status_code=201, summary="Create an API token (shown once)")
def create_token(request: Request, body: TokenIn, principal: Owner, session: WriteDb) -> Response:
    new = users.create_token(
        session, user_id=principal.user_id, name=body.name, scopes=list(body.scopes), actor=principal.actor,
        expires_at=body.expires_at,
    )  # fmt: skip
    view = NewToken(**TokenView.model_validate(new.row).model_dump(), token=new.token)
    return json_response(request, view, status_code=201)


@router.delete("/me/tokens/{token_id}", response_model=TokenView, summary="Revoke one of your API tokens")
def revoke_token(request: Request, token_id: Id, principal: Owner, session: WriteDb) -> Response:
    row = users.revoke_token(session, token_id=token_id, user_id=principal.user_id, actor=principal.actor)
    return json_response(request, TokenView.model_validate(row))
