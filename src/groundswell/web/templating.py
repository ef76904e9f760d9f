"""Jinja2 templates shipped in the package, with the navigation and helpers every page uses."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from groundswell.users.permissions import Permission
from groundswell.web.principal import CSRF_FIELD, Principal

WEB_DIR = Path(str(resources.files("groundswell.web")))
STATIC_DIR = WEB_DIR / "static"

templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))

# The main navigation: a link shows only to roles that may open it.
NAVIGATION: tuple[tuple[str, str, Permission], ...] = (
    ("Inbox", "/inbox", Permission.cases_read),
    ("Approvals", "/approvals", Permission.replies_approve),
    ("Outbox", "/outbox", Permission.outbox_read),
    ("Dashboard", "/dashboard", Permission.dashboard_read),
    ("Ideas", "/ideas", Permission.dashboard_read),
    ("Admin", "/admin", Permission.teams_read),
)


@cache
def static_url(path: str) -> str:
    """A cache-busting URL: the file's hash in the query, so browsers may keep it for a year."""
    digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]
    return f"/static/{path}?v={digest}"


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) + " UTC" if value else ""


templates.env.globals.update(static_url=static_url, navigation=NAVIGATION, csrf_field=CSRF_FIELD)
templates.env.filters["when"] = _when


def render(request: Request, name: str, principal: Principal, status_code: int = 200, **context: Any) -> Response:
    """Render a page (or an HTMX fragment) for the signed-in principal."""
    return templates.TemplateResponse(request, name, {"principal": principal, **context}, status_code=status_code)
