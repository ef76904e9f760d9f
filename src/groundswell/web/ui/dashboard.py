"""The dashboard: the page (range picker, figures, a canvas per chart) and each chart's data as JSON (drawn
by static/dashboard.js with Chart.js) or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from groundswell.analytics import dashboard
from groundswell.analytics.time_range import PRESET_LABELS, TimeRange
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.dashboard_read))]
RangeName = Annotated[str | None, Query(alias="range", max_length=16)]
From = Annotated[str | None, Query(alias="from", max_length=32)]
To = Annotated[str | None, Query(alias="to", max_length=32)]


def _window(session: ReadDb, preset: str | None, start: str | None, end: str | None) -> TimeRange:
    return dashboard.resolve_range(session, preset, start, end, now=dashboard.default_now())


@router.get("/dashboard")
def dashboard_page(
    request: Request, principal: Reader, session: ReadDb, preset: RangeName = None, start: From = None, end: To = None
) -> Response:
    window = _window(session, preset, start, end)
    return render(
        request, "dashboard/index.html", principal, overview=dashboard.overview(session, window),
        charts=dashboard.TITLES, presets=PRESET_LABELS, query=window.query(),
    )  # fmt: skip


@router.get("/dashboard/data/{chart}.json")
def chart_json(
    chart: str, principal: Reader, session: ReadDb, preset: RangeName = None, start: From = None, end: To = None
) -> Response:
    data = dashboard.chart(session, chart, _window(session, preset, start, end))
    return JSONResponse(data.as_json(), headers={"Cache-Control": "private, max-age=60"})


@router.get("/dashboard/data/{chart}.csv")
def chart_csv(
    chart: str, principal: Reader, session: ReadDb, preset: RangeName = None, start: From = None, end: To = None
) -> Response:
    window = _window(session, preset, start, end)
    data = dashboard.chart(session, chart, window)
    name = f"{chart}-{window.start:%Y%m%d%H%M}-{window.end:%Y%m%d%H%M}.csv"
    return Response(
        data.as_csv(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip
