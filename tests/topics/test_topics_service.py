"""Stored topics: editing with validation, import (merge or replace) and export, audit lines, and versions
(activate to roll back, restore into the editor) without any model: retraining is in test_retrain.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.topics_file import parse_topics_json
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.models import AuditEntry, TopicSetVersion
from groundswell.topics import service

TOPICS_YAML = """
topics:
  - name: Lost Luggage
    description: Bags that did not arrive.
    examples: ["my bag never made it to LAX", "where is my suitcase"]
  - name: Refunds
    examples: ["I want my money back", "refund still not here"]
"""


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_create_update_delete_with_validation_and_audit(store: Store) -> None:
    with store.sessions() as session:
        topic = service.create_topic(
            session, name=" Refunds ", description="", examples=["money back", " money back ", "", "refund please"],
            actor="ana",
        )  # fmt: skip
        assert (topic.name, topic.examples) == ("Refunds", ["money back", "refund please"])
        with pytest.raises(Conflict, match="exists already"):
            service.create_topic(session, name="refunds", examples=["x"], actor="ana")
        with pytest.raises(InvalidInput, match="needs a description or at least one example"):
            service.create_topic(session, name="Empty", examples=["  "], actor="ana")
        with pytest.raises(InvalidInput, match="name"):
            service.create_topic(session, name="", description="d", actor="ana")
        other = service.create_topic(session, name="Delivery", description="late parcels", actor="ana")
        with pytest.raises(Conflict, match="another topic"):
            service.update_topic(session, topic_id=other.id, name="REFUNDS", description="d", examples=[], actor="ana")
        changed = service.update_topic(
            session, topic_id=topic.id, description="Money back", examples=["refund please", "new line"], actor="bo"
        )
        assert (changed.description, changed.examples, changed.updated_by) == (
            "Money back", ["refund please", "new line"], "bo",
        )  # fmt: skip
        service.delete_topic(session, topic_id=other.id, actor="bo")
        with pytest.raises(NotFound):
            service.get_topic(session, other.id)
        assert [t.name for t in service.list_topics(session)] == ["Refunds"]
        assert _actions(session) == ["topic.created", "topic.created", "topic.updated", "topic.deleted"]


def test_import_merges_or_replaces_and_export_round_trips(store: Store) -> None:
    with store.sessions() as session:
        service.create_topic(session, name="lost luggage", examples=["old example"], actor="ana")
        service.create_topic(session, name="Praise", examples=["love it"], actor="ana")
        merged = service.import_topics(session, text=TOPICS_YAML, actor="ana")
        assert (merged.created, merged.updated, merged.removed) == (1, 1, 0)
        names = [t.name for t in service.list_topics(session)]
        assert names == ["Lost Luggage", "Praise", "Refunds"], "same name ignoring case: updated in place"
        replaced = service.import_topics(session, text=TOPICS_YAML, actor="ana", replace_all=True)
        assert (replaced.created, replaced.updated, replaced.removed) == (0, 2, 1)
        exported = service.export_yaml(session)
        assert yaml.safe_load(exported) == yaml.safe_load(TOPICS_YAML)
        assert "topics.imported" in _actions(session)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("topics: [unclosed\n  - : :\n", "is not valid YAML"),
        ("- a list\n", "expected `topics:"),
        ("topics:\n- {name: A, examples: [x]}\n- {name: a, examples: [y]}\n", "must be unique"),
        ("topics:\n- {name: A, example: [x]}\n", "topics.0.example"),
    ],
)
def test_a_bad_import_changes_nothing_and_says_why(store: Store, text: str, message: str) -> None:
    with store.sessions() as session:
        with pytest.raises(InvalidInput, match=message):
            service.import_topics(session, text=text, actor="ana")
        assert service.list_topics(session) == []


def test_no_topics_means_nothing_to_train_or_export(store: Store) -> None:
    with store.sessions() as session:
        with pytest.raises(InvalidInput, match="no topics to train"):
            service.export_yaml(session)
        assert not service.has_unretrained_changes(session)
        assert service.with_active_topics(session, PipelineSpec()) == PipelineSpec()


def _version(session: Session, number: int, text: str, *, active: bool) -> TopicSetVersion:
    definition = yaml.safe_load(text)
    row = TopicSetVersion(
        version=number, definition=definition, sha256=service.sha256_of(definition), active=active, tier="fast",
        metrics={}, comment="", created_by="ana", created_at=datetime.now(UTC),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def test_versions_activate_restore_and_feed_the_pipeline(store: Store) -> None:
    other = "topics:\n- {name: Praise, examples: [love it, great shop]}\n"
    with store.sessions() as session:
        _version(session, 1, TOPICS_YAML, active=False)
        _version(session, 2, other, active=True)
        service.import_topics(session, text=TOPICS_YAML, actor="ana")
        session.commit()
    with store.sessions() as session:
        assert service.has_unretrained_changes(session), "the editor holds version 1's topics, version 2 is active"
        spec = service.with_active_topics(session, PipelineSpec())
        assert spec.names()[-5:] == ("intent", "topics", "urgency", "locations", "embedding")
        parsed, _ = parse_topics_json(spec.topics_json or "")
        assert [t.name for t in parsed.topics] == ["Praise"]
        with_file = PipelineSpec(topics_path="my.yaml")
        assert service.with_active_topics(session, with_file) is with_file, "a topics file wins"

        service.activate_version(session, version=1, actor="bo")
        assert [v.version for v in service.list_versions(session) if v.active] == [1]
        assert not service.has_unretrained_changes(session)
        assert service.active_topics_json(session) == service.canonical_json(yaml.safe_load(TOPICS_YAML))

        summary = service.restore_version(session, version=2, actor="bo")
        assert (summary.created, summary.removed) == (1, 2)
        assert [t.name for t in service.list_topics(session)] == ["Praise"]
        with pytest.raises(NotFound):
            service.activate_version(session, version=99, actor="bo")
        assert "topics.activated" in _actions(session)
