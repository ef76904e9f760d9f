"""The dashboard rollup stays equal to a full recompute after any sequence of ingest, enrichment and
re-enrichment batches (and batches rolled back), on SQLite and (with GROUNDSWELL_TEST_PG) PostgreSQL; and the
charts read from it count exactly what counting the posts of a range in Python gives, for ranges that do not
start or end on the hour."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from groundswell.analytics import dashboard_repository as repo
from groundswell.analytics import rollup
from groundswell.analytics.time_range import TimeRange
from groundswell.channels.base import PostIn, RawRecord
from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.enrich import repository as enrich_repository
from groundswell.ingest.authors import AuthorResolver
from groundswell.ingest.schemas import ParsedPost
from groundswell.ingest.service import store_batch
from groundswell.models import Enrichment, Post

T0 = datetime(2025, 3, 10, tzinfo=UTC)
LABELS = ["negative", "positive", "neutral", "", None]
NAMES = ["battery", "delivery", "app", "", "complaint", "question"]


class Boom(Exception):
    pass


posts = st.lists(
    st.tuples(
        st.integers(0, 40),  # external id: a small pool, so batches repeat posts (duplicates are skipped)
        st.sampled_from(["x", "mastodon", "reddit"]),
        st.sampled_from(["voltline", "rival", None]),
        st.integers(0, 72 * 60 - 1),  # minutes after T0: about three days of hours
    ),
    min_size=1,
    max_size=12,
)


def _value(enricher: str, draw: Any) -> Any:
    if enricher in ("sentiment", "emotion", "offensive"):
        return draw(
            st.one_of(st.none(), st.builds(lambda label: {"label": label, "scores": {}}, st.sampled_from(LABELS)))
        )
    if enricher == "intent":
        return draw(st.lists(st.sampled_from(NAMES), max_size=3))
    return draw(st.lists(st.builds(lambda n: {"name": n, "score": 0.5}, st.sampled_from(NAMES)), max_size=3))


@st.composite
def enrichment_batch(draw: Any) -> tuple[str, str, list[tuple[int, Any]]]:
    enricher = draw(st.sampled_from(["sentiment", "emotion", "intent", "topics", "offensive"]))
    version = draw(st.sampled_from(["v1", "v2", "v3"]))  # a new version re-enriches in place
    picks = draw(st.lists(st.integers(0, 60), min_size=1, max_size=10, unique=True))
    return enricher, version, [(pick, _value(enricher, draw)) for pick in picks]


operations = st.lists(
    st.one_of(
        st.tuples(st.just("ingest"), posts, st.booleans()),
        st.tuples(st.just("enrich"), enrichment_batch(), st.booleans()),
    ),
    min_size=1,
    max_size=8,
)


def _wipe(store: Store) -> None:
    with write_transaction(store.sessions) as session:
        for table in ("dashboard_rollup", "enrichments", "posts", "conversations", "authors"):
            session.execute(text(f"DELETE FROM {table}"))


def _ingest(store: Store, batch: list[tuple[int, str, str | None, int]], *, fail: bool) -> None:
    parsed = [
        ParsedPost(
            PostIn(channel=channel, external_id=f"p{n}", text=f"post {n}", brand=brand,
                   created_at=T0 + timedelta(minutes=minutes, seconds=n % 60)),
            RawRecord(source="test", position=i, raw="{}"),
            "test",
        )
        for i, (n, channel, brand, minutes) in enumerate(batch)
    ]  # fmt: skip
    with write_transaction(store.sessions) as session:
        store_batch(session, parsed=parsed, rejected=[], authors=AuthorResolver(), now=T0)
        if fail:
            raise Boom  # the batch and its rollup rows roll back together


def _enrich(store: Store, batch: tuple[str, str, list[tuple[int, Any]]], *, fail: bool) -> None:
    enricher, version, picks = batch
    with write_transaction(store.sessions) as session:
        ids = list(session.scalars(select(Post.id).order_by(Post.id)))
        if not ids:
            return
        rows = {ids[pick % len(ids)]: value for pick, value in picks}
        enrich_repository.upsert_enrichments(session, [
            {"post_id": post_id, "enricher": enricher, "version": version, "value": value, "enriched_at": T0}
            for post_id, value in rows.items()
        ])  # fmt: skip
        if fail:
            raise Boom


def _assert_exact(store: Store) -> None:
    with store.sessions() as session:
        assert rollup.stored(session) == rollup.recompute(session)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations, window=st.tuples(st.integers(0, 72 * 60), st.integers(1, 72 * 60)))
def test_the_rollup_equals_a_full_recompute_after_any_batches(
    store: Store, steps: list[tuple[str, Any, bool]], window: tuple[int, int]
) -> None:
    _wipe(store)
    for kind, batch, fail in steps:
        with contextlib.suppress(Boom):
            (_ingest if kind == "ingest" else _enrich)(store, batch, fail=fail)
        _assert_exact(store)
    start = T0 + timedelta(minutes=window[0], seconds=17)
    _assert_charts_count_the_posts(
        store, TimeRange(start=start, end=start + timedelta(minutes=window[1]), preset="custom")
    )


def _assert_charts_count_the_posts(store: Store, window: TimeRange) -> None:
    """The charts' figures against counting the range's posts and enrichments one by one in Python."""
    with store.sessions() as session:
        stored_posts = session.execute(select(Post.id, Post.created_at, Post.channel, Post.brand)).all()
        values = {(e.post_id, e.enricher): e.value for e in session.scalars(select(Enrichment))}
        inside = [p for p in stored_posts if window.start <= p.created_at < window.end]
        fmt = "%Y-%m-%d %H" if window.unit == "hour" else "%Y-%m-%d"

        volume = Counter((p.created_at.strftime(fmt), p.channel) for p in inside)
        assert Counter({(b, c): n for b, c, n in repo.volume_by_channel(session, window)}) == volume
        assert repo.post_count(session, window) == len(inside)

        for dimension in ("sentiment", "emotion"):
            trend: Counter[tuple[str, str]] = Counter()
            for p in inside:
                if (p.id, dimension) in values:
                    value = values[(p.id, dimension)]
                    label = value.get("label") if isinstance(value, dict) else None
                    trend[(p.created_at.strftime(fmt), label or repo.NO_LABEL)] += 1
            assert Counter({(b, lab): n for b, lab, n in repo.label_trend(session, window, dimension)}) == trend

        for dimension, enricher in (("intent", "intent"), ("topic", "topics")):
            listed: Counter[str] = Counter()
            for p in inside:
                for item in values.get((p.id, enricher)) or []:
                    label = item if isinstance(item, str) else item.get("name")
                    if label:
                        listed[label] += 1
            expected = sorted(listed.items(), key=lambda pair: (-pair[1], pair[0]))[:10]
            assert repo.top_labels(session, window, dimension, limit=10) == expected

        voice: Counter[tuple[str, str]] = Counter()
        for p in inside:
            if p.brand is not None:
                value = values.get((p.id, "sentiment"))
                label = value.get("label") if isinstance(value, dict) else None
                voice[(p.brand, label or repo.NO_LABEL)] += 1
        got: Counter[tuple[str, str]] = Counter()
        for brand, label, n in repo.posts_by_brand(session, window):
            got[(brand, label)] += n
        assert got == voice


def test_a_rebuild_restores_a_rollup_left_behind(store: Store) -> None:
    _ingest(store, [(1, "x", "voltline", 5), (2, "x", None, 65), (3, "reddit", "rival", 130)], fail=False)
    _enrich(store, ("topics", "v1", [(0, [{"name": "app", "score": 1.0}]), (1, [])]), fail=False)
    with write_transaction(store.sessions) as session:
        session.execute(text("DELETE FROM dashboard_rollup WHERE dimension = 'volume'"))
    with store.sessions() as session:
        assert rollup.stored(session) != rollup.recompute(session)
    with write_transaction(store.sessions) as session:
        assert rollup.rebuild(session) == 3 + 1  # volume: one row per post (hours apart), and one topic
    _assert_exact(store)


@pytest.mark.parametrize("enricher", ["sentiment", "intent"])
def test_a_new_model_version_moves_the_counts(store: Store, enricher: str) -> None:
    _ingest(store, [(1, "x", "voltline", 5), (2, "x", "voltline", 6)], fail=False)
    first: Any = {"label": "negative"} if enricher == "sentiment" else ["complaint"]
    second: Any = {"label": "positive"} if enricher == "sentiment" else ["praise", "question"]
    _enrich(store, (enricher, "v1", [(0, first), (1, first)]), fail=False)
    _enrich(store, (enricher, "v2", [(0, second)]), fail=False)
    _assert_exact(store)
    dimension = "sentiment" if enricher == "sentiment" else "intent"
    with store.sessions() as session:
        rows = {(r[4], r[5]) for r in rollup.stored(session) if r[3] == dimension}
    expected = (
        {("negative", 1), ("positive", 1)}
        if enricher == "sentiment"
        else {("complaint", 1), ("praise", 1), ("question", 1)}
    )
    assert rows == expected


def test_migration_0008_fills_the_rollup_from_the_rows_already_stored(database_url: str) -> None:
    from groundswell.db import migrate
    from groundswell.db.engine import make_engine, make_session_factory
    from groundswell.models import Conversation

    engine = make_engine(database_url)
    migrate.upgrade(engine, "0007")
    sessions = make_session_factory(engine)
    plan = [("x", "voltline", 0, {"label": "negative"}, ["complaint", "question"], [{"name": "battery"}]),
            ("x", None, 1, {"label": None}, [], [{"name": "app"}, {"name": ""}]),
            ("reddit", "rival", 30, None, ["praise"], [])]  # fmt: skip
    with write_transaction(sessions) as session:
        for n, (channel, brand, hours, sentiment, intents, topics) in enumerate(plan):
            at = T0 + timedelta(hours=hours, minutes=n)
            conversation = Conversation(channel=channel, root_external_id=f"r{n}", started_at=at, last_post_at=at,
                                        post_count=1)  # fmt: skip
            session.add(conversation)
            session.flush()
            post = Post(channel=channel, external_id=f"p{n}", conversation_id=conversation.id, text="t", brand=brand,
                        created_at=at, raw="{}", source_format="test", ingested_at=at, attributes={})  # fmt: skip
            session.add(post)
            session.flush()
            for enricher, value in (("sentiment", sentiment), ("intent", intents), ("topics", topics)):
                session.add(Enrichment(post_id=post.id, enricher=enricher, version="v", value=value, enriched_at=at))
    migrate.upgrade(engine)
    with sessions() as session:
        stored = rollup.stored(session)
        assert stored == rollup.recompute(session)
    assert len([row for row in stored if row[3] == "volume"]) == 3
    assert {(row[3], row[4]) for row in stored if row[3] != "volume"} == {
        ("sentiment", "negative"), ("sentiment", ""), ("sentiment", ""), ("intent", "complaint"),
        ("intent", "question"), ("intent", "praise"), ("topic", "battery"), ("topic", "app"),
    }  # fmt: skip
    engine.dispose()
