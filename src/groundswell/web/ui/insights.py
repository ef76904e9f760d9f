"""Department insights: what each department (product design, marketing, pricing...) should know, as built
for its weekly digest: trends, new themes and unexpected uses, with the customers and posts behind them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groundswell.departments import views
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.dashboard_read))]


@router.get("/insights")
def insights_page(
    request: Request,
    principal: Reader,
    session: ReadDb,
    department: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    departments = views.departments(session)
    chosen = department or (departments[0].name if departments else None)
    insights = views.recent_insights(session, department=chosen) if chosen else []
    return render(request, "ideas/insights.html", principal, departments=departments, chosen=chosen, insights=insights)
