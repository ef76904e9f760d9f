"""The administration API over HTTP: teams, users, routing rules, templates and webhook subscriptions, with
their validation answered as problem details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.web import sign_in
from tests.web.conftest import WebUser

RULES_V1 = """
teams:
  care: {}
rules:
  - name: everything
    fallback: true
    then: {team: care, priority: p3}
"""
RULES_V2 = RULES_V1.replace("p3", "p2")


class Api:
    def __init__(self, client: TestClient, user: WebUser) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {user.token}"}

    def __call__(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        answer = self.client.request(method, "/api/v1" + path, headers=self.headers, **kwargs)
        assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
        if answer.headers.get("content-type", "").startswith("application/problem+json"):
            problem = answer.json()
            assert problem["status"] == status and problem["detail"]
        return answer.json() if answer.content else None


@pytest.fixture
def admin(client: TestClient, make_user: Callable[..., WebUser]) -> Api:
    return Api(client, make_user("admin"))


def test_teams_create_search_change(admin: Api) -> None:
    made = admin("POST", "/teams", 201, json={"name": "baggage", "place": "ORD", "description": "Lost bags"})
    assert made["place"]["name"] == "ORD" and made["members"] == []
    admin("POST", "/teams", 201, json={"name": "care"})
    admin("POST", "/teams", 422, json={"name": "care"})  # exists
    admin("POST", "/teams", 422, json={"name": "x", "strategy": "coin_flip"})
    assert [t["name"] for t in admin("GET", "/teams", 200)["items"]] == ["baggage", "care"]
    assert [t["name"] for t in admin("GET", "/teams?q=lost", 200)["items"]] == ["baggage"]
    changed = admin("PATCH", "/teams/care", 200, json={"strategy": "round_robin", "description": "Everyone else"})
    assert changed["strategy"] == "round_robin" and changed["description"] == "Everyone else"
    kept = admin("PATCH", "/teams/baggage", 200, json={"description": "Bags"})
    assert kept["place"]["name"] == "ORD"  # fields left out stay
    admin("GET", "/teams/nobody", 404)


def test_users_create_list_change_and_reset(admin: Api, client: TestClient) -> None:
    made = admin("POST", "/users", 201, json={"username": "Kim", "role": "agent", "email": "kim@example.test"})
    user, password = made["user"], made["password"]
    assert user["username"] == "kim" and user["role"] == "agent" and len(password) >= 12
    assert "password_hash" not in user
    given = admin("POST", "/users", 201, json={"username": "lee", "role": "viewer", "password": "long enough pw"})
    assert given["password"] is None
    admin("POST", "/users", 409, json={"username": "kim", "role": "agent"})
    admin("POST", "/users", 422, json={"username": "zed", "role": "overlord"})
    assert [u["username"] for u in admin("GET", "/users?q=kim@", 200)["items"]] == ["kim"]
    assert [u["username"] for u in admin("GET", "/users?role=viewer", 200)["items"]] == ["lee"]
    assert admin("PATCH", f"/users/{user['id']}", 200, json={"role": "manager"})["role"] == "manager"
    admin("POST", f"/users/{user['id']}/password", 204, json={"password": "a brand new one"})
    sign_in(client, "kim", "a brand new one")  # the new password works
    assert admin("PATCH", f"/users/{user['id']}", 200, json={"active": False})["active"] is False
    me = next(u for u in admin("GET", "/users", 200)["items"] if u["role"] == "admin")
    admin("PATCH", f"/users/{me['id']}", 409, json={"active": False})  # not oneself
    admin("GET", "/users/999999", 404)


def test_rules_versions_activate_diff_and_validation(admin: Api) -> None:
    admin("GET", "/rules/active", 404)
    first = admin("POST", "/rules/versions", 201, json={"text": RULES_V1, "comment": "first"})
    assert first["version"] == 1 and first["active"] and first["text"] == RULES_V1
    second = admin("POST", "/rules/versions", 201, json={"text": RULES_V2, "activate": False})
    assert second["version"] == 2 and not second["active"]
    assert admin("GET", "/rules/active", 200)["version"] == 1
    assert [v["version"] for v in admin("GET", "/rules/versions", 200)["items"]] == [2, 1]
    diff = admin("GET", "/rules/diff?old=1&new=2", 200)["diff"]
    assert "-    then: {team: care, priority: p3}" in diff and "+    then: {team: care, priority: p2}" in diff
    assert admin("POST", "/rules/versions/2/activate", 200)["active"]
    assert admin("GET", "/rules/active", 200)["version"] == 2
    assert admin("GET", "/rules/versions/1", 200)["active"] is False
    broken = RULES_V1.replace("team: care", "team: nowhere")
    problem = admin("POST", "/rules/versions", 422, json={"text": broken})
    assert "nowhere" in problem["detail"]
    admin("POST", "/rules/check", 422, json={"text": "rules: [1, 2"})
    checked = admin("POST", "/rules/check", 200, json={"text": RULES_V1})
    assert checked == {"valid": True, "teams": ["care"], "rules": ["everything"], "sla_policies": []}
    assert len(admin("GET", "/rules/versions", 200)["items"]) == 2  # nothing saved by checks or failures
    admin("POST", "/rules/versions/99/activate", 404)


def test_templates_save_find_search_delete(admin: Api) -> None:
    text = "Hi {customer_name}, your case {case_number} is with us."
    saved = admin("PUT", "/templates/greeting/en", 200, json={"text": text, "description": "Hello"})
    assert saved["variables"] == ["customer_name", "case_number"] and saved["source"] == "database"
    admin("PUT", "/templates/greeting/de", 200, json={"text": "Hallo {customer_name}"})
    admin("PUT", "/templates/greeting/en", 422, json={"text": "Hi {nobody_knows_this}"})
    assert [t["language"] for t in admin("GET", "/templates?name=greeting", 200)["items"]] == ["de", "en"]
    assert [t["language"] for t in admin("GET", "/templates?q=hallo", 200)["items"]] == ["de"]
    assert admin("GET", "/templates/greeting/en-GB", 200)["language"] == "en"  # falls back to the base language
    admin("DELETE", "/templates/greeting/de", 204)
    admin("DELETE", "/templates/greeting/de", 404)
    admin("GET", "/templates/nothing.here/en", 404)


def test_webhook_subscriptions(admin: Api) -> None:
    body = {"name": "crm", "url": "https://crm.example.test/hook", "events": ["case.created"]}
    made = admin("POST", "/webhooks", 201, json=body)
    assert len(made["secret"]) >= 32 and made["active"]
    admin("POST", "/webhooks", 409, json=body)
    admin("POST", "/webhooks", 422, json=body | {"name": "b", "events": ["case.exploded"]})
    admin("POST", "/webhooks", 422, json=body | {"name": "c", "url": "ftp://nope"})
    admin("POST", "/webhooks", 422, json=body | {"name": "d", "secret": "short"})
    shown = admin("GET", f"/webhooks/{made['id']}", 200)
    assert "secret" not in shown
    changed = admin("PATCH", f"/webhooks/{made['id']}", 200, json={"events": ["reply.sent", "case.breached"]})
    assert changed["events"] == ["reply.sent", "case.breached"]
    assert admin("GET", "/webhooks?event=case.created", 200)["items"] == []
    rotated = admin("POST", f"/webhooks/{made['id']}/secret", 200, json={"secret": "s" * 20})
    assert rotated["secret"] == "s" * 20
    assert admin("POST", f"/webhooks/{made['id']}/secret", 200)["secret"] not in ("s" * 20, made["secret"])
    admin("DELETE", f"/webhooks/{made['id']}", 204)
    admin("GET", f"/webhooks/{made['id']}", 404)


def test_lists_and_items_carry_etags(admin: Api, client: TestClient) -> None:
    admin("POST", "/teams", 201, json={"name": "care"})
    for path in ("/teams", "/teams/care"):
        first = client.get("/api/v1" + path, headers=admin.headers)
        etag = first.headers["etag"]
        again = client.get("/api/v1" + path, headers=admin.headers | {"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
    admin("PATCH", "/teams/care", 200, json={"description": "changed"})
    changed = client.get("/api/v1/teams/care", headers=admin.headers | {"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
