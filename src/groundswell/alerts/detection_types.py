"""What goes into the detector (PostSignal), its settings (DetectorConfig) and what comes out (AlertCandidate)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

KINDS = ("volume_spike", "negative_shift", "anger_shift", "new_authors", "new_theme")
SCOPE_KINDS = ("brand", "product", "topic", "location")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PostSignal:
    """One post as the detector sees it. `scopes` maps a scope kind to the scopes the post belongs to;
    `negative`/`anger` are None when the post is not enriched."""

    post_id: int | str
    created_at: datetime
    scopes: dict[str, tuple[str, ...]]
    author: str | None = None
    followers: int = 0
    negative: bool | None = None
    anger: bool | None = None
    text: str = ""


@dataclass(frozen=True)
class DetectorConfig:
    """Thresholds. Windows are counted in buckets: (1, 3, 6) x 10 minutes = 10, 30 and 60 minutes."""

    by: tuple[str, ...] = ("brand",)
    bucket_minutes: int = 10
    windows: tuple[int, ...] = (1, 3, 6)
    history_days: int = 14  # per-bucket counts kept per scope (bounded state)
    warmup_hours: float = 48.0  # no alert before a scope has two days of history (one day is no rhythm)
    prior_days: float = 2.0  # how many days of hour-of-day history weigh as much as the all-hours level
    hour_offsets: tuple[int, ...] = (-3, 0, 3)  # neighbouring buckets sampled on each past day
    grace_seconds: int = 120  # out-of-order tolerance: posts are held this long, then handled in time order
    volume_z: float = 5.0
    volume_ratio: float = 2.0  # and at least this many times the expected count
    volume_floor: float = 2.0  # Poisson floor on the expected count of any window
    min_posts: int = 8
    per_author: int = 2  # posts of one author counted per window (a thread is not a crowd)
    share_z: float = 4.0
    share_delta: float = 0.25
    share_min_posts: int = 12
    share_prior_posts: float = 20.0
    theme_z: float = 4.0
    theme_min_authors: int = 6
    theme_min_share: float = 0.25
    theme_max_history_share: float = 0.01
    theme_min_history_posts: int = 200
    cooldown_minutes: int = 120  # a run of anomalies ends after this long without one
    max_phrases: int = 20_000

    @property
    def buckets_per_day(self) -> int:
        return 1440 // self.bucket_minutes

    def bucket(self, moment: datetime) -> int:
        return int((moment - EPOCH).total_seconds() // (self.bucket_minutes * 60))

    def bucket_start(self, bucket: int) -> datetime:
        return EPOCH + timedelta(minutes=bucket * self.bucket_minutes)


@dataclass
class AlertCandidate:
    kind: str
    scope_kind: str
    scope: str
    start: datetime
    detected_at: datetime
    severity: str
    score: float
    reach: int
    summary: str
    key_phrases: list[str]
    post_ids: list[int | str]
    details: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(self.kind, self.scope_kind, self.scope, self.start)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scope_kind": self.scope_kind,
            "scope": self.scope,
            "start": self.start.isoformat(),
            "detected_at": self.detected_at.isoformat(),
            "severity": self.severity,
            "score": round(self.score, 2),
            "reach": self.reach,
            "summary": self.summary,
            "key_phrases": list(self.key_phrases),
            "post_ids": list(self.post_ids),
            "details": self.details,
            "fingerprint": self.fingerprint,
        }


def fingerprint(kind: str, scope_kind: str, scope: str, start: datetime) -> str:
    """kind + scope + start bucket: repeated detections of one anomaly share it."""
    raw = f"{kind}|{scope_kind}|{scope}|{start.astimezone(UTC):%Y%m%dT%H%M}"
    if len(raw) <= 128:
        return raw
    return f"{kind}|{hashlib.sha256(raw.encode()).hexdigest()[:64]}"
