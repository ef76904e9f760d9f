"""Engagement throughput on the airline tweets: routing decisions, intake (posts -> cases), rebalance, SLA sweep.

The posts are ingested and enriched (fast tier, airline topics) first; that part is not timed. Then, on the
examples/airline teams, people and rules:
- pure routing decisions per second (`groundswell.routing.rules.route` over the stored posts);
- intake (`groundswell cases process`: routing, follow-up and reopen checks, case, SLA clocks, assignment,
  timeline and hash-chained audit lines, in batched transactions) in posts/s, next to a baseline run in the
  same process: plain `executemany` inserts of one case row, one case_posts row and one event row per post
  into bare SQLite tables (the least storage the same outcome needs), because absolute times drift here;
- one rebalance of everything left queued, and one SLA sweep over every clock.

    python benchmarks/engagement.py [--data ../shared/data/airline-tweets/airline-tweets-2015.jsonl]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select

from groundswell.db.engine import make_engine, make_session_factory, write_transaction
from groundswell.db.migrate import upgrade
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.service import enrich_stored_posts
from groundswell.inbox import repository as cases_repository
from groundswell.inbox import sla_service
from groundswell.inbox.assignment import rebalance
from groundswell.inbox.intake import process_posts
from groundswell.inbox.post_input import stored_routing_input
from groundswell.ingest.runner import Ingestor
from groundswell.models import Author, Post
from groundswell.people.service import import_people
from groundswell.routing.rules import route
from groundswell.routing_store.service import active_ruleset, save_rules

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/data/airline-tweets/airline-tweets-2015.jsonl"
EXAMPLE = ROOT / "examples" / "airline"


def plain_inserts(posts: int, workdir: Path) -> float:
    connection = sqlite3.connect(workdir / "plain.sqlite", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, team TEXT, status TEXT, opened_at TEXT)")
    connection.execute("CREATE TABLE case_posts (case_id INTEGER, post_id INTEGER UNIQUE)")
    connection.execute("CREATE TABLE case_events (case_id INTEGER, kind TEXT, data TEXT)")
    started = time.perf_counter()
    for first in range(0, posts, 200):  # the intake's batch size, one transaction each
        ids = range(first, min(first + 200, posts))
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO cases VALUES (?, 'care', 'new', '2015-02-24')", [(i,) for i in ids])
        connection.executemany("INSERT INTO case_posts VALUES (?, ?)", [(i, i) for i in ids])
        connection.executemany("INSERT INTO case_events VALUES (?, 'created', '{}')", [(i,) for i in ids])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        engine = make_engine(f"sqlite:///{workdir / 'groundswell.sqlite'}")
        upgrade(engine)
        sessions = make_session_factory(engine)
        Ingestor(sessions).ingest_file(args.data)
        spec = PipelineSpec(tier="fast", topics_path=str(ROOT / "examples/topics/airline.yaml"))
        enrich_stored_posts(sessions, spec=replace(spec, only=tuple(n for n in spec.names() if n != "embedding")))
        with write_transaction(sessions) as session:
            import_people(session, document=yaml.safe_load((EXAMPLE / "people.yaml").read_text()), actor="bench")
            save_rules(session, text=(EXAMPLE / "rules.yaml").read_text(), actor="bench")
            loaded = active_ruleset(session)
            assert loaded is not None
            ruleset = loaded[1]
            last = session.scalar(select(func.max(Post.created_at)))
            rows = session.execute(select(Post, Author).outerjoin(Author, Author.id == Post.author_id)).all()
            enrichments = cases_repository.post_enrichments(session, [post.id for post, _ in rows])
            inputs = [stored_routing_input(post, author, enrichments[post.id]) for post, author in rows]
        posts = len(inputs)

        started = time.perf_counter()
        for routing_input in inputs:
            route(routing_input, ruleset)
        routing_s = time.perf_counter() - started

        now = last + timedelta(hours=1)
        started = time.perf_counter()
        report = process_posts(sessions, ruleset=ruleset, now=now)
        intake_s = time.perf_counter() - started
        baseline_s = plain_inserts(posts, workdir)

        with write_transaction(sessions) as session:
            started = time.perf_counter()
            balanced = rebalance(session, now=now + timedelta(hours=8))
            rebalance_s = time.perf_counter() - started
            started = time.perf_counter()
            swept = sla_service.sweep(session, now=now + timedelta(hours=8))
            sweep_s = time.perf_counter() - started

    print(f"posts: {posts:,}; cases opened {report.opened:,}, attached {report.attached:,}, "
          f"assigned {report.assigned:,}, queued {sum(report.unassigned.values()):,}")  # fmt: skip
    print(f"routing decisions (pure):   {posts / routing_s:10,.0f} posts/s")
    print(f"intake (posts -> cases):    {posts / intake_s:10,.0f} posts/s")
    print(f"baseline (plain inserts):   {posts / baseline_s:10,.0f} posts/s   intake is {baseline_s / intake_s:.3f}x")
    print(f"rebalance: {rebalance_s:.2f} s ({balanced.assigned:,} placed, {len(balanced.still_queued):,} still queued)")
    print(f"SLA sweep: {sweep_s:.2f} s ({len(swept.warnings):,} warnings, {len(swept.breaches):,} breaches)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
