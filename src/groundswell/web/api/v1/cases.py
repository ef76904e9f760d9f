"""Cases: list with filters (most recently opened first, cursor-paginated), one case with its posts and
timeline, changes (status, priority, tags, note; If-Match for safe concurrent edits), notes, and assignment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groundswell.errors import Conflict
from groundswell.inbox import service as inbox
from groundswell.inbox.case_changes import update_case
from groundswell.inbox.case_listing import CaseFilter, list_cases_page
from groundswell.inbox.schemas import CaseSummary, CaseView
from groundswell.users.permissions import Permission
from groundswell.web.api import pagination
from groundswell.web.api.etag import check_if_match, json_response
from groundswell.web.api.schemas.cases import AssigneeIn, CaseChanges, NoteIn
from groundswell.web.api.schemas.common import NOT_MODIFIED, Id, Limit, Name, Page, UtcTime
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["cases"])
Reader = Annotated[Principal, Depends(require(Permission.cases_read))]
Worker = Annotated[Principal, Depends(require(Permission.cases_work))]
Assigner = Annotated[Principal, Depends(require(Permission.cases_assign))]
StatusFilter = Annotated[
    list[Name] | None,
    Query(description="Statuses to include (repeat the parameter); open_any means new, open and waiting."),
]


def _employee(principal: Principal) -> str:
    """The handle a signed-in user acts under on cases; only users linked to an employee work cases."""
    if principal.employee_id is None:
        raise Conflict(
            f"user {principal.username!r} is not linked to an employee, so cannot work cases: "
            "an admin links the user to their employee handle"
        )
    return principal.actor


@router.get("/cases", response_model=Page[CaseSummary], responses=NOT_MODIFIED, summary="List cases")
def cases(
    request: Request,
    principal: Reader,
    session: ReadDb,
    status: StatusFilter = None,
    priority: Name | None = None,
    channel: Name | None = None,
    kind: Name | None = None,
    team: Annotated[Name | None, Query(description="Team name.")] = None,
    assignee: Annotated[Name | None, Query(description="Employee handle.")] = None,
    unassigned: bool = False,
    customer: Annotated[Name | None, Query(description="The customer's handle.")] = None,
    tag: Name | None = None,
    opened_since: UtcTime | None = None,
    opened_until: UtcTime | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> Response:
    filters = CaseFilter(
        statuses=status or [], priority=priority, channel=channel, kind=kind, team=team,
        assignee=assignee, unassigned=unassigned, customer=customer, tag=tag, opened_since=opened_since,
        opened_until=opened_until,
    )  # fmt: skip
    items = list_cases_page(session, filters=filters, after=pagination.decode_time_id(cursor), limit=limit)
    last = pagination.encode(items[-1].opened_at, items[-1].id) if items else None
    return pagination.page_response(request, items, limit=limit, next_cursor=last)


@router.get("/cases/{case_id}", response_model=CaseView, responses=NOT_MODIFIED, summary="One case")
def case(request: Request, case_id: Id, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, inbox.get_case(session, case_id=case_id))


@router.patch("/cases/{case_id}", response_model=CaseView, summary="Change status, priority, tags; add a note")
def change_case(request: Request, case_id: Id, changes: CaseChanges, principal: Worker, session: WriteDb) -> Response:
    if "if-match" in request.headers:
        check_if_match(request, inbox.get_case(session, case_id=case_id))
    view = update_case(
        session, case_id=case_id, actor=principal.actor, status=changes.status, priority=changes.priority,
        tags=changes.tags, note=changes.note,
    )  # fmt: skip
    return json_response(request, view)


@router.post("/cases/{case_id}/notes", response_model=CaseView, status_code=201, summary="Add an internal note")
def add_note(request: Request, case_id: Id, note: NoteIn, principal: Worker, session: WriteDb) -> Response:
    inbox.add_note(session, case_id=case_id, text=note.text, actor=principal.actor)
    return json_response(request, inbox.get_case(session, case_id=case_id), status_code=201)


@router.post("/cases/{case_id}/take", response_model=CaseView, summary="Take the case yourself")
def take(request: Request, case_id: Id, principal: Worker, session: WriteDb) -> Response:
    inbox.assign(session, case_id=case_id, employee=_employee(principal), actor=principal.actor, reason="taken")
    return json_response(request, inbox.get_case(session, case_id=case_id))


@router.put("/cases/{case_id}/assignee", response_model=CaseView, summary="Assign the case to an employee")
def assign(request: Request, case_id: Id, body: AssigneeIn, principal: Assigner, session: WriteDb) -> Response:
    inbox.assign(
        session, case_id=case_id, employee=body.employee, actor=principal.actor, force=body.force, reason=body.reason
    )
    return json_response(request, inbox.get_case(session, case_id=case_id))


@router.delete("/cases/{case_id}/assignee", response_model=CaseView, summary="Put the case back in its team queue")
def unassign(request: Request, case_id: Id, principal: Assigner, session: WriteDb) -> Response:
    inbox.unassign(session, case_id=case_id, actor=principal.actor)
    return json_response(request, inbox.get_case(session, case_id=case_id))
