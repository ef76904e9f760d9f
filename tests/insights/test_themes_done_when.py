"""Done-when 1 of issue 6: thirty invented posts about one new topic, added on the last two days of the shared
airline tweets, come back from `groundswell insights themes` as one theme made of them (at least 80 % of its
post ids are planted posts, and it holds at least 80 % of them). Three topics (tests/insights/planted_themes.py);
the amenity-kit one is an unexpected use of a catalogue product, the other two are not.

The background is enriched once per module with the fast tier (static vectors): its embeddings separate the
planted topics once the window's new phrases are added (themes_space), at a fraction of the accurate tier's
cost. The planted posts are raw, so the command embeds them on the fly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.insights.planted_themes import BRANDS, TOPICS
from tests.support.cli import invoke, invoke_json

CATALOGUE = Path(__file__).parents[2] / "examples" / "catalogue" / "airline.yaml"
LAST_POST = datetime.fromisoformat("2015-02-24T11:35:00-08:00")


_CACHE: dict[str, Path] = {}


@pytest.fixture
def background(airline_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enriched once per run (airline_file is function-scoped, so the module keeps the file)."""
    if "path" not in _CACHE:
        target = tmp_path_factory.mktemp("themes-background") / "airline-enriched.jsonl"
        result = invoke("enrich", "--input", str(airline_file), "--output", str(target), "--tier", "fast",
                        "--only", "sentiment,embedding")  # fmt: skip
        assert result.exit_code == 0, result.output
        _CACHE["path"] = target
    return _CACHE["path"]


def planted(topic: str) -> list[dict[str, object]]:
    """Thirty posts over the last two days of the data, by thirty different authors."""
    start = LAST_POST - timedelta(days=2)
    return [
        {"id": f"planted-{topic}-{i}", "channel": "twitter", "author": f"{topic.split('-')[0]}_fan{i}",
         "text": text, "created_at": (start + timedelta(minutes=25 + 95 * i)).isoformat(), "brand": BRANDS[topic]}
        for i, text in enumerate(TOPICS[topic])
    ]  # fmt: skip


@pytest.mark.parametrize(("topic", "unexpected"), [("amenity-cables", True), ("free-messaging", False),
                                                   ("runway-dog", False)])  # fmt: skip
def test_a_planted_topic_comes_back_as_a_new_theme(background: Path, tmp_path: Path, topic: str,
                                                   unexpected: bool) -> None:  # fmt: skip
    posts = planted(topic)
    assert len(posts) == 30 and len({p["text"] for p in posts}) == 30
    mixed = tmp_path / "with-topic.jsonl"
    mixed.write_text(background.read_text() + "".join(json.dumps(p) + "\n" for p in posts))

    document = invoke_json("insights", "themes", "--input", str(mixed), "--catalogue", str(CATALOGUE))

    fields = {"label", "key_phrases", "size", "growth", "sentiment", "post_ids", "unexpected_use"}
    assert all(fields <= set(theme) for theme in document["themes"])
    ids = {str(p["id"]) for p in posts}
    best = max(document["themes"], key=lambda t: len(ids & set(t["post_ids"])), default=None)
    assert best is not None, "no theme reported"
    hits = len(ids & set(best["post_ids"]))
    assert hits / len(best["post_ids"]) >= 0.8, best  # precision
    assert hits / len(ids) >= 0.8, best  # recall
    assert best["size"] == len(best["post_ids"]) and best["growth"] >= 10
    assert best["unexpected_use"] is unexpected, best
    assert best["label"] and best["key_phrases"]
    assert abs(sum(best["sentiment"].values()) - 1) < 0.01
    if unexpected:
        assert best["product"] == "amenity kit"
    # the background's own themes stay few (one: the Southwest companion pass promotion of those days)
    assert len(document["themes"]) <= 3
