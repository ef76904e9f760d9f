"""The inbox: queues, filters, keyset pages, and the rows fragment HTMX polls for live updates."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groundswell.inbox import queue_service
from groundswell.inbox.queue_schemas import (
    INTENTS,
    QUEUE_LABELS,
    SENTIMENTS,
    STATUS_CHOICES,
    URGENCY_LEVELS,
    InboxFilters,
    InboxPage,
    Viewer,
)
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.cases_read))]
POLL_SECONDS = 15
CHANNELS = ("x", "mastodon", "bluesky", "reddit", "email", "reviews", "rss", "generic")


def viewer_of(principal: Principal) -> Viewer:
    return Viewer(employee_id=principal.employee_id, may_see_all=principal.can(Permission.cases_assign))


class InboxQuery:
    """The inbox's query parameters, shared by the page and its polled fragment."""

    def __init__(
        self,
        queue: Annotated[str | None, Query(max_length=32)] = None,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
        status: Annotated[str | None, Query(max_length=32)] = None,
        channel: Annotated[str | None, Query(max_length=32)] = None,
        sentiment: Annotated[str | None, Query(max_length=32)] = None,
        intent: Annotated[str | None, Query(max_length=64)] = None,
        topic: Annotated[str | None, Query(max_length=128)] = None,
        urgency: Annotated[str | None, Query(max_length=16)] = None,
        location: Annotated[str | None, Query(max_length=128)] = None,
        tag: Annotated[str | None, Query(max_length=64)] = None,
    ) -> None:
        self.queue = queue or None
        self.cursor = cursor or None
        self.filters = InboxFilters.of(
            status=status, channel=channel, sentiment=sentiment, intent=intent, topic=topic, urgency=urgency,
            location=location, tag=tag,
        )  # fmt: skip


def _links(page: InboxPage) -> dict[str, str]:
    base = {"queue": page.queue.value, **page.filters.active()}
    return {
        "self": "?" + urlencode(base | ({"cursor": page.cursor} if page.cursor else {})),
        "first": "?" + urlencode(base),
        "next": "?" + urlencode(base | {"cursor": page.next_cursor}) if page.next_cursor else "",
        "queue_base": urlencode(page.filters.active()),
    }


def _context(page: InboxPage) -> dict[str, Any]:
    return {
        "page": page, "links": _links(page), "queue_labels": QUEUE_LABELS, "statuses": STATUS_CHOICES,
        "sentiments": SENTIMENTS, "intents": INTENTS, "urgencies": list(URGENCY_LEVELS), "channels": CHANNELS,
        "poll_seconds": POLL_SECONDS,
    }  # fmt: skip


@router.get("/inbox")
def inbox(request: Request, principal: Reader, session: ReadDb, query: Annotated[InboxQuery, Depends()]) -> Response:
    page = queue_service.inbox_page(
        session, viewer=viewer_of(principal), queue=query.queue, filters=query.filters, cursor=query.cursor
    )
    return render(request, "inbox/index.html", principal, **_context(page))


@router.get("/inbox/rows")
def inbox_rows(
    request: Request, principal: Reader, session: ReadDb, query: Annotated[InboxQuery, Depends()]
) -> Response:
    """The table body alone: what the page polls every POLL_SECONDS to show new and changed cases."""
    page = queue_service.inbox_page(
        session, viewer=viewer_of(principal), queue=query.queue, filters=query.filters, cursor=query.cursor
    )
    return render(request, "inbox/rows.html", principal, **_context(page))
