"""Replies from the case page: policy findings while typing, templates, writing a reply, and every step of
approval (submit, send, withdraw, revise; approve, reject, edit and approve for approvers).

The approval machine decides who may do what (self-approval, trainees, block findings); its refusals are
409 Conflicts with a message saying why, shown in the page's alert region."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from groundswell.replies import service as replies
from groundswell.replies.preview import compose, preview, template_text
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Worker = Annotated[Principal, Depends(require(Permission.cases_work))]
Approver = Annotated[Principal, Depends(require(Permission.replies_approve))]
ReplyText = Annotated[str, Form(max_length=20_000)]
Next = Annotated[str | None, Form(alias="next", max_length=300)]


def _go(request: Request, url: str) -> Response:
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _after(request: Request, case_id: int, next_url: str | None) -> Response:
    """Back where the action came from (a local path only), else to the case."""
    local = next_url and next_url.startswith("/") and not next_url.startswith("//") and "\\" not in next_url
    return _go(request, next_url if local and next_url else f"/cases/{case_id}")


@router.post("/cases/{case_id}/findings")
def findings(
    request: Request,
    case_id: int,
    principal: Worker,
    session: ReadDb,
    text: Annotated[str, Form(max_length=20_000)] = "",  # an empty editor (browsers send no empty fields)
    visibility: Annotated[str, Form(max_length=16)] = "public",
) -> Response:
    """The findings fragment the editor posts to as the employee types (HTMX, after a short pause)."""
    result = preview(
        session, case_id=case_id, text=text, author=principal.actor if principal.employee_id else None,
        visibility=visibility,
    )  # fmt: skip
    return render(request, "case/findings.html", principal, preview=result)


@router.get("/cases/{case_id}/template")
def fill_template(
    request: Request,
    case_id: int,
    principal: Worker,
    session: ReadDb,
    name: Annotated[str, Query(min_length=1, max_length=128)],
    language: Annotated[str, Query(max_length=16)] = "en",
) -> Response:
    """The editor's text area, filled from a template for this case (which then checks itself again)."""
    text = template_text(session, case_id=case_id, template=name, author=principal.actor, language=language)
    return render(request, "case/editor_text.html", principal, case_id=case_id, text=text, template=name)


@router.post("/cases/{case_id}/replies")
def write_reply(
    request: Request,
    case_id: int,
    principal: Worker,
    session: WriteDb,
    text: ReplyText,
    then: Annotated[str, Form(max_length=16)] = "draft",
    visibility: Annotated[str, Form(max_length=16)] = "public",
    template: Annotated[str | None, Form(max_length=128)] = None,
) -> Response:
    compose(
        session, case_id=case_id, author=principal.actor, text=text, then=then, visibility=visibility,
        template=template,
    )  # fmt: skip
    return _go(request, f"/cases/{case_id}")


@router.post("/replies/{reply_id}/submit")
def submit(request: Request, reply_id: int, principal: Worker, session: WriteDb, next_url: Next = None) -> Response:
    row = replies.submit(session, reply_id=reply_id, by=principal.actor)
    return _after(request, row.case_id, next_url)


@router.post("/replies/{reply_id}/send")
def send(request: Request, reply_id: int, principal: Worker, session: WriteDb, next_url: Next = None) -> Response:
    row = replies.send(session, reply_id=reply_id, by=principal.actor)
    return _after(request, row.case_id, next_url)


@router.post("/replies/{reply_id}/withdraw")
def withdraw(request: Request, reply_id: int, principal: Worker, session: WriteDb, next_url: Next = None) -> Response:
    row = replies.withdraw(session, reply_id=reply_id, by=principal.actor)
    return _after(request, row.case_id, next_url)


@router.post("/replies/{reply_id}/revise")
def revise(
    request: Request, reply_id: int, principal: Worker, session: WriteDb, text: ReplyText, next_url: Next = None
) -> Response:
    row = replies.revise(session, reply_id=reply_id, by=principal.actor, text=text)
    return _after(request, row.case_id, next_url)


@router.post("/replies/{reply_id}/approve")
def approve(request: Request, reply_id: int, principal: Approver, session: WriteDb, next_url: Next = None) -> Response:
    row = replies.approve(session, reply_id=reply_id, by=principal.actor)
    return _after(request, row.case_id, next_url)


@router.post("/replies/{reply_id}/reject")
def reject(
    request: Request,
    reply_id: int,
    principal: Approver,
    session: WriteDb,
    reason: Annotated[str, Form(min_length=1, max_length=2_000)],
    next_url: Next = None,
) -> Response:
    row = replies.reject(session, reply_id=reply_id, by=principal.actor, reason=reason)
    return _after(request, row.case_id, next_url)


@router.post("/replies/{reply_id}/edit-and-approve")
def edit_and_approve(
    request: Request, reply_id: int, principal: Approver, session: WriteDb, text: ReplyText, next_url: Next = None
) -> Response:
    row = replies.edit_and_approve(session, reply_id=reply_id, by=principal.actor, text=text)
    return _after(request, row.case_id, next_url)
