"""`groundswell label`: employees correct labels (add), review them (list) and export them for training."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.enrich import repository
from groundswell.errors import InvalidInput, NotFound
from tests.support.cli import invoke, invoke_json
from tests.support.records import record, write_jsonl


@pytest.fixture
def posts(store: Store, tmp_path: Path) -> Store:
    rows = [record(1, text="My PulsePad died again, third time this month"), record(2, text="Where is my refund?")]
    assert invoke_json("ingest", str(write_jsonl(tmp_path / "posts.jsonl", rows)))["new"] == 2
    with write_transaction(store.sessions) as session:
        repository.upsert_enrichments(
            session,
            [
                {
                    "post_id": 1,
                    "enricher": "sentiment",
                    "version": "1",
                    "value": "neutral",
                    "enriched_at": datetime.now(UTC),
                }
            ],
        )
    return store


def test_add_list_and_export(posts: Store, tmp_path: Path) -> None:
    added = invoke_json("label", "add", "--post-id", "1", "--task", "sentiment", "--label", "negative", "--by", "ann")
    assert (added["text"], added["labels"], added["previous"]) == (
        "My PulsePad died again, third time this month",
        ["negative"],
        "neutral",
    )
    shown = invoke(
        "label",
        "add",
        "--text",
        "Can I get my money back?",
        "--task",
        "intent",
        "--label",
        "refund",
        "--label",
        "question",
        "--by",
        "bob",
    )
    assert shown.exit_code == 0, shown.output
    assert "stored: intent = refund, question" in shown.stdout
    invoke_json("label", "add", "--post-id", "2", "--task", "intent", "--label", "refund", "--by", "ann")

    listed = invoke_json("label", "list", "--task", "intent")["corrections"]
    assert [(c["post_id"], c["labels"], c["corrected_by"]) for c in listed] == [
        (2, ["refund"], "ann"),
        (None, ["refund", "question"], "bob"),
    ]
    table = invoke("label", "list")
    assert table.exit_code == 0 and "3 correction(s)" in table.stdout

    intent_file, sentiment_file = tmp_path / "out" / "intent.jsonl", tmp_path / "sentiment.jsonl"
    assert invoke_json("label", "export", "--task", "intent", "--output", str(intent_file))["rows"] == 2
    assert invoke("label", "export", "--task", "sentiment", "-o", str(sentiment_file)).exit_code == 0
    lines = [json.loads(line) for line in intent_file.read_text("utf-8").splitlines()]
    assert lines == [
        {"text": "Can I get my money back?", "label": ["refund", "question"]},
        {"text": "Where is my refund?", "label": ["refund"]},
    ]
    assert json.loads(sentiment_file.read_text("utf-8")) == {
        "text": "My PulsePad died again, third time this month",
        "label": "negative",
    }


def test_mistakes_are_explained(posts: Store) -> None:
    unknown = invoke("label", "add", "--text", "hi", "--task", "mood", "--label", "x", "--by", "ann")
    assert unknown.exit_code == 2 and "mood" in unknown.output
    with pytest.raises(NotFound, match="no stored post 99"):
        invoke("label", "add", "--post-id", "99", "--task", "sentiment", "--label", "negative", "--by", "ann")
    with pytest.raises(InvalidInput, match="exactly one label"):
        invoke("label", "add", "--post-id", "1", "--task", "sentiment", "--label", "a", "--label", "b", "--by", "x")
    assert invoke_json("label", "list")["corrections"] == []  # nothing half-stored
