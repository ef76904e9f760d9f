"""Crisis detection throughput on the airline tweets (6,746 posts, 8 days, 3 airlines), by brand.

The file is enriched first (fast tier, sentiment and emotion; not timed). Then, in the same process:
- the streaming detector (`groundswell.alerts.detection.Detector`: volume against hour-of-day robust levels,
  negative/anger/new-author shifts, new themes by log-odds, runs and severity) in posts/s, fed in batches of 500;
- a baseline: a plain per-brand hourly counter with a rolling-mean z-score (the last 24 hours), which only
  counts and flags volume;
- a state round trip (JSON size of the detector's state after the whole file).

    python benchmarks/alerts.py [--data ../shared/data/airline-tweets/airline-tweets-2015.jsonl] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

from groundswell.alerts.detection import Detector, DetectorConfig, PostSignal
from groundswell.alerts.files import post_signal

DEFAULT = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "airline-tweets" / "airline-tweets-2015.jsonl"
)


def enriched_signals(path: Path) -> list[PostSignal]:
    from groundswell.enrich.jsonl import enrich_jsonl
    from groundswell.enrich.pipeline import Pipeline, PipelineSpec

    pipeline = Pipeline(PipelineSpec(tier="fast", only=("sentiment", "emotion")))
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "enriched.jsonl"
        with path.open("rb") as source, target.open("wb") as out:
            enrich_jsonl(source, out, pipeline, rejects=lambda row: None)
        records = [json.loads(line) for line in target.open()]
    signals = [s for s in (post_signal(r) for r in records) if isinstance(s, PostSignal)]
    return sorted(signals, key=lambda s: (s.created_at, str(s.post_id)))


def run_detector(signals: list[PostSignal]) -> tuple[float, int, Detector]:
    started = time.perf_counter()
    detector = Detector(DetectorConfig(by=("brand",)))
    alerts = []
    for low in range(0, len(signals), 500):
        alerts += detector.update(signals[low : low + 500])
    alerts += detector.flush()
    return time.perf_counter() - started, len({a.fingerprint for a in alerts}), detector


def run_baseline(signals: list[PostSignal]) -> tuple[float, int]:
    """Hourly counts per brand; flag an hour whose count is 4 standard deviations over the last 24 hours' mean."""
    started = time.perf_counter()
    history: dict[str, deque[int]] = defaultdict(lambda: deque(maxlen=24))
    current: dict[str, tuple[int, int]] = {}
    flags = 0
    for signal in signals:
        hour = int(signal.created_at.timestamp() // 3600)
        for brand in signal.scopes.get("brand", ()):
            at, count = current.get(brand, (hour, 0))
            if at != hour:
                history[brand].append(count)
                at, count = hour, 0
            count += 1
            current[brand] = (at, count)
            past = history[brand]
            if len(past) >= 24:
                mean = sum(past) / len(past)
                sd = math.sqrt(sum((c - mean) ** 2 for c in past) / len(past)) or 1.0
                flags += int(count == math.ceil(mean + 4 * sd))
    return time.perf_counter() - started, flags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    signals = enriched_signals(args.data)
    n = len(signals)
    best = min((run_detector(signals) for _ in range(args.repeat)), key=lambda r: r[0])
    base = min((run_baseline(signals) for _ in range(args.repeat)), key=lambda r: r[0])
    state = json.dumps(best[2].state_dict())
    print(f"posts: {n:,} (enriched, fast tier, not timed)")
    print(f"detector (by brand):        {n / best[0]:>10,.0f} posts/s  ({best[0]:.2f} s, {best[1]} alerts)")
    print(f"baseline (hourly z-score):  {n / base[0]:>10,.0f} posts/s  ({base[0]:.3f} s, {base[1]} flags)")
    print(f"detector state after the file: {len(state) / 1024:,.0f} KiB of JSON")
    started = time.perf_counter()
    Detector.from_state(json.loads(state))
    print(f"state restore: {1000 * (time.perf_counter() - started):.0f} ms")


if __name__ == "__main__":
    main()
