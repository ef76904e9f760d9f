"""The case page, and what people do to a case from it: notes, tags, status, taking it, assigning it.

Changes are plain forms answered with a redirect back to the page (post/redirect/get), so they work without
JavaScript and a reload never repeats them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from groundswell.inbox import service as cases
from groundswell.inbox.case_page import case_page
from groundswell.inbox.schemas import CaseStatus
from groundswell.routing.schemas import Priority
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.cases_read))]
Worker = Annotated[Principal, Depends(require(Permission.cases_work))]
Assigner = Annotated[Principal, Depends(require(Permission.cases_assign))]


def back_to_case(case_id: int, request: Request | None = None) -> Response:
    """After a change: HTMX follows HX-Redirect, a plain form follows the 303."""
    url = f"/cases/{case_id}"
    if request is not None and request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


@router.get("/cases/{case_id}")
def case(request: Request, case_id: int, principal: Reader, session: ReadDb) -> Response:
    page = case_page(session, case_id=case_id)
    return render(
        request, "case/page.html", principal, page=page, statuses=[s.value for s in CaseStatus],
        priorities=[p.value for p in Priority], can_work=principal.can(Permission.cases_work),
        can_assign=principal.can(Permission.cases_assign), can_approve=principal.can(Permission.replies_approve),
        can_correct=principal.can(Permission.posts_correct),
    )  # fmt: skip


@router.post("/cases/{case_id}/notes")
def add_note(
    request: Request, case_id: int, principal: Worker, session: WriteDb, text: Annotated[str, Form(max_length=10_000)]
) -> Response:
    cases.add_note(session, case_id=case_id, text=text, actor=principal.actor)
    return back_to_case(case_id, request)


@router.post("/cases/{case_id}/tags")
def add_tags(
    request: Request, case_id: int, principal: Worker, session: WriteDb, tags: Annotated[str, Form(max_length=500)]
) -> Response:
    """Tags separated by commas."""
    cases.add_tags(session, case_id=case_id, tags=tags.split(","), actor=principal.actor)
    return back_to_case(case_id, request)


@router.post("/cases/{case_id}/tags/remove")
def remove_tag(
    request: Request, case_id: int, principal: Worker, session: WriteDb, tag: Annotated[str, Form(max_length=100)]
) -> Response:
    cases.remove_tags(session, case_id=case_id, tags=[tag], actor=principal.actor)
    return back_to_case(case_id, request)


@router.post("/cases/{case_id}/status")
def change_status(
    request: Request,
    case_id: int,
    principal: Worker,
    session: WriteDb,
    status: Annotated[str, Form(max_length=32)],
    note: Annotated[str | None, Form(max_length=2_000)] = None,
) -> Response:
    cases.change_status(session, case_id=case_id, status=status, actor=principal.actor, note=note or None)
    return back_to_case(case_id, request)


@router.post("/cases/{case_id}/priority")
def set_priority(
    request: Request, case_id: int, principal: Worker, session: WriteDb, priority: Annotated[str, Form(max_length=8)]
) -> Response:
    cases.set_priority(session, case_id=case_id, priority=priority, actor=principal.actor)
    return back_to_case(case_id, request)


@router.post("/cases/{case_id}/take")
def take(request: Request, case_id: int, principal: Worker, session: WriteDb) -> Response:
    """Assign the case to oneself (refused, saying why, when one is at capacity or on leave)."""
    cases.assign(session, case_id=case_id, employee=principal.actor, actor=principal.actor, reason="took it")
    return back_to_case(case_id, request)


@router.post("/cases/{case_id}/assign")
def assign(
    request: Request,
    case_id: int,
    principal: Assigner,
    session: WriteDb,
    employee: Annotated[str, Form(min_length=1, max_length=128)],
    force: Annotated[bool, Form()] = False,
) -> Response:
    cases.assign(session, case_id=case_id, employee=employee, actor=principal.actor, force=force)
    return back_to_case(case_id, request)
