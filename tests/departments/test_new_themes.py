"""New-theme subscriptions: stored posts (embedded by the bundled fast-tier encoder) of four ordinary weeks and a
week in which customers start using the PulsePad to trigger a camera for time-lapses; the product design
department, subscribed to new themes with the Voltline catalogue, gets one insight about that unexpected use,
and re-running the period changes nothing (SQLite, and PostgreSQL when GROUNDSWELL_TEST_PG is set)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from groundswell.cli.common import Store
from groundswell.departments.service import build_insights, import_departments
from groundswell.enrich.jsonl import post_input
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.errors import InvalidInput
from groundswell.models import Enrichment, Insight
from tests.departments.world import WEEK, World

END = WEEK + timedelta(days=7)
CATALOGUE = Path(__file__).parents[2] / "examples" / "catalogue" / "voltline.yaml"

EVERYDAY = [
    "the PulsePad drum pads feel great for finger drumming beats",
    "my PulsePad battery lasts about six hours of jamming",
    "shipping for my PulsePad order took nine days, a bit slow",
    "loaded my own samples into the PulsePad sequencer tonight",
    "the PulsePad app keeps asking me to update the firmware",
    "made a whole song on the PulsePad on the train home",
    "is the PulsePad midi out class compliant with my daw?",
    "the bass sounds on the PulsePad kit are punchy",
    "customer care sorted my PulsePad warranty question fast",
    "PulsePad pattern chaining is confusing, any guide?",
]
LAPSE = [
    "using the PulsePad to trigger my camera shutter for a time-lapse of the sunset",
    "my PulsePad is now an intervalometer, the camera fires every ten seconds for time-lapse shots",
    "time-lapse of clouds with the PulsePad triggering my camera shutter, zero extra gear",
    "bought the PulsePad for beats, now it mostly triggers my camera for time-lapse photos",
    "the PulsePad trigger out fires a camera shutter, perfect for time-lapse photography",
    "wired the PulsePad to my camera as an intervalometer, time-lapse of the city at night",
]


def _embed(texts: list[str]) -> list[list[float]]:
    pipeline = Pipeline(PipelineSpec(tier="fast", only=("embedding",)))
    outputs = pipeline.run([post_input({"id": str(i), "text": t}) for i, t in enumerate(texts)])
    return [list(map(float, o["embedding"])) for o in outputs]


def _store_posts(store: Store) -> None:
    """Four baseline weeks of everyday talk (thirty customers), the period: the same talk plus fourteen time-lapse
    posts from seven customers. Every post carries its sentiment and its embedding."""
    rows: list[tuple[str, Any, str, str]] = []
    for day in range(28):
        for k in range(2):
            text = EVERYDAY[(day * 2 + k) % len(EVERYDAY)]
            rows.append((f"fan{(day * 2 + k) % 30}", WEEK - timedelta(days=28 - day, hours=-9 - k), text, "neutral"))
    for i, text in enumerate(EVERYDAY):
        rows.append((f"fan{i}", WEEK + timedelta(days=i % 7, hours=11), text, "neutral"))
    for i in range(14):
        rows.append((f"shooter{i % 7}", WEEK + timedelta(days=2 + i % 5, hours=8 + i), LAPSE[i % len(LAPSE)],
                     "positive"))  # fmt: skip
    vectors = _embed([text for _, _, text, _ in rows])
    with store.sessions.begin() as session:
        world = World(session)
        for (who, at, text, sentiment), vector in zip(rows, vectors, strict=True):
            post = world.post(who, at, text, sentiment=sentiment, followers=10 if who.startswith("shooter") else 1)
            session.add(Enrichment(post_id=post.id, enricher="embedding", version="t", value=vector, enriched_at=at))


def _department(**watch: Any) -> dict[str, Any]:
    return {"departments": [{"name": "product design", "recipients": ["design@voltline.example"],
                             "subscriptions": {"new_themes": watch}}]}  # fmt: skip


def _build(store: Store) -> list[dict[str, Any]]:
    with store.sessions.begin() as session:
        insights = build_insights(session, department="product design", period_start=WEEK, period_end=END, now=END)
        return [{c: getattr(i, c) for c in ("id", "kind", "fingerprint", "title", "summary", "post_ids", "customers",
                                            "reach", "sentiment", "details", "trend")} for i in insights]  # fmt: skip


def test_a_new_theme_becomes_an_insight_and_a_rerun_changes_nothing(store: Store) -> None:
    _store_posts(store)
    with store.sessions.begin() as session:
        import_departments(session, document=_department(catalogue=str(CATALOGUE)), actor="dana", now=WEEK)

    first = _build(store)

    assert [i["kind"] for i in first] == ["new_theme"], [i["title"] for i in first]
    theme = first[0]
    assert theme["title"].startswith("Unexpected use of PulsePad: "), theme["title"]
    assert theme["customers"] == 7 and theme["reach"] == 70 and theme["sentiment"] == {"positive": 1.0}
    with store.sessions() as session:
        texts = dict(session.execute(select(Enrichment.post_id, Enrichment.value).where(
            Enrichment.post_id.in_(theme["post_ids"]), Enrichment.enricher == "sentiment")).all())  # fmt: skip
    assert len(texts) == len(theme["post_ids"]) >= 10
    details = theme["details"]["theme"]
    assert details["unexpected_use"] and details["product"] == "PulsePad" and details["growth"] >= 10
    assert f"{len(theme['post_ids'])} posts from 7 distinct customers (combined reach 70)" in theme["summary"]
    assert "Key phrases: “" in theme["summary"] and "Sentiment: 100% positive." in theme["summary"]
    assert any(w in " ".join(theme["details"]["key_phrases"]) for w in ("camera", "time-lapse", "lapse", "shutter"))
    assert sum(d["count"] for d in theme["trend"]["per_day"]) == len(theme["post_ids"])

    assert _build(store) == first
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Insight)) == 1


def test_restricted_to_another_product_or_without_catalogue(store: Store) -> None:
    _store_posts(store)
    with store.sessions.begin() as session:
        import_departments(session, document=_department(products=["Volt Buds"]), actor="dana", now=WEEK)
    assert _build(store) == []
    with store.sessions.begin() as session:
        import_departments(session, document=_department(products=["PulsePad"], min_size=100), actor="d", now=WEEK)
    assert _build(store) == []
    with store.sessions.begin() as session:
        import_departments(session, document=_department(products=["PulsePad"]), actor="dana", now=WEEK)
    [theme] = _build(store)
    assert theme["title"].startswith("New theme: ") and not theme["details"]["theme"]["unexpected_use"]


def test_a_missing_catalogue_is_refused_at_import(store: Store, tmp_path: Path) -> None:
    with store.sessions.begin() as session, pytest.raises(InvalidInput) as caught:
        import_departments(session, document=_department(catalogue="nowhere.yaml"), actor="dana", now=WEEK,
                           source="team.yaml", base_dir=tmp_path)  # fmt: skip
    message = str(caught.value)
    assert message.startswith("team.yaml: department 'product design' new_themes.catalogue: catalogue ")
    assert str(tmp_path / "nowhere.yaml") in message and "not found" in message
