"""Pure insight rules, property-tested: customers never exceed posts, shares sum to 1, reach counts each author
once, drafting is deterministic (a re-run gives the same fingerprint and figures), and the z-test is symmetric."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groundswell.departments.rules import (
    PostFacts,
    Subject,
    customers_and_reach,
    daily_counts,
    draft_insight,
    representatives,
    sentiment_shares,
    two_proportion_test,
)

START = datetime(2026, 3, 2, tzinfo=UTC)
END = START + timedelta(days=7)

posts_strategy = st.lists(
    st.builds(
        lambda i, author, followers, minutes, sentiment, words: PostFacts(
            id=i,
            created_at=START + timedelta(minutes=minutes),
            author=f"a{author}",
            followers=followers,
            text=" ".join(words),
            sentiment=sentiment,
            intents=frozenset({"suggestion"}),
        ),
        st.integers(1, 10**6),
        st.integers(0, 8),
        st.integers(0, 10**6),
        st.integers(0, 7 * 24 * 60 - 1),
        st.sampled_from([None, "negative", "neutral", "positive"]),
        st.lists(st.sampled_from(["timelapse", "mode", "battery", "camera", "price", "bass"]), max_size=6),
    ),
    max_size=40,
    unique_by=lambda p: p.id,
)


@given(posts_strategy)
def test_customers_reach_shares_and_days(posts: list[PostFacts]) -> None:
    customers, reach = customers_and_reach(posts)
    assert customers <= len(posts) and customers == len({p.author for p in posts})
    assert reach == sum(max(p.followers for p in posts if p.author == a) for a in {p.author for p in posts})
    shares = sentiment_shares(posts)
    assert (abs(sum(shares.values()) - 1) < 1e-9) if any(p.sentiment for p in posts) else shares == {}
    days = daily_counts(posts, START, END)
    assert len(days) == 7 and sum(d["count"] for d in days) == len(posts)
    ordered = representatives(posts)
    assert sorted(ordered) == sorted(p.id for p in posts)


@given(posts_strategy, posts_strategy)
def test_drafting_is_deterministic(current: list[PostFacts], previous: list[PostFacts]) -> None:
    subject = Subject("intent", "suggestion", "PulsePad")
    first = draft_insight(subject, current, previous, background=[], start=START, end=END)
    again = draft_insight(subject, list(reversed(current)), previous, background=[], start=START, end=END)
    assert first.fingerprint == again.fingerprint and first.customers == again.customers
    assert first.post_ids == again.post_ids and first.trend == again.trend and first.title == again.title


def test_central_posts_come_first_when_embedded() -> None:
    def post(i: int, vector: tuple[float, ...], followers: int) -> PostFacts:
        return PostFacts(id=i, created_at=START, author=f"a{i}", followers=followers, embedding=vector)

    posts = [post(1, (1.0, 0.0), 10), post(2, (0.9, 0.1), 5), post(3, (0.0, 1.0), 10_000)]
    assert representatives(posts, limit=1) == [1, 3, 2]  # the outlier with reach comes next, by reach
    assert representatives(posts, limit=2) == [1, 2, 3]
    plain = [PostFacts(id=p.id, created_at=START, author=p.author, followers=p.followers) for p in posts]
    assert representatives(plain, limit=1) == [3, 1, 2]  # without embeddings: the most reached first


@given(st.integers(0, 200), st.integers(1, 200), st.integers(0, 200), st.integers(1, 200))
def test_two_proportion_test_is_symmetric_and_bounded(x1: int, n1: int, x2: int, n2: int) -> None:
    x1, x2 = min(x1, n1), min(x2, n2)
    z, p = two_proportion_test(x1, n1, x2, n2)
    z_back, p_back = two_proportion_test(x2, n2, x1, n1)
    assert 0 <= p <= 1 and abs(z + z_back) < 1e-9 and abs(p - p_back) < 1e-12
    if x1 * n2 == x2 * n1:
        assert p == 1.0 or abs(z) < 1e-9


def test_two_proportion_test_known_value() -> None:
    z, p = two_proportion_test(25, 50, 5, 50)  # 50% vs 10%
    assert round(z, 2) == 4.36 and p < 1e-4
