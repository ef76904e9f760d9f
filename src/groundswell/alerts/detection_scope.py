"""The bounded state of one scope (a brand, a topic...): per-bucket counts over the last `history_days`, the
authors seen, phrase document frequencies, the posts of the open window, and the open runs of anomalies.

Fields of a bucket's counts: posts, negative, sentiment known, anger, emotion known, new authors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from groundswell.alerts.detection_stats import Level, robust_level, shrunk_level
from groundswell.alerts.detection_types import DetectorConfig

POSTS, NEGATIVE, SENTIMENT_KNOWN, ANGER, EMOTION_KNOWN, NEW_AUTHORS = range(6)


@dataclass
class ScopeState:
    first_bucket: int
    current: int
    counts: dict[int, list[int]] = field(default_factory=dict)
    authors: dict[str, int] = field(default_factory=dict)  # author -> last bucket seen
    phrase_docs: dict[str, int] = field(default_factory=dict)  # history (outside the window)
    phrase_total: int = 0
    window_phrases: dict[int, dict[str, list[int | str]]] = field(default_factory=dict)
    recent: dict[str, list[Any]] = field(default_factory=dict)  # post id -> [bucket, id, author, followers, flags...]
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> {start, last, severity}
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)  # derived, never serialised
    stats: dict[tuple[int, int, int], list[int]] = field(default_factory=dict, repr=False)  # until the next post

    # --- moving forward in time -------------------------------------------------------------------------

    def advance(self, bucket: int, config: DetectorConfig) -> None:
        """Move to a later bucket: window buckets that fall out go into the phrase history; old counts,
        authors and runs are dropped."""
        if bucket <= self.current:
            return
        window = max(config.windows)
        for old in [b for b in self.window_phrases if b <= bucket - window]:
            for phrase, posts in self.window_phrases.pop(old).items():
                self.phrase_docs[phrase] = self.phrase_docs.get(phrase, 0) + len(posts)
            self.phrase_total += self.counts.get(old, [0])[POSTS]
        for key in [k for k, v in self.recent.items() if v[0] <= bucket - window]:
            del self.recent[key]
        horizon = bucket - config.history_days * config.buckets_per_day
        if bucket // config.buckets_per_day != self.current // config.buckets_per_day:
            self.counts = {b: c for b, c in self.counts.items() if b > horizon}
            self.authors = {a: b for a, b in self.authors.items() if b > horizon}
        if len(self.phrase_docs) > config.max_phrases * 3 // 2:
            kept = sorted(self.phrase_docs.items(), key=lambda kv: (-kv[1], kv[0]))[: config.max_phrases]
            self.phrase_docs = dict(kept)
        cooldown = config.cooldown_minutes // config.bucket_minutes
        self.runs = {k: r for k, r in self.runs.items() if bucket - r["last"] <= cooldown}
        self.cache = {k: v for k, v in self.cache.items() if k[1] >= bucket - 1}
        self.current = bucket

    def observe(self, bucket: int, post_id: int | str, author: str | None, followers: int,
                negative: bool | None, anger: bool | None, grams: frozenset[str]) -> None:  # fmt: skip
        self.stats.clear()
        row = self.counts.setdefault(bucket, [0] * 6)
        new_author = author is not None and author not in self.authors
        for index, flag in (
            (POSTS, True),
            (NEGATIVE, negative is True),
            (SENTIMENT_KNOWN, negative is not None),
            (ANGER, anger is True),
            (EMOTION_KNOWN, anger is not None),
            (NEW_AUTHORS, new_author),
        ):
            row[index] += int(flag)
        if author is not None:
            self.authors[author] = max(bucket, self.authors.get(author, bucket))
        flags = [int(negative is True), int(negative is not None), int(anger is True), int(anger is not None)]
        self.recent[str(post_id)] = [bucket, post_id, author, followers, *flags, int(new_author)]
        phrases = self.window_phrases.setdefault(bucket, {})
        for gram in grams:
            phrases.setdefault(gram, []).append(post_id)

    # --- what the window holds ----------------------------------------------------------------------------

    def window_sum(self, bucket: int, width: int, index: int) -> int:
        return sum(self.counts.get(b, (0,) * 6)[index] for b in range(bucket - width + 1, bucket + 1))

    def window_stats(self, bucket: int, width: int, per_author: int) -> list[int]:
        """The window's counts (POSTS..NEW_AUTHORS) with at most `per_author` posts from any one author, so one
        person's thread of ten posts is not a crowd."""
        key = (bucket, width, per_author)
        if key in self.stats:
            return self.stats[key]
        totals, seen = [0] * 6, dict[str, int]()
        for post in sorted(self.recent.values(), key=lambda p: (p[0], str(p[1]))):
            if not bucket - width < post[0] <= bucket:
                continue
            who = post[2] if post[2] is not None else f"post:{post[1]}"
            seen[who] = seen.get(who, 0) + 1
            if seen[who] <= per_author:
                for index, value in enumerate((1, *post[4:9])):
                    totals[index] += value
        self.stats[key] = totals
        return totals

    def window_posts(self, since: int) -> list[list[Any]]:
        return sorted((p for p in self.recent.values() if p[0] >= since), key=lambda p: (p[0], str(p[1])))

    def reach(self, since: int) -> int:
        followers: dict[Any, int] = {}
        for bucket, post_id, author, count, *_ in self.recent.values():
            if bucket >= since:
                key = author if author is not None else f"post:{post_id}"
                followers[key] = max(followers.get(key, 0), int(count or 0))
        return sum(followers.values())

    def window_phrase_posts(self, bucket: int, width: int) -> dict[str, list[int | str]]:
        merged: dict[str, list[int | str]] = {}
        for b in range(bucket - width + 1, bucket + 1):
            for phrase, posts in self.window_phrases.get(b, {}).items():
                merged.setdefault(phrase, []).extend(posts)
        return merged

    # --- baselines (cached; each depends only on buckets before the window, so restoring state mid-stream
    # gives the same numbers) --------------------------------------------------------------------------------

    def expected(self, bucket: int, width: int, config: DetectorConfig) -> Level:
        key = ("expected", bucket, width)
        if key not in self.cache:
            per_day = config.buckets_per_day
            samples: list[float] = []
            days = 0
            for day in range(1, config.history_days + 1):
                found = False
                for offset in config.hour_offsets:
                    end = bucket - day * per_day + offset
                    if end - width + 1 >= self.first_bucket and end < bucket - width + 1:
                        samples.append(self.window_sum(end, width, POSTS))
                        found = True
                days += found
            hour_of_day = robust_level(samples)
            self.cache[key] = shrunk_level(hour_of_day, days, self.all_hours(bucket, width, config), config.prior_days)
        level: Level = self.cache[key]
        return level

    def all_hours(self, bucket: int, width: int, config: DetectorConfig) -> Level:
        """Median and MAD of the window counts over all history before the current hour."""
        hour = bucket - bucket % (60 // config.bucket_minutes)
        key = ("all_hours", hour, width)
        if key not in self.cache:
            start = max(self.first_bucket, hour - config.history_days * config.buckets_per_day)
            dense = [self.counts.get(b, (0,))[POSTS] for b in range(start, hour)]
            sums = [sum(dense[end - width + 1 : end + 1]) for end in range(len(dense) - 1, width - 2, -width)]
            self.cache[key] = robust_level(sums)
        level: Level = self.cache[key]
        return level

    def base_share(self, bucket: int, hits: int, known: int, config: DetectorConfig) -> float:
        """The share (of negative posts, angry posts, new authors) over the history before the current hour,
        shrunk towards one half."""
        hour = bucket - bucket % (60 // config.bucket_minutes)
        key = ("totals", hour)
        if key not in self.cache:
            totals = [0] * 6
            for b, row in self.counts.items():
                if b < hour:
                    for index, value in enumerate(row):
                        totals[index] += value
            self.cache[key] = totals
        top, bottom = self.cache[key][hits], self.cache[key][known]
        return float((top + config.share_prior_posts / 2) / (bottom + config.share_prior_posts))

    # --- serialisation --------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_bucket": self.first_bucket,
            "current": self.current,
            "counts": {str(b): c for b, c in self.counts.items()},
            "authors": self.authors,
            "phrase_docs": self.phrase_docs,
            "phrase_total": self.phrase_total,
            "window_phrases": {str(b): p for b, p in self.window_phrases.items()},
            "recent": self.recent,
            "runs": self.runs,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScopeState:
        return cls(
            first_bucket=int(data["first_bucket"]),
            current=int(data["current"]),
            counts={int(b): list(c) for b, c in data["counts"].items()},
            authors=dict(data["authors"]),
            phrase_docs=dict(data["phrase_docs"]),
            phrase_total=int(data["phrase_total"]),
            window_phrases={int(b): {k: list(v) for k, v in p.items()} for b, p in data["window_phrases"].items()},
            recent={k: list(v) for k, v in data["recent"].items()},
            runs={k: dict(v) for k, v in data["runs"].items()},
        )
