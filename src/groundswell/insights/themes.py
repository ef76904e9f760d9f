"""New themes: what customers talk about in the recent window that they did not talk about before.

`find_themes` compares the recent window (posts after `baseline_until`, by default the last two days) with the
baseline before it. It clusters the recent posts in a joint space of meaning (the encoder's sentence vectors) and
the window's new key phrases (themes_space), keeps clusters written by enough distinct authors, and measures
each against the baseline: how many baseline posts lie as close to the cluster's centre as its own members do
(per day, against the recent posts per day: the growth) and which key phrases are over-represented against the
baseline (alerts.phrases log-odds; the label). A theme is reported when it is new or growing fast. Pure: posts
in, themes out, no clock and no I/O."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from groundswell.alerts.phrases import phrases, top_phrases
from groundswell.insights.catalogue import Catalogue
from groundswell.insights.themes_space import (
    cluster,
    joint_space,
    novel_phrase_weights,
    phrase_matrix,
    stemmed_phrases,
)
from groundswell.insights.themes_uses import judge_use

SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class ThemePost:
    id: str
    created_at: datetime
    text: str
    embedding: Sequence[float] | np.ndarray
    author: str | None = None
    sentiment: str | None = None  # negative, neutral or positive


@dataclass(frozen=True)
class ThemeConfig:
    recent_days: float = 2.0  # the recent window when no baseline_until is given
    meaning_weight: float = 0.5  # share of meaning (vs new phrases) in the similarity of two posts
    distance: float = 0.55  # clusters are cut at this average cosine distance
    min_size: int = 10
    min_authors: int = 5
    min_phrase_count: int = 3  # a new phrase occurs in at least this many recent posts
    min_phrase_z: float = 2.0
    member_quantile: float = 0.1  # the cluster's radius: this quantile of its members' similarity to the centre
    min_growth: float = 10.0  # recent posts per day over baseline posts per day within the radius
    baseline_floor: float = 0.5  # baseline posts assumed within the radius when there are none (finite growth)


@dataclass(frozen=True)
class Theme:
    label: str
    key_phrases: list[str]
    size: int
    growth: float
    sentiment: dict[str, float]
    post_ids: list[str]
    unexpected_use: bool
    product: str | None = None
    new: bool = False  # no baseline post within the theme's radius
    authors: int = 0
    baseline_support: int = 0
    unexpected_purposes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label, "key_phrases": self.key_phrases, "size": self.size, "growth": self.growth,
            "sentiment": self.sentiment, "post_ids": self.post_ids, "unexpected_use": self.unexpected_use,
            "product": self.product, "new": self.new, "authors": self.authors,
            "baseline_support": self.baseline_support, "unexpected_purposes": self.unexpected_purposes,
        }  # fmt: skip


def find_themes(
    posts: Sequence[ThemePost], *, baseline_until: datetime | None = None, catalogue: Catalogue | None = None,
    config: ThemeConfig | None = None,
) -> list[Theme]:  # fmt: skip
    """The new or fast-growing themes of the recent window, biggest growth first. Every post needs an embedding of
    one length (ValueError naming the first post without one, or of another length, otherwise): leave out posts
    not embedded yet before calling. No theme without baseline posts, or with fewer recent posts than `min_size`."""
    config = config or ThemeConfig()
    if not posts:
        return []
    _check_embeddings(posts)
    if baseline_until is None:
        baseline_until = max(p.created_at for p in posts) - timedelta(days=config.recent_days)
    recent = [p for p in posts if p.created_at > baseline_until]
    baseline = [p for p in posts if p.created_at <= baseline_until]
    if len(recent) < config.min_size or not baseline:
        return []
    window = _Windows(recent, baseline, config)
    themes = [t for members in window.candidates() if (t := window.theme(members, catalogue)) is not None]
    return sorted(themes, key=lambda t: (-t.growth, -t.size, t.label))


class _Windows:
    """Both windows in the joint space, and the baseline's phrase counts."""

    def __init__(self, recent: list[ThemePost], baseline: list[ThemePost], config: ThemeConfig) -> None:
        self.recent, self.baseline, self.config = recent, baseline, config
        recent_phrases = [stemmed_phrases(p.text) for p in recent]
        baseline_phrases = [stemmed_phrases(p.text) for p in baseline]
        counts = Counter(p for post in baseline_phrases for p in post)
        weights = novel_phrase_weights(recent_phrases, counts, len(baseline), min_count=config.min_phrase_count,
                                       min_z=config.min_phrase_z)  # fmt: skip
        self.recent_points = joint_space(_matrix(recent), phrase_matrix(recent_phrases, weights),
                                         meaning_weight=config.meaning_weight)  # fmt: skip
        self.baseline_points = joint_space(_matrix(baseline), phrase_matrix(baseline_phrases, weights),
                                           meaning_weight=config.meaning_weight)  # fmt: skip
        self.baseline_counts = Counter(p for post in baseline for p in phrases(post.text))
        first = min(p.created_at for p in baseline)
        last = max(p.created_at for p in recent)
        split = max(p.created_at for p in baseline)
        self.baseline_days = max((split - first).total_seconds() / 86400, 1.0)
        self.recent_days = max((last - split).total_seconds() / 86400, 1.0 / 24)

    def candidates(self) -> list[np.ndarray]:
        labels = cluster(self.recent_points, distance=self.config.distance)
        groups = [np.flatnonzero(labels == label) for label in np.unique(labels)]
        return [g for g in groups if len(g) >= self.config.min_size]

    def theme(self, members: np.ndarray, catalogue: Catalogue | None) -> Theme | None:
        config = self.config
        posts = [self.recent[i] for i in members]
        authors = {p.author or p.id for p in posts}
        if len(authors) < config.min_authors:
            return None
        centre = self.recent_points[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        closeness = self.recent_points[members] @ centre
        radius = float(np.quantile(closeness, config.member_quantile))
        # The loosest members (below the radius) are left out: a cluster's edge is where unrelated posts join.
        members = members[closeness >= radius]
        if len(members) < config.min_size:  # a theme has min_size posts after its edge is left out too
            return None
        posts = [self.recent[i] for i in members]
        support = int(np.count_nonzero(self.baseline_points @ centre >= radius))
        recent_rate = len(posts) / self.recent_days
        baseline_rate = max(support, config.baseline_floor) / self.baseline_days
        growth = recent_rate / baseline_rate
        if growth < config.min_growth:
            return None
        counts = Counter(p for post in posts for p in phrases(post.text))
        key = top_phrases(counts, len(posts), self.baseline_counts, len(self.baseline), limit=6)
        if not key:
            return None
        verdict = judge_use([p.text for p in posts], key, catalogue)
        return Theme(
            label=_label(key), key_phrases=key, size=len(posts), growth=round(growth, 2),
            sentiment=_sentiment(posts), post_ids=[p.id for p in posts], unexpected_use=verdict.unexpected,
            product=verdict.product, new=support == 0, authors=len(authors), baseline_support=support,
            unexpected_purposes=list(verdict.purposes) if verdict.unexpected else [],
        )  # fmt: skip


def _label(key_phrases: list[str]) -> str:
    """The top phrases, those already inside a chosen one left out: `amenity kit, cable organizer`."""
    chosen: list[str] = []
    for phrase in key_phrases:
        if any(set(phrase.split()) <= set(c.split()) for c in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == 3:
            break
    return ", ".join(chosen)


def _sentiment(posts: Sequence[ThemePost]) -> dict[str, float]:
    counts = Counter(p.sentiment for p in posts if p.sentiment in SENTIMENTS)
    total = sum(counts.values())
    return {s: round(counts[s] / total, 3) if total else 0.0 for s in SENTIMENTS}


def _check_embeddings(posts: Sequence[ThemePost]) -> None:
    length = len(posts[0].embedding)
    for post in posts:
        if len(post.embedding) == 0 or len(post.embedding) != length:
            found = f"one of length {len(post.embedding)}" if len(post.embedding) else "none"
            raise ValueError(
                f"post {post.id}: every post needs an embedding of the same length ({length or 'not zero'}), it has "
                f"{found}; enrich the posts with `embedding` (one tier) or leave out those without"
            )


def _matrix(posts: Sequence[ThemePost]) -> np.ndarray:
    matrix = np.asarray([np.asarray(p.embedding, dtype=np.float32) for p in posts], dtype=np.float32)
    if matrix.ndim != 2 or not math.isfinite(float(matrix.sum())):
        raise ValueError("every post needs an embedding of the same length")
    return matrix
