"""/api/v1/me: who you are and what your credentials allow; your own tokens, created (secret shown once,
stored hashed), listed without secrets, used, and revoked for good."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.models import ApiToken
from tests.web.conftest import WebUser


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_who_am_i_with_a_token_and_with_a_browser(
    client: TestClient, make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]
) -> None:
    analyst = make_user("analyst")
    me = client.get("/api/v1/me", headers=_auth(analyst.token))
    assert me.status_code == 200
    body = me.json()
    assert (body["username"], body["role"], body["employee"], body["token_scopes"]) == (
        "analyst-user", "analyst", None, ["read", "write"],
    )  # fmt: skip
    assert "topics.manage" in body["permissions"] and "cases.work" not in body["permissions"]
    assert (
        client.get("/api/v1/me", headers=_auth(analyst.token) | {"If-None-Match": me.headers["etag"]}).status_code
        == 304
    )
    browser = signed_in(analyst).get("/api/v1/me")
    assert browser.status_code == 200 and browser.json()["token_scopes"] is None
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"


def test_tokens_are_shown_once_listed_without_secrets_and_revoked_for_good(
    client: TestClient, make_user: Callable[..., WebUser], store: Store
) -> None:
    agent, other = make_user("agent"), make_user("viewer")
    created = client.post("/api/v1/me/tokens", headers=_auth(agent.token), json={"name": "crm sync"})
    assert created.status_code == 201, created.text
    new = created.json()
    assert new["token"].startswith("gs_") and new["scopes"] == ["read"] and new["prefix"] == new["token"][:10]
    with store.sessions() as session:
        stored = session.scalars(select(ApiToken).where(ApiToken.id == new["id"])).one()
        assert new["token"] not in stored.token_hash
    read_only = _auth(new["token"])
    me = client.get("/api/v1/me", headers=read_only).json()
    assert (
        me["token_scopes"] == ["read"] and "cases.work" not in me["permissions"] and "cases.read" in me["permissions"]
    )
    assert client.post("/api/v1/me/tokens", headers=read_only, json={"name": "escalate"}).status_code == 403
    listed = client.get("/api/v1/me/tokens", headers=read_only).json()
    assert [t["name"] for t in listed["items"]] == ["tests", "crm sync"]
    assert all("token" not in t for t in listed["items"]) and new["token"] not in str(listed)
    theirs = client.get("/api/v1/me/tokens", headers=_auth(other.token)).json()["items"][0]["id"]
    assert client.delete(f"/api/v1/me/tokens/{theirs}", headers=_auth(agent.token)).status_code == 404
    revoked = client.delete(f"/api/v1/me/tokens/{new['id']}", headers=_auth(agent.token))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers=read_only).status_code == 401
    for body in ({"name": "x", "scopes": ["admin"]}, {"name": ""}, {"name": "x", "scopes": []}, {}):
        assert client.post("/api/v1/me/tokens", headers=_auth(agent.token), json=body).status_code == 422, body
