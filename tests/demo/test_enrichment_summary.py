"""`enrichment_summary`: what the stored enrichment says in aggregate. One store is enriched for real with
the cheap enrichers (language, locations); the model-backed values are written directly, so that the
counting, ordering and joining are checked exactly without depending on a trained model's answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from groundswell.analytics.enrichment_summary import PlaceCount, enrichment_summary
from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.enrich import repository
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.service import enrich_stored_posts
from groundswell.ingest.runner import Ingestor
from groundswell.models import Post
from tests.support.records import record, write_jsonl

TEXTS = [
    "Left my jacket at the store in Chicago yesterday, is it in lost and found?",
    "Chicago store staff were great, and so was the one in Seattle",
    "My ChargeDock is smoking and smells like burning plastic!!",
    "Is the PulsePad waterproof? Asking before my trip to Seattle",
    "ok",
    "La batería de mi PulsePad no dura nada, qué decepción",
]


def ingest(store: Store, tmp_path: Path) -> list[int]:
    rows = [
        record(n, text=text, channel=["x", "reddit"][n % 2], author_location="Boston, MA")
        for n, text in enumerate(TEXTS)
    ]
    assert Ingestor(store.sessions).ingest_file(write_jsonl(tmp_path / "posts.jsonl", rows)).new == len(TEXTS)
    with store.sessions() as session:
        return list(session.scalars(select(Post.id).order_by(Post.id)))


def write(store: Store, ids: list[int], enricher: str, values: list[Any]) -> None:
    now = datetime.now(UTC)
    rows = [
        {"post_id": post_id, "enricher": enricher, "version": "test", "value": value, "enriched_at": now}
        for post_id, value in zip(ids, values, strict=True)
    ]
    with write_transaction(store.sessions) as session:
        repository.upsert_enrichments(session, rows)


def sentiment(label: str) -> dict[str, Any]:
    return {"label": label, "scores": {label: 0.9}}


def urgency(score: float, level: str, *signals: str) -> dict[str, Any]:
    return {"score": score, "level": level, "signals": [{"signal": s, "weight": 0.1, "evidence": s} for s in signals]}


def test_an_empty_store_gives_an_empty_summary(store: Store) -> None:
    with store.sessions() as session:
        summary = enrichment_summary(session)
    assert summary.enriched_posts == 0
    assert summary.sentiment.posts == summary.languages.posts == 0
    assert summary.sentiment.share(0) == 0.0
    assert (summary.most_urgent, summary.places) == ([], [])


def test_the_cheap_enrichers_give_languages_and_places(store: Store, tmp_path: Path) -> None:
    ingest(store, tmp_path)
    enrich_stored_posts(store.sessions, spec=PipelineSpec(only=("language", "locations")))
    with store.sessions() as session:
        summary = enrichment_summary(session)
    assert summary.enriched_posts == len(TEXTS)
    languages = summary.languages
    assert languages.posts == len(TEXTS)
    assert languages.counts["en"] >= 3 and languages.counts.get("es") == 1
    assert "und" not in languages.counts, "an undetermined language counts as unlabelled, not as a language"
    assert sum(languages.counts.values()) + languages.unlabelled == len(TEXTS)
    # Places named in the texts, each once per post; the authors' profile location (Boston) is not counted.
    assert [(place.name, place.admin, place.posts) for place in summary.places] == [
        ("Chicago", "IL", 2),
        ("Seattle", "WA", 2),
    ]
    assert summary.places[0].label == "Chicago, IL, US"
    # Enrichers that did not run leave their counts empty.
    assert summary.sentiment.posts == summary.intents.posts == summary.topics.posts == 0
    assert summary.most_urgent == []


def test_counts_shares_and_the_most_urgent_posts(store: Store, tmp_path: Path) -> None:
    ids = ingest(store, tmp_path)
    labels = ["negative", "positive", "negative", "neutral", "neutral", "negative"]
    write(store, ids, "sentiment", [sentiment(label) for label in labels])
    intents = [["lost_item", "question"], ["praise"], ["complaint"], ["question"], [], ["complaint"]]
    write(store, ids, "intent", intents)
    topics = [[{"name": "Lost Item in Store", "score": 0.7}], [], [{"name": "Overheating & Safety", "score": 0.9}]]
    write(store, ids[:3], "topics", topics)
    scores = [urgency(0.4, "medium", "lost_item_intent"), None, urgency(0.8, "critical", "safety", "anger")]
    scores += [urgency(0.1, "low"), urgency(0.4, "medium", "question_intent"), urgency(0.05, "low")]
    write(store, ids, "urgency", scores)

    with store.sessions() as session:
        summary = enrichment_summary(session, urgent=3)
    assert summary.enriched_posts == len(TEXTS)
    assert summary.sentiment.counts == {"negative": 3, "neutral": 2, "positive": 1}
    assert list(summary.sentiment.counts) == ["negative", "neutral", "positive"], "most frequent first"
    assert summary.sentiment.share(3) == 50.0
    assert summary.intents.counts == {"complaint": 2, "question": 2, "lost_item": 1, "praise": 1}
    assert (summary.intents.posts, summary.intents.unlabelled) == (6, 1)
    assert summary.topics.counts == {"Lost Item in Store": 1, "Overheating & Safety": 1}
    assert (summary.topics.posts, summary.topics.unlabelled) == (3, 1)
    urgent = summary.most_urgent
    # Highest score first; equal scores in post order; a post without a result is left out.
    assert [post.post_id for post in urgent] == [ids[2], ids[0], ids[4]]
    assert (urgent[0].score, urgent[0].level, urgent[0].signals) == (0.8, "critical", ["safety", "anger"])
    assert (urgent[0].text, urgent[0].channel) == (TEXTS[2], "x")
    assert urgent[1].channel == "x" and urgent[2].channel == "x"


def test_a_place_label_leaves_out_numeric_region_codes() -> None:
    place = PlaceCount(name="Ponce", kind="city", country="PR", admin="113", posts=1)
    assert place.label == "Ponce, PR"
    assert PlaceCount(name="Texas", kind="state", country="US", admin="TX", posts=1).label == "Texas, TX, US"
