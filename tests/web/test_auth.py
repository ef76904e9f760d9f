"""Signing in and out, throttling, CSRF, session cookies, API tokens and `groundswell users`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict
from groundswell.models import ApiToken, AuditEntry, User
from groundswell.users import service as users
from groundswell.users.service import MAX_FAILURES
from tests.support.cli import invoke
from tests.support.web import LOGIN_CSRF, sign_in
from tests.web.conftest import PASSWORD, WebUser


def _login(client: TestClient, username: str, password: str, next_url: str = "/") -> tuple[int, str, str]:
    token = LOGIN_CSRF.search(client.get("/login").text)
    assert token
    answer = client.post(
        "/login", data={"username": username, "password": password, "login_csrf": token.group(1), "next": next_url},
        follow_redirects=False,
    )  # fmt: skip
    return answer.status_code, answer.headers.get("location", ""), answer.text


def test_passwords_are_stored_as_argon2id(store: Store, make_user: Callable[..., WebUser]) -> None:
    make_user("agent", username="ann")
    with store.sessions() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sign_in_sets_a_protected_cookie_and_goes_where_asked(
    client: TestClient, make_user: Callable[..., WebUser]
) -> None:
    make_user("manager", username="mia")
    status, location, _ = _login(client, "mia", PASSWORD, next_url="/account")
    assert (status, location) == (303, "/account")
    cookie = next(c for c in client.cookies.jar if c.name == "gs_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    header = client.get("/account").request.headers["cookie"]
    assert "gs_session=" in header


def test_sign_in_never_redirects_off_site(client: TestClient, make_user: Callable[..., WebUser]) -> None:
    make_user("agent", username="ann")
    for target in ("https://evil.example/", "//evil.example", "javascript:alert(1)"):
        status, location, _ = _login(client, "ann", PASSWORD, next_url=target)
        assert (status, location) == (303, "/"), target


def test_a_wrong_password_and_an_unknown_user_read_the_same(
    client: TestClient, make_user: Callable[..., WebUser]
) -> None:
    make_user("agent", username="ann")
    wrong = _login(client, "ann", "not the password")
    unknown = _login(client, "nobody", "not the password")
    assert wrong[0] == unknown[0] == 401
    assert "wrong username or password" in wrong[2] and "wrong username or password" in unknown[2]


def test_repeated_failures_lock_the_account_for_a_while(
    client: TestClient, store: Store, make_user: Callable[..., WebUser]
) -> None:
    make_user("agent", username="ann")
    for _ in range(MAX_FAILURES):
        assert _login(client, "ann", "guess")[0] == 401
    status, _, text = _login(client, "ann", PASSWORD)  # even the right password waits
    assert status == 429 and "try again after" in text
    with write_transaction(store.sessions) as session:
        user = session.scalars(select(User)).one()
        user.locked_until = datetime.now(UTC) - timedelta(seconds=1)
    assert _login(client, "ann", PASSWORD)[0] == 303
    with store.sessions() as session:
        assert session.scalars(select(User.failed_logins)).one() == 0


def test_the_sign_in_form_needs_its_own_token(client: TestClient, make_user: Callable[..., WebUser]) -> None:
    make_user("agent", username="ann")
    answer = client.post("/login", data={"username": "ann", "password": PASSWORD, "login_csrf": "forged"})
    assert answer.status_code == 403


def test_changes_from_a_browser_need_the_csrf_token(
    app: FastAPI, make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]
) -> None:
    browser = signed_in(make_user("agent", username="ann"))
    csrf = browser.headers.pop("X-CSRF-Token")
    assert browser.post("/account/tokens", data={"name": "x"}).status_code == 403
    assert browser.post("/account/tokens", data={"name": "x", "csrf_token": "wrong"}).status_code == 403
    assert browser.post("/account/tokens", data={"name": "x", "csrf_token": csrf}).status_code == 201
    assert browser.post("/account/tokens", data={"name": "y"}, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_sign_out_ends_the_session(
    make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]
) -> None:
    browser = signed_in(make_user("viewer", username="vic"))
    cookie = browser.cookies["gs_session"]
    assert browser.post("/logout", follow_redirects=False).headers["location"] == "/login"
    browser.cookies.set("gs_session", cookie)  # a copied cookie no longer works either
    assert browser.get("/account", follow_redirects=False).status_code == 303


def test_api_tokens_are_shown_once_stored_hashed_scoped_and_revocable(
    app: FastAPI, store: Store, make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]
) -> None:
    user = make_user("agent", username="ann")
    browser = signed_in(user)
    page = browser.post("/account/tokens", data={"name": "crm-sync", "scopes": ["read"]})
    token = page.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert token.startswith("gs_")
    with store.sessions() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.name == "crm-sync")).one()
        assert token not in json.dumps([row.token_hash, row.prefix]) and row.scopes == ["read"]
    assert "crm-sync" in browser.get("/account").text and token not in browser.get("/account").text

    api = TestClient(app)
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    assert api.post("/account/tokens", headers=bearer, data={"name": "x"}).status_code == 403  # read scope
    with store.sessions() as session:
        assert session.get_one(ApiToken, row.id).last_used_at is not None
    browser.post(f"/account/tokens/{row.id}/revoke")
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer gs_made-up"}).status_code == 401


def test_a_write_token_can_change_things_on_its_first_use(
    app: FastAPI, store: Store, make_user: Callable[..., WebUser]
) -> None:
    """The token's last use is recorded after the request's own write transaction, never inside it."""
    user = make_user("admin", username="ada")
    api = TestClient(app)
    answer = api.post("/account/tokens", headers={"Authorization": f"Bearer {user.token}"}, data={"name": "second"})
    assert answer.status_code == 201
    with store.sessions() as session:
        first = session.scalars(select(ApiToken).where(ApiToken.name == "tests")).one()
        assert first.last_used_at is not None


def test_users_cli_creates_users_and_tokens(store: Store) -> None:
    created = invoke("users", "create", "Lee", "--role", "manager", "--json")
    assert created.exit_code == 0, created.output
    body = json.loads(created.stdout)
    assert body["username"] == "lee" and body["role"] == "manager" and len(body["password"]) >= 16
    with store.sessions() as session:
        assert users.authenticate(session, username="lee", password=body["password"]).role == "manager"
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "user.created")).one()
    with pytest.raises(Conflict, match="already exists"):
        invoke("users", "create", "lee", "--role", "agent")
    assert invoke("users", "create", "kim", "--role", "owner").exit_code == 2  # no such role
    token = json.loads(invoke("users", "token", "lee", "--name", "ci", "--scope", "read", "--json").stdout)
    assert token["token"].startswith("gs_") and token["scopes"] == ["read"]
    listed = json.loads(invoke("users", "list", "--json").stdout)
    assert [u["username"] for u in listed] == ["lee"]


def test_a_signed_in_browser_keeps_working(make_user: Callable[..., WebUser], app: FastAPI) -> None:
    browser = TestClient(app)
    sign_in(browser, make_user("analyst", username="ali").username, PASSWORD)
    assert browser.get("/", follow_redirects=False).headers["location"] == "/dashboard"
