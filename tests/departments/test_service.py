"""Departments imported from YAML, and insights built from stored posts and enrichments (SQLite, and
PostgreSQL when GROUNDSWELL_TEST_PG is set)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from groundswell.cli.common import Store
from groundswell.departments.service import build_insights, import_departments
from groundswell.errors import InvalidInput, NotFound
from groundswell.models import AuditEntry, Department, Insight
from tests.departments.world import DOCUMENT, PREVIOUS_WEEK, WEEK, World

END = WEEK + timedelta(days=7)


def _import(store: Store, document: dict[str, Any] = DOCUMENT) -> Any:
    with store.sessions.begin() as session:
        return import_departments(session, document=document, actor="dana", now=WEEK)


def test_import_is_an_idempotent_upsert_with_audit_lines(store: Store) -> None:
    first = _import(store)
    assert first.created == ["product design", "pricing", "marketing"]
    assert _import(store).unchanged == ["product design", "pricing", "marketing"]
    changed = {"departments": [{**DOCUMENT["departments"][1], "recipients": ["new@voltline.example"]}]}
    assert _import(store, changed).updated == ["pricing"]
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Department)) == 3
        pricing = session.scalars(select(Department).where(Department.name == "pricing")).one()
        assert pricing.digest_recipients == ["new@voltline.example"]
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "department")).all()
        assert actions.count("department.import") == 4


def _suggestions(store: Store) -> None:
    """This week: 6 posts from 4 customers about a timelapse mode for the PulsePad, 1 about the Volt Buds;
    the week before: 2 suggestions. Noise: complaints without the intent."""
    with store.sessions.begin() as session:
        w = World(session)
        day = WEEK + timedelta(hours=10)
        for i, (who, followers) in enumerate([("ana", 1000), ("ana", 1000), ("ben", 50), ("ben", 50),
                                              ("cy", 7), ("dee", 3)]):  # fmt: skip
            w.post(who, day + timedelta(days=i % 3), "please add a timelapse mode to the PulsePad camera",
                   followers=followers, intents=["suggestion"], sentiment="positive",
                   url=f"https://social.example/@{who}/{i}" if i == 0 else None)  # fmt: skip
        w.post("eve", day, "a louder bass setting for the buds would be nice", product="Volt Buds",
               intents=["suggestion"])  # fmt: skip
        for i in range(2):
            w.post(f"old{i}", PREVIOUS_WEEK + timedelta(days=1), "timelapse mode please", intents=["suggestion"])
        for i in range(5):
            w.post(f"noise{i}", day, "my PulsePad battery died again", intents=["complaint"], sentiment="negative")


def test_insights_count_distinct_customers_reach_and_trend(store: Store) -> None:
    _import(store)
    _suggestions(store)
    with store.sessions.begin() as session:
        insights = build_insights(session, department="product design", period_start=WEEK, period_end=END, now=END)
        by_group = {i.details["group"]: i for i in insights}
        assert set(by_group) == {"PulsePad", "Volt Buds"}
        pad = by_group["PulsePad"]
        assert (pad.kind, pad.customers, pad.reach) == ("intent", 4, 1000 + 50 + 7 + 3)
        assert len(pad.post_ids) == 6 and pad.post_ids[0] == session.scalars(
            select(Insight.post_ids).where(Insight.id == pad.id)).one()[0]  # fmt: skip
        assert pad.trend["total"] == 6 and pad.trend["previous_total"] == 2 and pad.trend["change"] == 2.0
        assert [d["count"] for d in pad.trend["per_day"]] == [2, 2, 2, 0, 0, 0, 0]
        assert pad.sentiment == {"positive": 1.0}
        assert "timelapse" in pad.title and "Suggestions about PulsePad" in pad.title
        assert "6 posts from 4 distinct customers" in pad.summary and "up 200% from 2" in pad.summary
        links = pad.details["links"]
        assert links[0]["post_id"] == pad.post_ids[0]  # the most reached customer's post comes first
        assert any(link["url"] == "https://social.example/@ana/0" for link in links)
        assert by_group["Volt Buds"].customers == 1 and by_group["Volt Buds"].trend["change"] is None


def test_a_rerun_updates_the_same_rows(store: Store) -> None:
    _import(store)
    _suggestions(store)
    with store.sessions.begin() as session:
        first = {i.fingerprint: i.id for i in build_insights(
            session, department="product design", period_start=WEEK, period_end=END, now=END)}  # fmt: skip
    with store.sessions.begin() as session:
        World(session).post("zed", WEEK + timedelta(days=4), "timelapse mode, pretty please", intents=["suggestion"])
    with store.sessions.begin() as session:
        again = build_insights(session, department="product design", period_start=WEEK, period_end=END, now=END)
        assert {i.fingerprint: i.id for i in again} == first
        assert session.scalar(select(func.count()).select_from(Insight)) == 2
        assert max(i.customers for i in again) == 5


def _pulsepad_sentiment(store: Store, *, before: tuple[int, int], now: tuple[int, int]) -> None:
    """(negative, other) PulsePad posts in the previous week and this week, each from its own customer."""
    with store.sessions.begin() as session:
        w = World(session)
        for label, start, (negative, other) in (("b", PREVIOUS_WEEK, before), ("n", WEEK, now)):
            for i in range(negative + other):
                w.post(f"{label}{i}", start + timedelta(hours=i), "the pulsepad screen flickers" if i < negative
                       else "pulsepad is fine", sentiment="negative" if i < negative else "neutral")  # fmt: skip


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        ((5, 45), (25, 25), 1),  # 10% -> 50% negative with 50 posts each: significant
        ((1, 9), (6, 4), 0),  # 10% -> 60% but only 10 posts each: below min_posts
        ((5, 20), (9, 16), 0),  # 20% -> 36% with 25 posts each: p ~ 0.2, not significant
    ],
)
def test_sentiment_change_needs_enough_posts_and_significance(
    store: Store, before: tuple[int, int], now: tuple[int, int], expected: int
) -> None:
    _import(store)
    _pulsepad_sentiment(store, before=before, now=now)
    with store.sessions.begin() as session:
        insights = build_insights(session, department="marketing", period_start=WEEK, period_end=END, now=END)
    assert len(insights) == expected
    if expected:
        (insight,) = insights
        assert insight.kind == "sentiment_change"
        assert insight.title == "Negative sentiment about PulsePad rose from 10% to 50%"
        assert insight.details["change"]["p_value"] < 0.01 and insight.customers == 50
        assert insight.sentiment == {"negative": 0.5, "neutral": 0.5}


def test_errors_say_what_to_do(store: Store) -> None:
    _import(store)
    with store.sessions.begin() as session:
        with pytest.raises(NotFound, match="departments import"):
            build_insights(session, department="legal", period_start=WEEK, period_end=END, now=END)
        with pytest.raises(InvalidInput, match="before it starts"):
            build_insights(session, department="pricing", period_start=END, period_end=WEEK, now=END)
