"""Streaming crisis detection, pure (no clock, no I/O).

Per scope (brand, product, topic or location, chosen with `by`) posts are counted in 10-minute buckets and each
new post is checked against windows of 10, 30 and 60 minutes ending at its bucket:

- volume_spike: the window's count against a robust hour-of-day level (median and MAD of the same window at the
  same time of day, +-30 minutes, on each past day), shrunk towards the scope's all-hours level while few days
  exist, with a Poisson floor so a quiet scope does not alarm on three posts. Weekly rhythm would need weeks of
  history; with `history_days` >= 14 the same-weekday days could be weighted, but the shared data covers 8 days,
  so only the daily rhythm is modelled;
- negative_shift, anger_shift, new_authors: the window's share against the scope's share before this hour
  (binomial z and a minimum rise);
- new_theme: a phrase (1-2 gram) of the post much more frequent in the last hour than in the scope's history
  (log-odds with an informative Dirichlet prior), posted by several authors.

Anomalies of one kind in one scope form a run, which ends after `cooldown_minutes` without one; the run's
`start` (first bucket above baseline) fixes the alert's fingerprint, so repeated detections merge. A candidate is
returned when a run starts and again when its severity rises.

Posts may arrive out of order by up to `grace_seconds`: they are held and handled in (time, id) order, so
shuffling within the grace window or splitting the stream into batches yields the same alerts. Later posts are
still counted, out of order. The state is bounded (counts and authors for `history_days`, a capped phrase table,
the open hour's posts) and JSON-serialisable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from groundswell.alerts.detection_scope import (
    ANGER,
    EMOTION_KNOWN,
    NEGATIVE,
    NEW_AUTHORS,
    POSTS,
    SENTIMENT_KNOWN,
    ScopeState,
)
from groundswell.alerts.detection_stats import SEVERITIES, poisson_tail, severity, share_score, volume_score
from groundswell.alerts.detection_types import AlertCandidate, DetectorConfig, PostSignal
from groundswell.alerts.phrases import log_odds_z, phrases, top_phrases

__all__ = ["AlertCandidate", "Detector", "DetectorConfig", "PostSignal"]

SHARE_KINDS = {
    "negative_shift": (NEGATIVE, SENTIMENT_KNOWN, "negative"),
    "anger_shift": (ANGER, EMOTION_KNOWN, "angry"),
    "new_authors": (NEW_AUTHORS, POSTS, "from new authors"),
}
STATE_VERSION = 1


class Detector:
    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self.scopes: dict[str, ScopeState] = {}
        self.pending: list[PostSignal] = []
        self.watermark: datetime | None = None
        self.posts_seen = 0

    # --- streaming ------------------------------------------------------------------------------------------

    def update(self, posts: Iterable[PostSignal], *, now: datetime | None = None) -> list[AlertCandidate]:
        """Take a batch; handle, in time order, the posts older than the newest time seen (or `now`) minus the
        grace period. The rest wait for the next batch or `flush()`."""
        for post in posts:
            self.pending.append(post)
            if self.watermark is None or post.created_at > self.watermark:
                self.watermark = post.created_at
        if now is not None and (self.watermark is None or now > self.watermark):
            self.watermark = now
        assert self.watermark is not None or not self.pending
        if self.watermark is None:
            return []
        cutoff = self.watermark - timedelta(seconds=self.config.grace_seconds)
        ready = [p for p in self.pending if p.created_at < cutoff]
        self.pending = [p for p in self.pending if p.created_at >= cutoff]
        return self._handle(ready)

    def flush(self) -> list[AlertCandidate]:
        """Handle every held post (end of a file)."""
        ready, self.pending = self.pending, []
        return self._handle(ready)

    def _handle(self, posts: list[PostSignal]) -> list[AlertCandidate]:
        found: list[AlertCandidate] = []
        for post in sorted(posts, key=lambda p: (p.created_at, str(p.post_id))):
            self.posts_seen += 1
            grams = phrases(post.text) if post.text else frozenset()
            for scope_kind in self.config.by:
                for scope in dict.fromkeys(post.scopes.get(scope_kind, ())):
                    found.extend(self._observe(scope_kind, scope, post, grams))
        return found

    def _observe(self, scope_kind: str, scope: str, post: PostSignal, grams: frozenset[str]) -> list[AlertCandidate]:
        config = self.config
        bucket = config.bucket(post.created_at)
        key = f"{scope_kind}\x1f{scope}"
        state = self.scopes.get(key)
        if state is None:
            state = self.scopes[key] = ScopeState(first_bucket=bucket, current=bucket)
        state.advance(bucket, config)
        state.observe(bucket, post.post_id, post.author, post.followers, post.negative, post.anger, grams)
        warm = (bucket - state.first_bucket) * config.bucket_minutes >= config.warmup_hours * 60
        if not warm:
            return []
        hits = [self._volume(state, bucket), *(self._share(state, bucket, kind) for kind in SHARE_KINDS)]
        hits.append(self._theme(state, bucket, grams))
        found = []
        for hit in hits:
            if hit is not None:
                candidate = self._run(state, scope_kind, scope, post, bucket, hit)
                if candidate is not None:
                    found.append(candidate)
        return found

    # --- checks: each returns (kind, score, threshold, start bucket, summary, details, post ids) or None ----

    def _volume(self, state: ScopeState, bucket: int) -> tuple[Any, ...] | None:
        config, best = self.config, None
        for width in config.windows:
            count = state.window_stats(bucket, width, config.per_author)[POSTS]
            if count < config.min_posts:
                continue
            expected = state.expected(bucket, width, config)
            rate = max(expected.level, config.volume_floor)
            score = volume_score(count, expected, config.volume_floor)
            if score < config.volume_z or count < config.volume_ratio * rate or poisson_tail(count, rate) > 1e-6:
                continue
            if best is None or score > best[1]:
                start = self._first_above(state, bucket, width, rate / width)
                minutes = width * config.bucket_minutes
                summary = (
                    f"{count} posts in {minutes} minutes, {count / rate:.1f}x the usual {rate:.1f} "
                    f"for this time of day (z={score:.1f})"
                )
                details = {"window_minutes": minutes, "count": count, "expected": round(rate, 2)}
                best = ("volume_spike", score, config.volume_z, start, summary, details, None)
        return best

    def _first_above(self, state: ScopeState, bucket: int, width: int, per_bucket: float) -> int:
        for b in range(bucket - width + 1, bucket + 1):
            if state.counts.get(b, (0,))[POSTS] > per_bucket:
                return b
        return bucket

    def _share(self, state: ScopeState, bucket: int, kind: str) -> tuple[Any, ...] | None:
        config, best = self.config, None
        hits_index, known_index, word = SHARE_KINDS[kind]
        base = state.base_share(bucket, hits_index, known_index, config)
        for width in config.windows:
            stats = state.window_stats(bucket, width, config.per_author)
            known, hits = stats[known_index], stats[hits_index]
            if known < config.share_min_posts:
                continue
            share = hits / known
            score = share_score(hits, known, base)
            if share - base < config.share_delta or score < config.share_z:
                continue
            if best is None or score > best[1]:
                start = next(
                    (
                        b
                        for b in range(bucket - width + 1, bucket + 1)
                        if (row := state.counts.get(b))
                        and row[known_index]
                        and row[hits_index] / row[known_index] > base
                    ),
                    bucket,
                )
                minutes = width * config.bucket_minutes
                summary = f"{share:.0%} of {known} posts in {minutes} minutes {word}, "
                summary += f"against {base:.0%} usually (z={score:.1f})"
                details = {
                    "window_minutes": minutes,
                    "share": round(share, 3),
                    "base_share": round(base, 3),
                    "posts": known,
                }
                best = (kind, score, config.share_z, start, summary, details, None)
        return best

    def _theme(self, state: ScopeState, bucket: int, grams: frozenset[str]) -> tuple[Any, ...] | None:
        config = self.config
        if state.phrase_total < config.theme_min_history_posts or not grams:
            return None
        width = max(config.windows)
        docs = state.window_sum(bucket, width, POSTS)
        window = state.window_phrase_posts(bucket, width)
        best = None
        for gram in sorted(grams):
            posts = window.get(gram, [])
            if len(posts) < config.theme_min_authors or len(posts) / docs < config.theme_min_share:
                continue
            history = state.phrase_docs.get(gram, 0)
            if history / state.phrase_total > config.theme_max_history_share:
                continue
            authors = {state.recent[str(p)][2] or str(p) for p in posts if str(p) in state.recent}
            if len(authors) < config.theme_min_authors:
                continue
            score = log_odds_z(len(posts), docs, history, state.phrase_total)
            if score >= config.theme_z and (best is None or score > best[1]):
                start = min(state.recent[str(p)][0] for p in posts if str(p) in state.recent)
                summary = (
                    f'"{gram}" in {len(posts)} of {docs} posts from {len(authors)} authors in the last hour, '
                    f"against {history} of {state.phrase_total} before (z={score:.1f})"
                )
                details = {"phrase": gram, "posts": len(posts), "window_posts": docs, "history": history}
                best = ("new_theme", score, config.theme_z, start, summary, details, sorted(posts, key=str))
        return best

    # --- runs and candidates --------------------------------------------------------------------------------

    def _run(self, state: ScopeState, scope_kind: str, scope: str, post: PostSignal, bucket: int,
             hit: tuple[Any, ...]) -> AlertCandidate | None:  # fmt: skip
        kind, score, threshold, start, summary, details, post_ids = hit
        run = state.runs.get(kind)
        reach = state.reach(run["start"] if run else start)
        level = severity(score, threshold, reach)
        if run is not None:
            run["last"] = bucket
            if SEVERITIES.index(level) <= SEVERITIES.index(run["severity"]):
                return None
            run["severity"] = level
            start = run["start"]
        else:
            state.runs[kind] = {"start": start, "last": bucket, "severity": level}
        if post_ids is None:
            post_ids = [p[1] for p in state.window_posts(start)]
        width = max(self.config.windows)
        window = {p: len(ids) for p, ids in state.window_phrase_posts(bucket, width).items()}
        phrases_found = top_phrases(
            window, state.window_sum(bucket, width, POSTS), state.phrase_docs, state.phrase_total
        )
        if kind == "new_theme":
            phrases_found = [details["phrase"], *(p for p in phrases_found if p != details["phrase"])][:5]
        label = kind.replace("_", " ")
        return AlertCandidate(
            kind=kind,
            scope_kind=scope_kind,
            scope=scope,
            start=self.config.bucket_start(start),
            detected_at=post.created_at,
            severity=level,
            score=float(score),
            reach=reach,
            summary=f"{label.capitalize()} for {scope_kind} {scope}: {summary}.",
            key_phrases=phrases_found,
            post_ids=list(post_ids),
            details=details,
        )

    # --- state ------------------------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "by": list(self.config.by),
            "watermark": self.watermark.isoformat() if self.watermark else None,
            "posts_seen": self.posts_seen,
            "pending": [_signal_dict(p) for p in self.pending],
            "scopes": {k: s.to_dict() for k, s in self.scopes.items()},
        }

    @classmethod
    def from_state(cls, data: dict[str, Any], config: DetectorConfig | None = None) -> Detector:
        detector = cls(config)
        if not data:
            return detector
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"detector state version {data.get('version')!r} is not {STATE_VERSION}")
        if config is None and data.get("by"):
            detector.config = replace(detector.config, by=tuple(data["by"]))
        watermark = data.get("watermark")
        detector.watermark = datetime.fromisoformat(watermark) if watermark else None
        detector.posts_seen = int(data.get("posts_seen", 0))
        detector.pending = [_signal_from(p) for p in data.get("pending", [])]
        detector.scopes = {k: ScopeState.from_dict(s) for k, s in data.get("scopes", {}).items()}
        return detector


def _signal_dict(post: PostSignal) -> dict[str, Any]:
    return {
        "post_id": post.post_id,
        "created_at": post.created_at.isoformat(),
        "scopes": {k: list(v) for k, v in post.scopes.items()},
        "author": post.author,
        "followers": post.followers,
        "negative": post.negative,
        "anger": post.anger,
        "text": post.text,
    }


def _signal_from(data: dict[str, Any]) -> PostSignal:
    return PostSignal(
        post_id=data["post_id"],
        created_at=datetime.fromisoformat(data["created_at"]),
        scopes={k: tuple(v) for k, v in data["scopes"].items()},
        author=data.get("author"),
        followers=int(data.get("followers") or 0),
        negative=data.get("negative"),
        anger=data.get("anger"),
        text=data.get("text") or "",
    )
