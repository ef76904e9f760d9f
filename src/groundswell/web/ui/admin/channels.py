"""Channel connections: which channels have credentials (names of missing settings only, never values),
where each polled source resumes, the latest ingest runs, and a live check of one channel's credentials."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from groundswell.channels.connection_check import channel_setups, check_connection
from groundswell.config import get_settings
from groundswell.ingest.connections import polling_cursors, recent_runs
from groundswell.web.deps import ReadDb
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import ChannelsManage

router = APIRouter()


@router.get("/admin/channels")
def channels_page(request: Request, principal: ChannelsManage, session: ReadDb) -> Response:
    return render(
        request, "admin/channels.html", principal, setups=channel_setups(get_settings()),
        cursors=polling_cursors(session), runs=recent_runs(session), check=None,
    )  # fmt: skip


@router.post("/admin/channels/check")
async def check_channel(
    request: Request, principal: ChannelsManage, channel: Annotated[str, Form(min_length=1, max_length=32)]
) -> Response:
    # The check waits on the network: off the event loop.
    result = await run_in_threadpool(check_connection, get_settings(), channel)
    return render(request, "admin/_channel_check.html", principal, check=result)
