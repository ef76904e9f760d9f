"""The ideas board: customers' suggestions clustered into ideas, sortable and filterable by status, and one
idea in full (its posts, voters, comments and the customers told of its progress)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groundswell.ideas import views
from groundswell.ideas.rules import IdeaStatus
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.dashboard_read))]


@router.get("/ideas")
def ideas_board(
    request: Request,
    principal: Reader,
    session: ReadDb,
    status: Annotated[str | None, Query(max_length=32)] = None,
    sort: Annotated[str, Query(max_length=16)] = "customers",
) -> Response:
    ideas = views.list_ideas(session, now=datetime.now(UTC), status=status or None, sort=sort)
    return render(request, "ideas/board.html", principal, ideas=ideas, status=status or "", sort=sort,
                  statuses=[s.value for s in IdeaStatus], sorts=views.SORTS)  # fmt: skip


@router.get("/ideas/{idea_id}")
def idea_page(request: Request, idea_id: int, principal: Reader, session: ReadDb) -> Response:
    idea = views.show_idea(session, idea_id=idea_id, now=datetime.now(UTC))
    return render(request, "ideas/idea.html", principal, idea=idea)
