"""Pure insight building: which posts a subscription concerns, and what a department should read about them
(title, summary, trend, representative posts, distinct customers, reach, sentiment). No I/O; the service
feeds it posts read from the store."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from groundswell.alerts.phrases import phrases, top_phrases

REPRESENTATIVES = 3
MAX_POST_IDS = 200
MAX_LINKS = 20
INTENT_TITLES = {
    "suggestion": "Suggestions", "complaint": "Complaints", "question": "Questions", "praise": "Praise",
    "purchase_intent": "Purchase intent", "lost_item": "Lost items", "other": "Other posts",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What insight building needs of one stored post and its enrichments."""

    id: int
    created_at: datetime
    author: str  # one key per customer: the author row, or the post itself when the author is unknown
    followers: int = 0
    engagement: int = 0  # likes + reposts + replies
    text: str = ""
    brand: str | None = None
    product: str | None = None
    url: str | None = None
    sentiment: str | None = None
    intents: frozenset[str] = frozenset()
    topics: dict[str, float] = field(default_factory=dict)
    embedding: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """What one insight is about: an intent, a topic, or the sentiment about a product or brand; `group` is the
    product or brand when the department splits its insights."""

    kind: str  # intent, topic, sentiment_change
    name: str
    group: str | None = None
    min_score: float = 0.5

    @property
    def label(self) -> str:
        base = INTENT_TITLES.get(self.name, self.name) if self.kind == "intent" else self.name
        return f"{base} about {self.group}" if self.group else base


@dataclass(frozen=True, slots=True)
class SentimentChange:
    previous_share: float
    current_share: float
    previous_posts: int
    current_posts: int
    z: float
    p_value: float
    significant: bool

    @property
    def change(self) -> float:
        return self.current_share - self.previous_share


@dataclass(slots=True)
class InsightDraft:
    kind: str
    fingerprint: str
    title: str
    summary: str
    trend: dict[str, Any]
    post_ids: list[int]
    customers: int
    reach: int
    sentiment: dict[str, Any]
    details: dict[str, Any]


def concerns(subject: Subject, post: PostFacts) -> bool:
    """Whether a post belongs to a subject (the group, when set, must match too)."""
    if subject.kind == "intent":
        hit = subject.name in post.intents
    elif subject.kind == "topic":
        hit = post.topics.get(subject.name, 0.0) >= subject.min_score
    else:
        hit = subject.name in (post.product, post.brand)
    return hit and (subject.group is None or subject.group in (post.product, post.brand))


def groups(posts: Iterable[PostFacts], split_by: str | None) -> list[str | None]:
    """The products (or brands) seen among the posts, sorted; [None] when the department does not split."""
    if split_by is None:
        return [None]
    seen = {p.product if split_by == "product" else p.brand for p in posts}
    return [*sorted(g for g in seen if g)]


def previous_period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return start - (end - start), start


def daily_counts(posts: Iterable[PostFacts], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Posts per calendar day (in the period's time zone) from the start's day to the day before the end."""
    counts = Counter(p.created_at.astimezone(start.tzinfo).date() for p in posts)
    day, last = start.date(), (end - timedelta(microseconds=1)).astimezone(start.tzinfo).date()
    out = []
    while day <= last:
        out.append({"day": day.isoformat(), "count": counts.get(day, 0)})
        day += timedelta(days=1)
    return out


def customers_and_reach(posts: Iterable[PostFacts]) -> tuple[int, int]:
    """Distinct authors, and the sum of their followers (each author counted once, at their largest count)."""
    followers: dict[str, int] = {}
    for post in posts:
        followers[post.author] = max(followers.get(post.author, 0), max(post.followers, 0))
    return len(followers), sum(followers.values())


def sentiment_shares(posts: Iterable[PostFacts]) -> dict[str, float]:
    """Share of each sentiment label among the posts that have one (sums to 1; empty when none has)."""
    labels = Counter(p.sentiment for p in posts if p.sentiment)
    total = sum(labels.values())
    return {label: n / total for label, n in sorted(labels.items())} if total else {}


def representatives(posts: Sequence[PostFacts], limit: int = REPRESENTATIVES) -> list[int]:
    """All post ids, the representative ones first: closest to the centroid when every post has an embedding
    (ties and the rest by reach), otherwise the most reached (followers plus engagement)."""

    def reached(p: PostFacts) -> int:
        return max(p.followers, 0) + max(p.engagement, 0)

    by_reach = sorted(posts, key=lambda p: (-reached(p), p.id))
    vectors = [p.embedding for p in posts]
    if posts and all(v is not None and len(v) == len(vectors[0] or ()) for v in vectors):
        centre = [sum(column) / len(posts) for column in zip(*[v for v in vectors if v is not None], strict=True)]
        score = {p.id: sum(a * b for a, b in zip(p.embedding or (), centre, strict=True)) for p in posts}
        first = sorted(posts, key=lambda p: (-round(score[p.id], 9), -reached(p), p.id))[:limit]
    else:
        first = by_reach[:limit]
    chosen = [p.id for p in first]
    return chosen + [p.id for p in by_reach if p.id not in set(chosen)]


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test of x1/n1 against x2/n2: (z, two-sided p-value)."""
    if n1 <= 0 or n2 <= 0:
        return 0.0, 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def sentiment_change(
    current: Sequence[PostFacts], previous: Sequence[PostFacts], *, min_posts: int, min_change: float, alpha: float
) -> SentimentChange | None:
    """The change in negative share between two periods; None when either has fewer than `min_posts` posts with a
    sentiment. `significant` needs both a change of at least `min_change` and p < `alpha`."""
    now = [p for p in current if p.sentiment]
    before = [p for p in previous if p.sentiment]
    if len(now) < min_posts or len(before) < min_posts:
        return None
    x1, x2 = sum(p.sentiment == "negative" for p in now), sum(p.sentiment == "negative" for p in before)
    z, p_value = two_proportion_test(x1, len(now), x2, len(before))
    share_now, share_before = x1 / len(now), x2 / len(before)
    significant = abs(share_now - share_before) >= min_change and p_value < alpha
    return SentimentChange(share_before, share_now, len(before), len(now), z, p_value, significant)


def fingerprint(subject: Subject, start: datetime, end: datetime) -> str:
    """Stable across runs of one period, so a re-run updates the insight it made before."""
    readable = f"{subject.kind}:{subject.name}:{subject.group or '*'}:{start:%Y%m%dT%H%M}-{end:%Y%m%dT%H%M}"
    if len(readable) <= 128:
        return readable
    return f"{subject.kind}:{hashlib.sha256(readable.encode()).hexdigest()}"


def key_phrases(posts: Sequence[PostFacts], background: Sequence[PostFacts], limit: int = 4) -> list[str]:
    """Phrases over-represented in the posts against the rest of the period (alerts' log-odds scoring)."""
    window: Counter[str] = Counter()
    for post in posts:
        window.update(phrases(post.text))
    history: Counter[str] = Counter()
    for post in background:
        history.update(phrases(post.text))
    return top_phrases(window, len(posts), history, len(background), limit=limit)


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _trend(
    current: Sequence[PostFacts], previous: Sequence[PostFacts], start: datetime, end: datetime
) -> dict[str, Any]:
    total, before = len(current), len(previous)
    return {
        "per_day": daily_counts(current, start, end),
        "total": total,
        "previous_total": before,
        "change": (total - before) / before if before else None,
    }


def _trend_words(trend: dict[str, Any]) -> str:
    before, change = trend["previous_total"], trend["change"]
    if change is None:
        return "none in the previous period"
    if abs(change) < 0.005:
        return f"as many as in the previous period ({before})"
    return f"{'up' if change > 0 else 'down'} {abs(change) * 100:.0f}% from {before} in the previous period"


def _reach_words(reach: int) -> str:
    return f"combined reach {reach:,}" if reach else "reach unknown: no follower counts"


def _shares_words(shares: dict[str, float]) -> str:
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{_percent(share)} {label}" for label, share in ordered) or "no sentiment known"


def draft_insight(
    subject: Subject,
    current: Sequence[PostFacts],
    previous: Sequence[PostFacts],
    *,
    background: Sequence[PostFacts],
    start: datetime,
    end: datetime,
    change: SentimentChange | None = None,
) -> InsightDraft:
    """The insight a department reads about a subject's posts in a period (`previous`: the period before;
    `background`: the period's other posts, against which key phrases stand out)."""
    customers, reach = customers_and_reach(current)
    shares = sentiment_shares(current)
    trend = _trend(current, previous, start, end)
    ordered = representatives(current)
    found = key_phrases(current, background)
    quoted = ", ".join(f"“{p}”" for p in found)
    if change is not None:
        direction = "rose" if change.change > 0 else "fell"
        title = (f"Negative sentiment about {subject.name} {direction} from {_percent(change.previous_share)} "
                 f"to {_percent(change.current_share)}")  # fmt: skip
        lead = (f"{_percent(change.current_share)} of {change.current_posts} posts about {subject.name} were negative, "
                f"against {_percent(change.previous_share)} of {change.previous_posts} in the previous period "
                f"(z = {change.z:.2f}, p = {change.p_value:.2g}).")  # fmt: skip
    else:
        title = f"{subject.label}: {quoted}" if found else f"{subject.label}: {len(current)} posts"
        lead = ""
    by_id = {p.id: p for p in current}
    summary = " ".join(part for part in [
        lead,
        f"{len(current)} posts from {customers} distinct customers ({_reach_words(reach)}) between "
        f"{start:%Y-%m-%d} and {(end - timedelta(microseconds=1)):%Y-%m-%d}, {_trend_words(trend)}.",
        f"Sentiment: {_shares_words(shares)}.",
        f"Most mentioned: {quoted}." if found else "",
    ] if part)  # fmt: skip
    details: dict[str, Any] = {
        "subject": subject.name, "group": subject.group, "key_phrases": found, "posts": len(current),
        "links": [{"post_id": i, "url": by_id[i].url} for i in ordered[:MAX_LINKS]],
    }  # fmt: skip
    if change is not None:
        details["change"] = {
            "previous_share": change.previous_share, "current_share": change.current_share,
            "previous_posts": change.previous_posts, "current_posts": change.current_posts,
            "z": change.z, "p_value": change.p_value,
        }  # fmt: skip
    return InsightDraft(
        kind=subject.kind, fingerprint=fingerprint(subject, start, end), title=title, summary=summary, trend=trend,
        post_ids=ordered[:MAX_POST_IDS], customers=customers, reach=reach, sentiment=shares, details=details,
    )  # fmt: skip
