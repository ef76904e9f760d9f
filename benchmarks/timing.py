"""Timing helpers the web and API benchmarks share: p50 and p95 of repeated calls, in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(call: Callable[[int], Any], requests: int, warmup: int = 3) -> tuple[float, float]:
    """p50 and p95 of `requests` calls (each given its number), after `warmup` untimed ones."""
    for n in range(warmup):
        call(n)
    samples = []
    for n in range(requests):
        started = time.perf_counter()
        call(n)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)
