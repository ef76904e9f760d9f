"""The topics API over HTTP: edit topics, import and export YAML, retrain with the bundled encoder (offline),
roll back to an older version and restore it into the editor."""

from __future__ import annotations

from collections.abc import Callable

import yaml
from fastapi.testclient import TestClient

from tests.web.conftest import WebUser
from tests.web.test_api_admin import Api

TOPICS = """
topics:
  - name: Lost Luggage
    description: Bags that did not arrive.
    examples: ["my bag never made it to LAX", "where is my suitcase", "lost my luggage again"]
  - name: Late Flight
    examples: ["flight delayed three hours", "we are still waiting at the gate", "late departure again"]
"""


def test_edit_import_retrain_roll_back_and_export(client: TestClient, make_user: Callable[..., WebUser]) -> None:
    analyst = Api(client, make_user("analyst"))
    agent = Api(client, make_user("agent"))
    assert analyst("POST", "/topics/retrain", 422, json={"tier": "accurate"})["detail"]  # nothing to train yet
    assert analyst("POST", "/topics/import", 200, json={"text": TOPICS}) == {"created": 2, "updated": 0, "removed": 0}
    analyst("POST", "/topics/import", 422, json={"text": "topics: [oops"})
    listed = agent("GET", "/topics", 200)
    assert [t["name"] for t in listed["items"]] == ["Lost Luggage", "Late Flight"]
    assert listed["active_version"] is None and listed["unretrained_changes"] is True

    first = analyst("POST", "/topics/retrain", 200, json={"tier": "accurate", "comment": "first"})
    assert first["version"]["version"] == 1 and first["version"]["active"]
    assert first["version"]["metrics"]["topics"] == 2 and "cross_validation" in first["version"]["metrics"]
    assert agent("GET", "/topics", 200)["unretrained_changes"] is False

    luggage = next(t for t in listed["items"] if t["name"] == "Lost Luggage")
    examples = [*luggage["examples"], "the airline lost my bag"]
    edited = analyst("PUT", f"/topics/{luggage['id']}", 200,
                     json={"name": "Lost Luggage", "description": "Bags", "examples": examples})  # fmt: skip
    assert edited["examples"] == examples and edited["description"] == "Bags"
    analyst("PUT", f"/topics/{luggage['id']}", 422, json={"name": "Lost Luggage", "description": "", "examples": []})
    made = analyst("POST", "/topics", 201, json={"name": "Refunds", "examples": ["I want my money back"]})
    analyst("POST", "/topics", 409, json={"name": "Refunds", "examples": ["again"]})
    assert agent("GET", "/topics", 200)["unretrained_changes"] is True
    second = analyst("POST", "/topics/retrain", 200, json={"tier": "accurate"})["version"]
    assert second["version"] == 2 and second["metrics"]["topics"] == 3

    assert [v["version"] for v in agent("GET", "/topics/versions", 200)["items"]] == [2, 1]
    assert analyst("POST", "/topics/versions/1/activate", 200)["active"] is True  # roll back
    assert agent("GET", "/topics/versions/2", 200)["active"] is False
    assert analyst("POST", "/topics/versions/1/restore", 200) == {"created": 0, "updated": 2, "removed": 1}
    analyst("GET", f"/topics/{made['id']}", 404)  # restored version 1 has no Refunds
    exported = yaml.safe_load(agent("GET", "/topics/export", 200)["yaml"])
    assert [t["name"] for t in exported["topics"]] == ["Lost Luggage", "Late Flight"]
    analyst("DELETE", f"/topics/{luggage['id']}", 204)
    analyst("DELETE", f"/topics/{luggage['id']}", 404)
    agent("POST", "/topics", 403, json={"name": "Nope", "examples": ["x"]})
