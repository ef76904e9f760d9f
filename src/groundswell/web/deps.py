"""Request dependencies: the database session, and `require(permission)`, which every route declares.

`require` signs the request in (cookie or bearer token), checks the role's permission and, for a browser
changing something, the CSRF token (a header for HTMX and fetch, a form field for plain forms)."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Forbidden, Unauthenticated
from groundswell.users import service as users
from groundswell.users.permissions import Permission
from groundswell.web.principal import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, Principal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def read_db(request: Request) -> Iterator[Session]:
    """A session for reading; nothing it does is committed."""
    with get_store(request).sessions() as session:
        yield session


def write_db(request: Request) -> Iterator[Session]:
    """A session that commits when the handler returns (before the response is sent) and rolls back on error."""
    with write_transaction(get_store(request).sessions) as session:
        yield session


ReadDb = Annotated[Session, Depends(read_db, scope="function")]
WriteDb = Annotated[Session, Depends(write_db, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _principal(store: Store, cookie: str | None, bearer: str | None) -> tuple[Principal | None, int | None]:
    """Who the request is from, and the id of an API token whose last use is due to be recorded."""
    with store.sessions() as session:
        if bearer is not None:
            found = users.token_user(session, bearer)
            if found is None:
                return None, None
            user, token = found
            stale = token.last_used_at is None or datetime.now(UTC) - token.last_used_at > TOKEN_TOUCH_INTERVAL
            return Principal(
                user_id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                actor=users.actor_name(session, user), employee_id=user.employee_id,
                token_scopes=tuple(token.scopes),
            ), token.id if stale else None  # fmt: skip
        if cookie:
            signed_in = users.session_user(session, cookie)
            if signed_in is None:
                return None, None
            user, web_session = signed_in
            return Principal(
                user_id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                actor=users.actor_name(session, user), employee_id=user.employee_id,
                csrf_token=web_session.csrf_token,
            ), None  # fmt: skip
    return None, None


def record_token_use(store: Store, token_id: int) -> None:
    """Called once the response is ready (the app's middleware): a separate write now could wait on the request's
    own write transaction, so it happens after that one has committed."""
    with write_transaction(store.sessions) as session:
        users.touch_token(session, token_id=token_id)


async def current_principal(request: Request) -> Principal:
    if "principal" not in request.state._state:
        bearer = _bearer(request)
        cookie = request.cookies.get(SESSION_COOKIE)
        found, touch = await run_in_threadpool(_principal, get_store(request), cookie, bearer)
        request.state.principal, request.state.token_to_touch = found, touch
    principal: Principal | None = request.state.principal
    if principal is None:
        raise Unauthenticated("sign in, or send an API token as 'Authorization: Bearer <token>'")
    return principal


async def check_csrf(request: Request, principal: Principal) -> None:
    if request.method in SAFE_METHODS or principal.csrf_token is None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, principal.csrf_token):
        raise Forbidden("the form's security token is missing or stale: reload the page and try again")


def require(permission: Permission) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """The dependency every route declares: who may call it. The returned function carries `.permission`,
    which the role-matrix test reads."""

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if not principal.can(permission):
            raise Forbidden(f"your role ({principal.role}) does not allow {permission.value}")
        await check_csrf(request, principal)
        return principal

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency
