"""Errors as RFC 9457 problem details under /api, and as a page (or a redirect to sign in) in the browser."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from groundswell.errors import GroundswellError
from groundswell.web.templating import templates

PROBLEM_JSON = "application/problem+json"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(request: Request, status: int, detail: str, *, errors: list[dict[str, Any]] | None = None) -> Response:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    if is_api(request):
        body: dict[str, Any] = {
            "type": f"https://groundswell.dev/problems/{status}",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        }
        if errors:
            body["errors"] = errors
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if request.headers.get("HX-Request"):
        # HTMX swaps only successful answers by default; the error text goes to the page's alert region.
        return Response(detail, status_code=status, media_type="text/plain")
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "title": title, "detail": detail, "principal": None},
        status_code=status,
    )  # fmt: skip


def install(app: FastAPI) -> None:
    @app.exception_handler(GroundswellError)
    async def _domain(request: Request, exc: GroundswellError) -> Response:
        return problem(request, exc.status_code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        response = problem(request, exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"location": ".".join(str(part) for part in error.get("loc", ())), "message": error.get("msg", "")}
            for error in exc.errors()
        ]
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors) or "invalid request"
        return problem(request, 422, detail, errors=errors)
