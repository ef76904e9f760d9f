"""Sign in and out. The sign-in form has its own CSRF token (a cookie and a matching field), since there is
no session yet; repeated failures lock the account (users.service) and, per address, this process."""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from groundswell.db.engine import write_transaction
from groundswell.errors import TooManyAttempts, Unauthenticated
from groundswell.users import service as users
from groundswell.users.permissions import Permission, allows
from groundswell.web.deps import check_csrf, current_principal, get_store
from groundswell.web.principal import SESSION_COOKIE, Principal
from groundswell.web.templating import templates

router = APIRouter()

LOGIN_CSRF_COOKIE = "gs_login_csrf"
ADDRESS_WINDOW_SECONDS = 600
ADDRESS_MAX_FAILURES = 30  # per client address and window, whatever the usernames tried
_failures: defaultdict[str, deque[float]] = defaultdict(deque)


def _address_blocked(address: str) -> bool:
    recent = _failures[address]
    while recent and recent[0] < time.monotonic() - ADDRESS_WINDOW_SECONDS:
        recent.popleft()
    return len(recent) >= ADDRESS_MAX_FAILURES


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _login_page(request: Request, *, next_url: str, error: str | None = None, status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request, "login.html", {"principal": None, "next": next_url, "error": error, "login_csrf": token},
        status_code=status_code,
    )  # fmt: skip
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https", max_age=3600
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_url=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=128)],
    password: Annotated[str, Form(max_length=1024)],
    login_csrf: Annotated[str, Form(max_length=128)],
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    next_url = _safe_next(next)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, login_csrf):
        return _login_page(request, next_url=next_url, error="The form expired: please sign in again.", status_code=403)
    address = request.client.host if request.client else "unknown"
    if _address_blocked(address):
        return _login_page(
            request, next_url=next_url, error="Too many failed sign-ins from here: wait a few minutes.", status_code=429
        )
    failure: Unauthenticated | TooManyAttempts | None = None
    # The failure is caught inside the transaction, so the account's failure count is committed with it.
    with write_transaction(get_store(request).sessions) as session:
        try:
            user = users.authenticate(session, username=username, password=password)
        except (Unauthenticated, TooManyAttempts) as exc:
            failure = exc
        else:
            signed_in = users.start_session(
                session, user=user, ip=address, user_agent=request.headers.get("user-agent")
            )
    if failure is not None:
        _failures[address].append(time.monotonic())
        return _login_page(request, next_url=next_url, error=failure.message, status_code=failure.status_code)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, signed_in.token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
        max_age=int(users.SESSION_LIFETIME.total_seconds()), path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Response:
    await check_csrf(request, principal)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with write_transaction(get_store(request).sessions) as session:
            users.end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
async def home(principal: Annotated[Principal, Depends(current_principal)]) -> Response:
    """Agents and managers start in the inbox, analysts and viewers on the dashboard."""
    start = "/inbox" if allows(principal.role, Permission.cases_work) else "/dashboard"
    return RedirectResponse(start, status_code=303)
