"""The outbox: what is waiting to go out, what went, and what failed (with the error); managers retry a dead
message or cancel one that has not gone out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from groundswell.outbox import service as outbox
from groundswell.outbox.rules import Status
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.outbox_read))]
Manager = Annotated[Principal, Depends(require(Permission.outbox_manage))]
PAGE_SIZE = 100


@router.get("/outbox")
def outbox_page(
    request: Request,
    principal: Reader,
    session: ReadDb,
    status: Annotated[str | None, Query(max_length=16)] = None,
    channel: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    messages = outbox.list_messages(session, status=status or None, channel=channel or None, limit=PAGE_SIZE)
    return render(
        request, "outbox/index.html", principal, messages=messages, statuses=[s.value for s in Status],
        status=status or "", channel=channel or "", can_manage=principal.can(Permission.outbox_manage),
        limit=PAGE_SIZE,
    )  # fmt: skip


@router.post("/outbox/{message_id}/retry")
def retry(message_id: int, principal: Manager, session: WriteDb) -> Response:
    outbox.retry_dead(session, message_id=message_id, actor=principal.actor)
    return RedirectResponse("/outbox", status_code=303)


@router.post("/outbox/{message_id}/cancel")
def cancel(
    message_id: int,
    principal: Manager,
    session: WriteDb,
    reason: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    outbox.cancel(session, message_id=message_id, actor=principal.actor, reason=reason or None)
    return RedirectResponse("/outbox", status_code=303)
