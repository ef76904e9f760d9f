"""The approvals queue for managers: every reply waiting for approval, with its findings and why it needs one;
approve, reject (with a reason) or edit and approve in place (the forms post to `case_replies`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from groundswell.replies.approvals_queue import pending_replies
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Approver = Annotated[Principal, Depends(require(Permission.replies_approve))]


@router.get("/approvals")
def approvals(request: Request, principal: Approver, session: ReadDb) -> Response:
    return render(request, "approvals/index.html", principal, pending=pending_replies(session))
