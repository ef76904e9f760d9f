"""Replies: list and read them, draft one on a case, and move it through approval to the outbox (submit,
withdraw, revise, approve, reject, send). The approval machine decides who may do what; a refusal is a 409."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from groundswell.errors import Conflict
from groundswell.replies import service as replies
from groundswell.replies.schemas import ReplyView
from groundswell.users.permissions import Permission
from groundswell.web.api import pagination
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED, Id, Limit, Name, Page
from groundswell.web.api.schemas.replies import ApprovalIn, DraftIn, RejectionIn, TextIn
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["replies"])
Reader = Annotated[Principal, Depends(require(Permission.cases_read))]
Worker = Annotated[Principal, Depends(require(Permission.cases_work))]
Approver = Annotated[Principal, Depends(require(Permission.replies_approve))]


def _employee(principal: Principal) -> str:
    """Replies are written and approved by employees: the user must be linked to one."""
    if principal.employee_id is None:
        raise Conflict(
            f"user {principal.username!r} is not linked to an employee, so cannot draft or approve replies: "
            "an admin links the user to their employee handle"
        )
    return principal.actor


def _answer(request: Request, session: Session, reply_id: int, status_code: int = 200) -> Response:
    return json_response(request, replies.view(session, reply_id), status_code=status_code)


@router.get("/replies", response_model=Page[ReplyView], responses=NOT_MODIFIED, summary="List replies, newest first")
def list_replies(
    request: Request,
    principal: Reader,
    session: ReadDb,
    state: Annotated[Name | None, Query(description="draft, pending_approval, approved, rejected, ...")] = None,
    case_id: Id | None = None,
    author: Annotated[Name | None, Query(description="The author's employee handle.")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> Response:
    items = replies.list_views(
        session, state=state, case_id=case_id, author=author, limit=limit, before_id=pagination.decode_id(cursor)
    )
    last = pagination.encode(items[-1].id) if items else None
    return pagination.page_response(request, items, limit=limit, next_cursor=last)


@router.get("/replies/{reply_id}", response_model=ReplyView, responses=NOT_MODIFIED, summary="One reply")
def reply(request: Request, reply_id: Id, principal: Reader, session: ReadDb) -> Response:
    return _answer(request, session, reply_id)


@router.post("/cases/{case_id}/replies", response_model=ReplyView, status_code=201, summary="Draft a reply")
def draft(request: Request, case_id: Id, body: DraftIn, principal: Worker, session: WriteDb) -> Response:
    row = replies.draft_reply(
        session, case_id=case_id, author=_employee(principal), text=body.text, visibility=body.visibility,
        in_reply_to_post_id=body.in_reply_to_post_id, template=body.template, variables=body.variables,
        language=body.language, named_approver=body.named_approver,
    )  # fmt: skip
    return _answer(request, session, row.id, status_code=201)


@router.patch("/replies/{reply_id}", response_model=ReplyView, summary="Change a draft's text (its author)")
def revise(request: Request, reply_id: Id, body: TextIn, principal: Worker, session: WriteDb) -> Response:
    replies.revise(session, reply_id=reply_id, by=_employee(principal), text=body.text)
    return _answer(request, session, reply_id)


@router.post("/replies/{reply_id}/submit", response_model=ReplyView, summary="Ask for approval")
def submit(request: Request, reply_id: Id, principal: Worker, session: WriteDb) -> Response:
    replies.submit(session, reply_id=reply_id, by=_employee(principal))
    return _answer(request, session, reply_id)


@router.post("/replies/{reply_id}/withdraw", response_model=ReplyView, summary="Take back a submitted draft")
def withdraw(request: Request, reply_id: Id, principal: Worker, session: WriteDb) -> Response:
    replies.withdraw(session, reply_id=reply_id, by=_employee(principal))
    return _answer(request, session, reply_id)


@router.post("/replies/{reply_id}/approve", response_model=ReplyView, summary="Approve (optionally with new text)")
def approve(
    request: Request,
    reply_id: Id,
    principal: Approver,
    session: WriteDb,
    body: Annotated[ApprovalIn | None, Body()] = None,
) -> Response:
    by = _employee(principal)
    if body is not None and body.text is not None:
        replies.edit_and_approve(session, reply_id=reply_id, by=by, text=body.text)
    else:
        replies.approve(session, reply_id=reply_id, by=by)
    return _answer(request, session, reply_id)


@router.post("/replies/{reply_id}/reject", response_model=ReplyView, summary="Reject, saying what to change")
def reject(request: Request, reply_id: Id, body: RejectionIn, principal: Approver, session: WriteDb) -> Response:
    replies.reject(session, reply_id=reply_id, by=_employee(principal), reason=body.reason)
    return _answer(request, session, reply_id)


@router.post("/replies/{reply_id}/send", response_model=ReplyView, summary="Hand the reply to the outbox")
def send(request: Request, reply_id: Id, principal: Worker, session: WriteDb) -> Response:
    replies.send(session, reply_id=reply_id, by=_employee(principal))
    return _answer(request, session, reply_id)
