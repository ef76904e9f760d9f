"""The audit log: search by text, actor, action, entity and date, newest first with keyset paging, and verify
the hash chain (reads every row, so it is a POST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from groundswell.governance import audit_log
from groundswell.governance.audit_search import AuditQuery, search
from groundswell.web.deps import ReadDb
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import AuditRead

router = APIRouter()
Field = Annotated[str, Query(max_length=128)]


def _day(value: date | None, *, end: bool = False) -> datetime | None:
    if value is None:
        return None
    start = datetime.combine(value, time(), tzinfo=UTC)
    return start + timedelta(days=1) if end else start


@router.get("/admin/audit")
def audit_page(
    request: Request,
    principal: AuditRead,
    session: ReadDb,
    q: Field = "",
    actor: Field = "",
    action: Field = "",
    entity: Field = "",
    entity_id: Field = "",
    since: date | None = None,
    until: date | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    query = AuditQuery(text=q, actor=actor.strip(), action=action.strip(), entity=entity.strip(),
                       entity_id=entity_id.strip(), since=_day(since), until=_day(until, end=True))  # fmt: skip
    page = search(session, query, before=before)
    filters = {"q": q, "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
               "since": since or "", "until": until or ""}  # fmt: skip
    older = None
    if page.next_before is not None:
        older = "/admin/audit?" + urlencode({k: v for k, v in filters.items() if v} | {"before": page.next_before})
    return render(request, "admin/audit.html", principal, page=page, filters=filters, older=older, verification=None)


@router.post("/admin/audit/verify")
def verify(
    request: Request,
    principal: AuditRead,
    session: ReadDb,
    run: Annotated[str, Form(pattern="^yes$")],
    expected_head: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    result = audit_log.verify(session, expected_head=expected_head.strip() or None)
    page = search(session, AuditQuery())
    return render(request, "admin/audit.html", principal, page=page, filters={}, older=None, verification=result)
