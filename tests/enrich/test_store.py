"""Stored enrichment: which posts need work, idempotent runs, version upgrades, crash safety, and
employees' label corrections. Runs on SQLite, and on PostgreSQL when GROUNDSWELL_TEST_PG is set.

The enrichers are real but cheap ones that need no trained model: language and locations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.enrich import repository
from groundswell.enrich.enrichers.language import LanguageEnricher
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.enrich.service import corrections_for, enrich_stored_posts, list_corrections, record_correction
from groundswell.errors import InvalidInput, NotFound
from groundswell.ingest.runner import Ingestor
from groundswell.models import Enrichment, Post
from tests.support.records import record, write_jsonl

SPEC = PipelineSpec(only=("language", "locations"))
TEXTS = [
    "My PulsePad battery died after two days, this is really disappointing",
    "La batería de mi PulsePad no dura nada, qué decepción",
    "Just landed in Chicago and the PulsePad kept me busy the whole flight",
    "Mon PulsePad ne s'allume plus depuis la mise à jour, aidez-moi",
    "ok",
    "Any store in Austin, Texas that has the PulsePad in stock?",
    "Der Akku hält nicht einmal einen Tag, ich bin enttäuscht",
    "Loving the new PulsePad update, the screen looks great",
    "Ordered in London, still waiting for delivery after two weeks",
    "Is the PulsePad waterproof? Asking before my trip to Seattle",
]


def ingest(store: Store, tmp_path: Path, texts: list[str], *, start: int = 0) -> None:
    rows = [
        record(
            start + n,
            text=text,
            author_location=["Chicago, IL", None, "Lyon, France"][n % 3],
            author_followers=[120, None, 5][n % 3],
            likes=n if n % 2 else None,
            reposts=2 if n % 4 == 0 else None,
        )
        for n, text in enumerate(texts)
    ]
    counts = Ingestor(store.sessions).ingest_file(write_jsonl(tmp_path / f"posts-{start}.jsonl", rows))
    assert counts.new == len(texts)


def stored(store: Store) -> dict[tuple[int, str], tuple[str, Any, datetime]]:
    with store.sessions() as session:
        rows = session.execute(
            select(
                Enrichment.post_id, Enrichment.enricher, Enrichment.version, Enrichment.value, Enrichment.enriched_at
            )
        ).all()
    return {(r.post_id, r.enricher): (r.version, r.value, r.enriched_at) for r in rows}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(SPEC)


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> Store:
    ingest(store, tmp_path, TEXTS)
    return store


def test_pending_posts_come_in_id_order_with_their_context(filled: Store, pipeline: Pipeline) -> None:
    versions = {name: pipeline.versions[name] for name in SPEC.names()}
    with filled.sessions() as session:
        up_to = repository.last_post_id(session)
        first = repository.posts_needing_enrichment(session, versions, after=0, up_to=up_to, limit=4)
        rest = repository.posts_needing_enrichment(session, versions, after=first[-1].post_id, up_to=up_to, limit=100)
        assert repository.count_posts_needing(session, versions, up_to=up_to) == len(TEXTS)
        assert repository.stale_enrichers(session, versions, up_to=up_to) == ["language", "locations"]
    pending = first + rest
    assert [p.post_id for p in pending] == sorted(p.post_id for p in pending)
    assert [p.post.text for p in pending] == TEXTS
    assert all(p.stale == {"language", "locations"} for p in pending)
    zero, one, two, three, four = (p.post for p in pending[:5])
    # reach = author followers + reposts + likes, missing counts being 0
    assert (zero.author_location, zero.reach, zero.channel) == ("Chicago, IL", 120 + 2 + 0, "x")
    assert (one.author_location, one.reach) == (None, 0 + 0 + 1)
    assert (two.author_location, two.reach) == ("Lyon, France", 5)
    assert (three.author_location, three.reach) == ("Chicago, IL", 120 + 3)
    assert (four.author_location, four.reach) == (None, 2)
    assert zero.created_at is not None and zero.created_at.tzinfo is not None


def test_a_run_stores_every_result_and_a_second_run_does_nothing(filled: Store, pipeline: Pipeline) -> None:
    first = enrich_stored_posts(filled.sessions, spec=SPEC, chunk_size=3)
    assert (first.posts_seen, first.posts_enriched, first.skipped_current) == (10, 10, 0)
    assert first.results_written == {"language": 10, "locations": 10}
    assert first.versions == pipeline.versions
    before = stored(filled)
    assert len(before) == 20
    with filled.sessions() as session:
        post_ids = list(session.scalars(select(Post.id).order_by(Post.id)))
    expected = pipeline.run(_inputs(filled))
    for post_id, values in zip(post_ids, expected, strict=True):
        assert before[(post_id, "language")][1] == values["language"]
        assert before[(post_id, "locations")][1] == values["locations"]
    assert before[(post_ids[1], "language")][1] == "es"

    second = enrich_stored_posts(filled.sessions, spec=SPEC, chunk_size=3)
    assert (second.posts_seen, second.posts_enriched, second.skipped_current) == (10, 0, 10)
    assert second.results_written == {"language": 0, "locations": 0}
    assert stored(filled) == before  # values, versions and times unchanged


def _inputs(store: Store) -> list[Any]:
    with store.sessions() as session:
        pending = repository.posts_needing_enrichment(session, {"never": "run"}, after=0, up_to=10**9, limit=10**6)
    return [p.post for p in pending]


def test_a_new_version_re_enriches_exactly_that_enricher(
    filled: Store, pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrich_stored_posts(filled.sessions, spec=SPEC)
    before = stored(filled)
    monkeypatch.setattr(LanguageEnricher, "version", "99-test")
    upgraded = enrich_stored_posts(filled.sessions, spec=SPEC, chunk_size=4)
    assert (upgraded.posts_enriched, upgraded.skipped_current) == (10, 0)
    assert upgraded.results_written == {"language": 10, "locations": 0}
    after = stored(filled)
    for key, (version, value, at) in after.items():
        if key[1] == "locations":
            assert (version, value, at) == before[key]
        else:
            assert version == "99-test" and value == before[key][1] and at > before[key][2]
    with filled.sessions() as session:
        counts = repository.count_by_version(session)
    assert counts == {("language", "99-test"): 10, ("locations", pipeline.versions["locations"]): 10}
    # A post added later is the only one the next run touches.
    ingest(filled, tmp_path, ["Brand new post from Denver about the PulsePad"], start=100)
    later = enrich_stored_posts(filled.sessions, spec=SPEC)
    assert (later.posts_seen, later.posts_enriched, later.skipped_current) == (11, 1, 10)
    assert later.results_written == {"language": 1, "locations": 1}


def test_a_crash_loses_at_most_one_chunk_and_the_rerun_completes(filled: Store) -> None:
    class Crash(Exception):
        pass

    def crash_after_first_chunk(done: int, total: int) -> None:
        if done:
            raise Crash

    with pytest.raises(Crash):
        enrich_stored_posts(filled.sessions, spec=SPEC, chunk_size=4, progress=crash_after_first_chunk)
    assert len(stored(filled)) == 8  # the first chunk's 4 posts x 2 enrichers were committed
    rerun = enrich_stored_posts(filled.sessions, spec=SPEC, chunk_size=4)
    assert (rerun.posts_enriched, rerun.skipped_current) == (6, 4)
    assert len(stored(filled)) == 20


def test_the_upsert_writes_only_where_the_version_changed(filled: Store) -> None:
    with filled.sessions() as session:
        post_id = session.scalars(select(Post.id).order_by(Post.id)).first()
    assert post_id is not None
    t0, t1 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)

    def upsert(version: str, value: Any, at: datetime) -> None:
        with write_transaction(filled.sessions) as session:
            repository.upsert_enrichments(
                session,
                [{"post_id": post_id, "enricher": "sentiment", "version": version, "value": value, "enriched_at": at}],
            )

    upsert("1", {"label": "negative", "scores": [0.1, 0.2, 0.7]}, t0)
    upsert("1", {"label": "positive"}, t1)  # same version: left as it was
    upsert("1", None, t1)
    with filled.sessions() as session:
        current = repository.enrichments_of(session, post_id)["sentiment"]
    assert (current.version, current.value, current.enriched_at) == (
        "1",
        {"label": "negative", "scores": [0.1, 0.2, 0.7]},
        t0,
    )
    upsert("2", None, t1)  # a new version replaces it, a JSON null included
    with filled.sessions() as session:
        current = repository.enrichments_of(session, post_id)["sentiment"]
        assert (current.version, current.value, current.enriched_at) == ("2", None, t1)
        assert session.execute(select(func.count()).select_from(Enrichment)).scalar_one() == 1
    with write_transaction(filled.sessions) as session:  # deleting a post deletes its results
        session.execute(delete(Post).where(Post.id == post_id))
    with filled.sessions() as session:
        assert repository.enrichments_of(session, post_id) == {}


def test_corrections_are_stored_and_returned_for_training(filled: Store) -> None:
    with filled.sessions() as session:
        first, second = session.scalars(select(Post.id).order_by(Post.id).limit(2)).all()
    with write_transaction(filled.sessions) as session:
        repository.upsert_enrichments(
            session,
            [
                {
                    "post_id": first,
                    "enricher": "sentiment",
                    "version": "1",
                    "value": "positive",
                    "enriched_at": datetime.now(UTC),
                }
            ],
        )
    with write_transaction(filled.sessions) as session:
        correction = record_correction(session, post_id=first, task="sentiment", labels=["neutral"], corrected_by="ann")
        assert (correction.text, correction.previous, correction.labels) == (TEXTS[0], "positive", ["neutral"])
        record_correction(session, post_id=first, task="sentiment", labels=[" negative "], corrected_by="bob")
        record_correction(
            session, post_id=second, task="intent", labels=["complaint", "question", "complaint"], corrected_by="ann"
        )
        record_correction(session, text="Where is my refund?", task="intent", labels=["refund"], corrected_by="ann")
    with filled.sessions() as session:
        sentiment = corrections_for(session, "sentiment")
        intent = corrections_for(session, "intent")
        listed = list_corrections(session)
    assert [(row.text, row.labels) for row in sentiment] == [(TEXTS[0], ("negative",))]  # the latest wins
    assert sentiment[0].extra["corrected_by"] == "bob"
    assert [(row.text, row.labels) for row in intent] == [
        (TEXTS[1], ("complaint", "question")),
        ("Where is my refund?", ("refund",)),
    ]
    assert len(listed) == 4 and listed[0].text == "Where is my refund?"  # newest first


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"task": "mood", "labels": ["happy"], "text": "hi"}, InvalidInput, "choose one of sentiment"),
        ({"task": "sentiment", "labels": [" "], "text": "hi"}, InvalidInput, "at least one sentiment label"),
        ({"task": "sentiment", "labels": ["positive", "negative"], "text": "hi"}, InvalidInput, "exactly one label"),
        ({"task": "intent", "labels": ["refund"]}, InvalidInput, "either a stored post"),
        ({"task": "intent", "labels": ["refund"], "text": "hi", "post_id": 1}, InvalidInput, "not both"),
        ({"task": "intent", "labels": ["refund"], "post_id": 10**6}, NotFound, "no stored post 1000000"),
        ({"task": "intent", "labels": ["refund"], "text": "hi", "corrected_by": " "}, InvalidInput, "who made"),
    ],
)
def test_bad_corrections_say_what_is_wrong(
    store: Store, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with store.sessions() as session, pytest.raises(error, match=message):
        record_correction(session, **{"corrected_by": "ann", **arguments})
