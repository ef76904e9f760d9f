"""What keeping the dashboard rollup costs the writers: ingest and enrichment stores with and without it.

For each mode (with the rollup maintained, then with its refresh switched off in this process) on a fresh
database: ingest N airline posts through `groundswell ingest`'s Ingestor (the file repeated with fresh ids,
so later batches land in hours that already hold posts, as a backfill does), store four enrichments per post
(sentiment, emotion, intent list, topic list: the shapes the pipeline stores) in chunks of 500 as
`enrich_stored_posts` does, then re-enrich sentiment with a new version. The model work is left out on
purpose: it is the same in both modes (benchmarks/enrich.py measures it), so the difference is the rollup.
With the rollup on, the result is checked against a full recompute, and a full rebuild is timed.

The cost grows with the posts already stored in the hours a batch touches. In the file's order (the airline
file is not in time order, so each batch of 500 touches most of its 9 days) every batch recomputes most of the
store: the worst case, a backfill in random time order. --time-order sorts the posts by time first, as a
live stream or a poll delivers them, so a batch touches a few hours.

    python benchmarks/rollup.py [--posts 20000] [--time-order] [--postgres URL (its public schema is dropped)]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from groundswell.analytics import rollup
from groundswell.db.engine import make_engine, make_session_factory, write_transaction
from groundswell.db.migrate import upgrade
from groundswell.enrich.repository import upsert_enrichments
from groundswell.ingest.runner import Ingestor
from groundswell.models import Post

sys.path.insert(0, str(Path(__file__).parent))
from ingest import DEFAULT_DATA, write_repeated

CHUNK = 500
SENTIMENTS = ["negative", "neutral", "positive"]
EMOTIONS = ["anger", "joy", "sadness", "fear", "neutral", "surprise"]
INTENTS = ["complaint", "question", "praise", "suggestion", "request"]
TOPICS = ["delay", "baggage", "customer service", "booking", "refund", "crew", "seat", "food"]


def values(rng: random.Random, name: str) -> Any:
    if name in ("sentiment", "emotion"):
        label = rng.choice(SENTIMENTS if name == "sentiment" else EMOTIONS)
        return {"label": label, "scores": {label: round(rng.random(), 3)}}
    if name == "intent":
        return rng.sample(INTENTS, rng.randint(0, 2))
    return [{"name": topic, "score": 0.6} for topic in rng.sample(TOPICS, rng.randint(0, 2))]


def store_enrichments(sessions: Any, ids: list[int], names: list[str], version: str) -> float:
    rng = random.Random(version)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, len(ids), CHUNK):
        rows = [{"post_id": pid, "enricher": name, "version": version, "value": values(rng, name), "enriched_at": now}
                for pid in ids[start : start + CHUNK] for name in names]  # fmt: skip
        with write_transaction(sessions) as session:
            upsert_enrichments(session, rows)
    return time.perf_counter() - started


def run(url: str, posts_file: Path, posts: int, *, maintained: bool) -> dict[str, float]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    sessions = make_session_factory(engine)
    saved = rollup.refresh_posts, rollup.refresh_enrichments
    if not maintained:  # the writers call these through the module, so this switches the rollup off
        rollup.refresh_posts = rollup.refresh_enrichments = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        times: dict[str, float] = {}
        started = time.perf_counter()
        counts = Ingestor(sessions).ingest_file(posts_file, fmt="jsonl")
        times["ingest"] = time.perf_counter() - started
        assert counts.new == posts, counts
        with sessions() as session:
            ids = list(session.scalars(select(Post.id).order_by(Post.id)))
        times["enrich"] = store_enrichments(sessions, ids, ["sentiment", "emotion", "intent", "topics"], "v1")
        times["re-enrich"] = store_enrichments(sessions, ids, ["sentiment"], "v2")
    finally:
        rollup.refresh_posts, rollup.refresh_enrichments = saved
    if maintained:
        with sessions() as session:
            assert rollup.stored(session) == rollup.recompute(session), "the rollup is not exact"
        started = time.perf_counter()
        with write_transaction(sessions) as session:
            rows = rollup.rebuild(session)
        times["rebuild"] = time.perf_counter() - started
        print(f"  rollup exact after the run: {rows:,} rows; a full rebuild takes {times['rebuild']:.2f} s")
    engine.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--time-order", action="store_true", help="ingest (and so enrich) in time order")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="groundswell-rollup-bench-") as tmp:
        posts_file = Path(tmp) / "posts.jsonl"
        write_repeated(args.data, posts_file, args.posts)
        if args.time_order:
            lines = posts_file.read_text(encoding="utf-8").splitlines(keepends=True)
            posts_file.write_text(
                "".join(sorted(lines, key=lambda line: datetime.fromisoformat(json.loads(line)["created_at"])))
            )
        results = {}
        for maintained in (True, False):
            url = args.postgres or f"sqlite:///{tmp}/{'with' if maintained else 'without'}.sqlite"
            print(f"{'with' if maintained else 'without'} the rollup ...", flush=True)
            results[maintained] = run(url, posts_file, args.posts, maintained=maintained)
    order = "in time order" if args.time_order else "in the file's order"
    print(f"\n{'PostgreSQL' if args.postgres else 'SQLite'}, {args.posts:,} posts {order} (4 enrichments each)")
    for step in ("ingest", "enrich", "re-enrich"):
        on, off = results[True][step], results[False][step]
        print(f"{step:<10} without {args.posts / off:8,.0f} posts/s ({off:6.2f} s)   with {args.posts / on:8,.0f} "
              f"posts/s ({on:6.2f} s)   cost {100 * (on - off) / off:+5.1f} %")  # fmt: skip


if __name__ == "__main__":
    main()
