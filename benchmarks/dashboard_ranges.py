"""The dashboard's post charts over every preset range (24 hours to 90 days), on a database already loaded
(by benchmarks/web.py): p50/p95 of each chart's data as the service computes it (`dashboard.chart`, the
queries and shaping without HTTP), next to a plain count of the range's posts in the same process.

    python benchmarks/dashboard_ranges.py --db sqlite:////path/groundswell.sqlite [--requests 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import func, select

from groundswell.analytics import dashboard
from groundswell.cli.common import open_store
from groundswell.models import Post

CHARTS = ("volume", "sentiment", "emotion", "intents", "topics", "share_of_voice")
PRESETS = ("24h", "7d", "30d", "90d")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    store = open_store(args.db, migrate=False)
    with store.sessions() as session:
        newest = session.scalar(select(func.max(Post.created_at)))
    assert newest is not None, "the database holds no posts"
    print(f"{store.engine.dialect.name}; ranges end at the newest post ({newest:%Y-%m-%d %H:%M}); "
          f"{args.requests} timed runs after 2 untimed\n")  # fmt: skip
    for preset in PRESETS:
        with store.sessions() as session:
            window = dashboard.resolve_range(session, preset, None, None, now=newest)
        names: list[tuple[str, object]] = [(f"baseline: count posts, {preset}", None)]
        names += [(f"{chart}, {preset}", chart) for chart in CHARTS]
        for label, chart in names:
            samples = []
            for n in range(args.requests + 2):
                started = time.perf_counter()
                with store.sessions() as session:
                    if chart is None:
                        session.scalar(select(func.count()).where(Post.created_at >= window.start,
                                                                  Post.created_at < window.end))  # fmt: skip
                    else:
                        dashboard.chart(session, str(chart), window)
                if n >= 2:
                    samples.append((time.perf_counter() - started) * 1000)
            ordered = sorted(samples)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            print(f"{label:<36} p50 {statistics.median(ordered):8.1f} ms   p95 {p95:8.1f} ms", flush=True)


if __name__ == "__main__":
    main()
