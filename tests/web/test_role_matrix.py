"""Every route of the web app and the API, against every role.

The table below is written out by hand, independently of `groundswell.users.permissions`: it is what each role
is meant to be able to reach. Every route must appear in it (a new route without a row fails the test), and
for each role a request must be refused with 403 exactly when the role is not in its row. Path parameters are
filled with an id that does not exist, and requests carry no body, so an allowed request ends in 404 or 422
and nothing is changed."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web import role_matrix
from tests.web.conftest import WebUser

# Reachable without signing in.
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/api/v1/health"),
}
# Any signed-in user, whatever the role.
SIGNED_IN = {("GET", "/"), ("POST", "/logout")}


def _expected() -> dict[tuple[str, str], frozenset[str]]:
    """The rows of every module in tests/web/role_matrix (one per area of the app), merged."""
    rows: dict[tuple[str, str], frozenset[str]] = {}
    for info in pkgutil.iter_modules(role_matrix.__path__):
        module = importlib.import_module(f"{role_matrix.__name__}.{info.name}")
        duplicated = set(rows) & set(module.ROWS)
        assert not duplicated, f"{info.name}: rows given twice: {sorted(duplicated)}"
        rows.update(module.ROWS)
    return rows


EXPECTED = _expected()


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for prefix, router in app.state.routers:
        for route in router.routes:
            assert isinstance(route, APIRoute), route
            found.extend((method, prefix + route.path) for method in sorted(route.methods - {"HEAD"}))
    return found


def test_every_route_is_in_the_table(app: FastAPI) -> None:
    routes = set(_routes(app))
    missing = routes - set(EXPECTED) - PUBLIC - SIGNED_IN
    stale = (set(EXPECTED) | PUBLIC | SIGNED_IN) - routes
    assert not missing, f"routes without a row in the role matrix: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def _url(path: str) -> str:
    # An id that exists nowhere, and a name nobody uses.
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        name = out[start + 1 : end]
        value = "999999" if name.endswith("id") or name in {"version", "number"} else "no-such-thing"
        out = out[:start] + value + out[end + 1 :]
    return out


def test_each_role_reaches_exactly_its_routes(
    app: FastAPI, role_users: dict[str, WebUser], signed_in: Callable[[WebUser], TestClient]
) -> None:
    browsers = {role: signed_in(user) for role, user in role_users.items()}
    api = TestClient(app, base_url="http://testserver")
    wrong: list[str] = []
    for method, path in sorted(EXPECTED):
        for role, user in role_users.items():
            if path.startswith("/api/"):
                answer = api.request(method, _url(path), headers={"Authorization": f"Bearer {user.token}"})
            else:
                answer = browsers[role].request(method, _url(path), follow_redirects=False)
            refused = answer.status_code == 403
            should_refuse = role not in EXPECTED[(method, path)]
            if answer.status_code in (401, 500) or refused != should_refuse:
                wrong.append(f"{method} {path} as {role}: {answer.status_code} {answer.text[:120]!r}")
    assert not wrong, "\n".join(wrong)


def test_signed_out_requests_are_refused_or_sent_to_sign_in(app: FastAPI) -> None:
    anonymous = TestClient(app, base_url="http://testserver")
    for method, path in sorted(set(EXPECTED) | SIGNED_IN):
        answer = anonymous.request(method, _url(path), follow_redirects=False)
        if path.startswith("/api/"):
            assert answer.status_code == 401, (method, path, answer.status_code)
            assert answer.headers["content-type"].startswith("application/problem+json")
        else:
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), (method, path)


@pytest.mark.parametrize("scope", ["read"])
def test_a_read_token_never_changes_anything(app: FastAPI, make_user: Callable[..., WebUser], scope: str) -> None:
    from groundswell.db.engine import write_transaction
    from groundswell.users import service

    admin = make_user("admin", username="reader")
    store = app.state.store
    with write_transaction(store.sessions) as session:
        user = next(u for u in service.list_users(session) if u.username == "reader")
        token = service.create_token(session, user_id=user.id, name="ro", scopes=[scope], actor="tests").token
    api = TestClient(app, base_url="http://testserver")
    for method, path in sorted(EXPECTED):
        if not path.startswith("/api/"):
            continue
        answer = api.request(method, _url(path), headers={"Authorization": f"Bearer {token}"})
        if method in ("GET", "HEAD"):
            assert answer.status_code != 403, (method, path)
        else:
            assert answer.status_code == 403, (method, path, answer.status_code)
    assert admin.role == "admin"
