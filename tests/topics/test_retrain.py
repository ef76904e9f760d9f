"""Retraining on the bundled encoder (offline): honest figures (held-out examples, employees' corrections),
the new version active and used by `enrich_stored_posts` when no topics file is given, rolling back, and
re-enriching the newest posts' topics."""

from __future__ import annotations

from importlib import resources
from typing import Literal

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.enrich.enrichers.topics import TopicModel
from groundswell.enrich.models import ModelBundle
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.service import enrich_stored_posts, record_correction
from groundswell.enrich.topics_file import parse_topics_json
from groundswell.errors import InvalidInput
from groundswell.models import Enrichment
from groundswell.topics import service
from groundswell.topics.evaluation import cached_encoder, predict
from groundswell.topics.retrain import retrain
from tests.inbox.cases_support import add_author, add_post

VOLTLINE = resources.files("groundswell.demo").joinpath("voltline_topics.yaml").read_text("utf-8")
TIER: Literal["accurate"] = "accurate"  # the default tier (and quicker to load than the fast one)
POSTS = [
    "my ChargeDock is smoking and smells of burning plastic",
    "tracking for my order hasn't moved in a week, where is my parcel",
    "the left bud won't charge in its case anymore",
    "what a lovely sunset over the harbour tonight",
]


def _stored_topics(store: Store) -> dict[str, tuple[str, list[str]]]:
    with store.sessions() as session:
        rows = session.execute(select(Enrichment.post_id, Enrichment.version, Enrichment.value)
                               .where(Enrichment.enricher == "topics").order_by(Enrichment.post_id))  # fmt: skip
        return {str(pid): (version, [t["name"] for t in value]) for pid, version, value in rows}


def test_retrain_measures_honestly_and_enrichment_follows_the_active_version(store: Store) -> None:
    with store.sessions() as session:
        service.import_topics(session, text=VOLTLINE, actor="ana")
        author = add_author(session, "kim")
        for text in POSTS:
            add_post(session, author, text, enrichments={})
        record_correction(session, task="topics", labels=["Overheating & Safety"], corrected_by="ana",
                          text="the charger got so hot it melted the plastic")  # fmt: skip
        record_correction(session, task="topics", labels=["Delivery & Order Status"], corrected_by="ana",
                          text="my order says shipped but the courier has nothing")  # fmt: skip
        record_correction(session, task="topics", labels=["Not A Topic"], corrected_by="ana", text="hello")
        first = retrain(session, actor="ana", tier=TIER, comment="from the file")
        session.commit()
    figures = first.version.metrics
    held_out = figures["cross_validation"]
    assert (figures["topics"], figures["examples"], held_out["folds"], held_out["n"]) == (10, 70, 5, 70)
    assert 0.5 <= held_out["top1_accuracy"] < 1.0, held_out
    assert 0.0 < held_out["macro_f1"] <= 1.0
    assert figures["corrections"]["n"] == 2 and figures["corrections"]["outside_topic_set"] == 1
    assert first.version.active and first.version.version == 1 and first.reenriched == 0

    # Honest: the same examples scored by a model that saw them do better than held out.
    with store.sessions() as session:
        topics = service.working_set(session)
    encode = cached_encoder(ModelBundle.open().encoder(TIER).pooled)
    texts = [e for t in topics.topics for e in t.examples]
    _, best = predict(TopicModel(topics, encode), encode, texts)
    truth = [t.name for t in topics.topics for _ in t.examples]
    in_sample = sum(a == b for a, b in zip(best, truth, strict=True)) / len(truth)
    assert in_sample > held_out["top1_accuracy"]

    summary = enrich_stored_posts(store.sessions, spec=PipelineSpec(tier=TIER, only=("topics",)))
    stored = _stored_topics(store)
    first_version = summary.versions["topics"]
    assert len(stored) == 4 and {v for v, _ in stored.values()} == {first_version}
    labels = list(stored.values())
    assert labels[0][1][0] == "Overheating & Safety" and labels[1][1][0] == "Delivery & Order Status"
    assert labels[3][1] == [], "an off-topic post gets no topic"

    # Drop a topic and retrain: the version changes, and re-enriching the newest two posts stores it there.
    with store.sessions() as session:
        safety = next(t for t in service.list_topics(session) if t.name == "Overheating & Safety")
        service.delete_topic(session, topic_id=safety.id, actor="ana")
        second = retrain(session, actor="ana", tier=TIER, reenrich_recent=2)
        session.commit()
        assert second.reenriched == 2 and second.version.version == 2
        assert second.version.metrics["corrections"]["outside_topic_set"] == 2
    stored = _stored_topics(store)
    versions = [v for v, _ in stored.values()]
    assert versions[:2] == [first_version] * 2 and versions[2] == versions[3] != first_version
    rerun = enrich_stored_posts(store.sessions, spec=PipelineSpec(tier=TIER, only=("topics",)))
    assert (rerun.posts_enriched, rerun.skipped_current) == (2, 2), "only the two older posts were stale"
    assert all("Overheating & Safety" not in names for _, names in _stored_topics(store).values())

    # Roll back: version 1 is active again, and enrichment gives version 1's results and version string.
    with store.sessions() as session:
        service.activate_version(session, version=1, actor="bo")
        session.commit()
        active_json = service.active_topics_json(session)
    assert [t.name for t in parse_topics_json(active_json or "")[0].topics][1] == "Overheating & Safety"
    again = enrich_stored_posts(store.sessions, spec=PipelineSpec(tier=TIER, only=("topics",)))
    assert again.versions["topics"] == first_version and again.posts_enriched == 4
    assert next(iter(_stored_topics(store).values()))[1][0] == "Overheating & Safety"


def test_retrain_refuses_nothing_to_train_and_bad_options(store: Store) -> None:
    with store.sessions() as session:
        with pytest.raises(InvalidInput, match="no topics to train"):
            retrain(session, actor="ana", tier=TIER)
        service.import_topics(session, text=VOLTLINE, actor="ana")
        with pytest.raises(InvalidInput, match="unknown tier"):
            retrain(session, actor="ana", tier="huge")
        with pytest.raises(InvalidInput, match="re-enrich between"):
            retrain(session, actor="ana", tier=TIER, reenrich_recent=10**6)
    with pytest.raises(InvalidInput, match="needs a topics file"):
        enrich_stored_posts(store.sessions, spec=PipelineSpec(tier=TIER, only=("topics",)))
