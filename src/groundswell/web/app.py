"""`create_app()`: the FastAPI application. Routers are discovered: every module in `web.api.v1` and `web.ui`
that defines `router` is mounted, so adding a screen or an endpoint is adding a module."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from types import ModuleType

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from groundswell import __version__
from groundswell.cli.common import Store, open_store
from groundswell.web import problems
from groundswell.web.api.schemas.common import PROBLEMS
from groundswell.web.deps import record_token_use
from groundswell.web.templating import STATIC_DIR

API_PREFIX = "/api/v1"

# Scripts only from this server (no inline script, no CDN); styles may be inline for Chart.js and HTMX.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _routers(package: ModuleType) -> list[APIRouter]:
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def create_app(store: Store | None = None) -> FastAPI:
    """The app over `store` (default: GROUNDSWELL_DATABASE_URL, migrated to the latest schema)."""
    from groundswell.web import ui
    from groundswell.web.api import v1

    app = FastAPI(
        title="groundswell",
        version=__version__,
        description="Open leadership on social media: posts, cases, replies, teams, rules, topics and templates. "
        "Authenticate with 'Authorization: Bearer <token>' (create one with `groundswell users token`). Errors "
        "are RFC 9457 problem details; lists are cursor-paginated.",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.store = store or open_store(None)
    problems.install(app)
    # (prefix, router) of every router mounted, for tools that list the routes (the role-matrix test).
    app.state.routers = [(API_PREFIX, router) for router in _routers(v1)] + [("", router) for router in _routers(ui)]
    for prefix, router in app.state.routers:
        # API operations document their errors as problem details (401, 403, 404, 409, 412, 422), so clients
        # and schemathesis know the shape of every answer.
        app.include_router(
            router, prefix=prefix, include_in_schema=bool(prefix), responses=PROBLEMS if prefix else None
        )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        token_id = getattr(request.state, "token_to_touch", None)
        if token_id is not None:
            await run_in_threadpool(record_token_use, app.state.store, token_id)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path.startswith("/static/") and "v=" in request.url.query:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    return app
