"""SLA policies: the targets the active routing rules define (they are edited with the rules), and how often
each was met over a chosen number of days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from groundswell.inbox.sla_attainment import attainment
from groundswell.routing.ruleset import load_rules
from groundswell.routing_store.repository import active_version
from groundswell.web.deps import ReadDb
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import RulesRead

router = APIRouter()


@router.get("/admin/sla")
def sla_page(
    request: Request, principal: RulesRead, session: ReadDb, days: Annotated[int, Query(ge=1, le=3650)] = 30
) -> Response:
    # The policies as written in the active version (parsed alone: they do not depend on the teams).
    active = active_version(session)
    policies = dict(load_rules(active.text).sla_policies) if active else {}
    rows = attainment(session, since=datetime.now(UTC) - timedelta(days=days))
    return render(
        request, "admin/sla.html", principal, version=active.version if active else None,
        policies=policies, rows=rows, days=days,
    )  # fmt: skip
