"""The topics admin screen through the real app: import, edit examples, retrain with the figures shown,
versions with activation (roll back) and copy into the editor, export; read-only for agents, refused to
viewers; bad input explained."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.models import AuditEntry, Topic, TopicSetVersion
from tests.web.conftest import WebUser

Signed = Callable[[WebUser], TestClient]
VOLTLINE = resources.files("groundswell.demo").joinpath("voltline_topics.yaml").read_bytes()


@pytest.fixture
def analyst(make_user: Callable[..., WebUser], signed_in: Signed) -> TestClient:
    client = signed_in(make_user("analyst", username="ana"))
    client.follow_redirects = False  # see the 303 of post/redirect/get
    return client


def _topic_id(store: Store, name: str) -> int:
    with store.sessions() as session:
        return session.scalars(select(Topic.id).where(Topic.name == name)).one()


def test_import_edit_retrain_roll_back_and_export(analyst: TestClient, store: Store) -> None:
    assert analyst.post("/admin/topics/import", data={}).status_code == 422
    imported = analyst.post("/admin/topics/import", files={"file": ("voltline.yaml", VOLTLINE, "text/yaml")})
    assert imported.status_code == 303
    page = analyst.get("/admin/topics")
    assert page.status_code == 200 and "Battery &amp; Charging" in page.text and "Not trained yet" in page.text
    assert 'data-testid="topics-pending"' in page.text

    assert analyst.post("/admin/topics/retrain", data={}).status_code == 422, "the encoder tier is required"
    trained = analyst.post("/admin/topics/retrain", data={"tier": "accurate", "comment": "first"})
    assert trained.status_code == 303 and trained.headers["location"] == "/admin/topics/versions/1?reenriched=0"
    shown = analyst.get(trained.headers["location"])
    assert 'data-testid="retrained"' in shown.text and 'data-testid="top1-accuracy"' in shown.text
    assert "5-fold cross-validation over 70 examples" in shown.text
    assert "Enrichment uses version" in analyst.get("/admin/topics").text
    assert 'data-testid="topics-pending"' not in analyst.get("/admin/topics").text

    # Edit a topic: remove all but two example lines and add one; the page flags the change until retrained.
    battery = _topic_id(store, "Battery & Charging")
    edited = analyst.post(
        f"/admin/topics/{battery}",
        data={"name": "Battery & Charging", "description": "Batteries.", "examples": "a\n\nb\n",
              "new_example": "my ChargeDock blinks red"},
    )  # fmt: skip
    assert edited.status_code == 303
    with store.sessions() as session:
        topic = session.get(Topic, battery)
        assert topic is not None and topic.examples == ["a", "b", "my ChargeDock blinks red"]
    assert 'data-testid="topics-pending"' in analyst.get("/admin/topics").text
    assert analyst.post("/admin/topics/retrain", data={"tier": "fast", "reenrich_recent": "5"}).status_code == 303

    # Roll back to version 1, then copy it into the editor: the pending flag goes away.
    assert analyst.post("/admin/topics/versions/1/activate").status_code == 303
    with store.sessions() as session:
        assert session.scalars(select(TopicSetVersion.version).where(TopicSetVersion.active)).all() == [1]
    assert 'data-testid="topics-pending"' in analyst.get("/admin/topics").text
    assert analyst.post("/admin/topics/versions/1/restore").status_code == 303
    assert 'data-testid="topics-pending"' not in analyst.get("/admin/topics").text
    exported = analyst.get("/admin/topics/export.yaml")
    assert exported.status_code == 200 and yaml.safe_load(exported.text) == yaml.safe_load(VOLTLINE)

    new = analyst.post("/admin/topics", data={"name": "Praise", "examples": "love it\ngreat shop"})
    assert new.status_code == 303
    assert analyst.post(new.headers["location"] + "/delete").status_code == 303
    with store.sessions() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"topics.imported", "topics.retrained", "topic.updated", "topics.activated", "topic.deleted"} <= actions


def test_bad_input_is_explained_and_nothing_changes(analyst: TestClient, store: Store) -> None:
    bad = analyst.post("/admin/topics/import", data={"text": "topics:\n- {name: A, example: [x]}\n"})
    assert bad.status_code == 422 and "topics.0.example" in bad.text
    empty = analyst.post("/admin/topics", data={"name": "Empty", "examples": "  \n"})
    assert empty.status_code == 422 and "needs a description or at least one example" in empty.text
    assert analyst.post("/admin/topics/retrain", data={"tier": "accurate"}).status_code == 422
    assert analyst.post("/admin/topics", data={"name": "A", "examples": "x"}).status_code == 303
    assert analyst.post("/admin/topics", data={"name": "a", "examples": "y"}).status_code == 409
    assert analyst.get("/admin/topics/999").status_code == 404
    with store.sessions() as session:
        assert [t.name for t in session.scalars(select(Topic))] == ["A"]


def test_agents_read_without_forms_and_viewers_are_refused(
    make_user: Callable[..., WebUser], signed_in: Signed, analyst: TestClient, store: Store
) -> None:
    analyst.post("/admin/topics", data={"name": "Praise", "description": "Kind words", "examples": "love it"})
    agent = signed_in(make_user("agent"))
    page = agent.get("/admin/topics")
    assert page.status_code == 200 and "Praise" in page.text
    assert "retrain-topics" not in page.text and "New topic" not in page.text
    topic = agent.get(f"/admin/topics/{_topic_id(store, 'Praise')}")
    assert topic.status_code == 200 and "love it" in topic.text and "save-topic" not in topic.text
    assert agent.post("/admin/topics/retrain", data={"tier": "fast"}).status_code == 403
    viewer = signed_in(make_user("viewer"))
    assert viewer.get("/admin/topics").status_code == 403
