"""The statistics the detector leans on, pure: robust levels (median and MAD), the hour-of-day baseline shrunk
towards the all-hours level, the deviation scores, and severity."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SEVERITIES = ("low", "medium", "high", "critical")
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True, slots=True)
class Level:
    """A robust expected count and its spread (sigma-equivalent), for one window length."""

    level: float
    spread: float


def robust_level(values: Sequence[float]) -> Level:
    if not values:
        return Level(0.0, 0.0)
    ordered = sorted(values)
    centre = _median(ordered)
    mad = _median(sorted(abs(v - centre) for v in ordered))
    return Level(centre, MAD_TO_SIGMA * mad)


def shrunk_level(hour_of_day: Level, days: int, all_hours: Level, prior_days: float) -> Level:
    """The hour-of-day level, pulled towards the all-hours level when few past days back it."""
    weight = days / (days + prior_days) if days > 0 else 0.0
    return Level(
        weight * hour_of_day.level + (1 - weight) * all_hours.level,
        weight * hour_of_day.spread + (1 - weight) * all_hours.spread,
    )


def volume_score(count: int, expected: Level, floor: float) -> float:
    """Standardised excess over the expected count: Poisson noise (with a floor on the rate, so a quiet scope
    needs more than a handful of posts) plus the baseline's own spread."""
    rate = max(expected.level, floor)
    return (count - rate) / math.sqrt(rate + expected.spread**2)


def share_score(hits: int, total: int, base_share: float) -> float:
    """Binomial z of `hits` out of `total` against the usual share."""
    if total <= 0:
        return 0.0
    p = min(max(base_share, 0.02), 0.98)
    return (hits - total * p) / math.sqrt(total * p * (1 - p))


def poisson_tail(count: int, rate: float) -> float:
    """P(X >= count) for X ~ Poisson(rate)."""
    if count <= 0:
        return 1.0
    term = math.exp(-rate)
    below = term
    for k in range(1, count):
        term *= rate / k
        below += term
    return max(0.0, 1.0 - below)


def severity(score: float, threshold: float, reach: int) -> str:
    """low/medium/high/critical from how far past its threshold the score is, one level up for a reach of
    100,000 followers or more and two for a million. Monotonic in score and in reach."""
    ratio = score / threshold if threshold > 0 else 0.0
    index = 0 if ratio < 1.5 else 1 if ratio < 2.5 else 2 if ratio < 4 else 3
    index += 2 if reach >= 1_000_000 else 1 if reach >= 100_000 else 0
    return SEVERITIES[min(index, 3)]


def _median(ordered: Sequence[float]) -> float:
    n = len(ordered)
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0
