"""Ingest throughput: the airline file repeated with fresh ids up to N posts (1,000,000 by default).

Prints posts/s for `groundswell ingest` (parse, dedupe, authors, threads, raw payload, full-text index,
batched transactions) next to a plain `executemany` of the same rows into a bare table, run in the same
process, because absolute times drift on a shared machine. Also prints peak memory (RSS).
On SQLite by default; with --postgres URL on that database instead (its public schema is dropped).

    python benchmarks/ingest.py [--posts 1000000] [--postgres postgresql://postgres@127.0.0.1/test]
        [--data ../shared/data/airline-tweets/airline-tweets-2015.jsonl]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from groundswell.db.engine import make_engine, make_session_factory
from groundswell.db.migrate import upgrade
from groundswell.ingest.runner import Ingestor

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared/data/airline-tweets/airline-tweets-2015.jsonl"


def write_repeated(source: Path, target: Path, posts: int) -> None:
    lines = [json.loads(line) for line in source.open(encoding="utf-8") if line.strip()]
    with target.open("w", encoding="utf-8") as out:
        for n in range(posts):
            record = dict(lines[n % len(lines)])
            record["id"] = f"{record['id']}-{n // len(lines)}"
            out.write(json.dumps(record) + "\n")


def bench_groundswell(path: Path, workdir: Path, batch_size: int, postgres: str | None = None) -> float:
    engine = make_engine(postgres or f"sqlite:///{workdir / 'groundswell.sqlite'}")
    if postgres:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    ingestor = Ingestor(make_session_factory(engine), batch_size=batch_size)
    started = time.perf_counter()
    counts = ingestor.ingest_file(path, fmt="jsonl")
    elapsed = time.perf_counter() - started
    assert counts.new == counts.read, counts
    return elapsed


def _plain_rows(path: Path) -> list[tuple[str, ...]]:
    rows = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        rows.append((r["channel"], r["id"], r["author"], r["text"], r["created_at"], line))
    return rows


def bench_plain_postgres(path: Path, batch_size: int, postgres: str) -> float:
    import psycopg

    rows = _plain_rows(path)
    with psycopg.connect(postgres.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("DROP TABLE IF EXISTS plain_posts")
        connection.execute(
            "CREATE TABLE plain_posts (id serial PRIMARY KEY, channel text, external_id text, author text, "
            "text text, created_at text, raw text, UNIQUE (channel, external_id))"
        )
        connection.commit()
        started = time.perf_counter()
        for start in range(0, len(rows), batch_size):
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO plain_posts (channel, external_id, author, text, created_at, raw) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    rows[start : start + batch_size],
                )
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE plain_posts")
    return elapsed


def bench_plain_executemany(path: Path, workdir: Path, batch_size: int) -> float:
    """The floor: the same rows, already decoded, inserted with executemany in batches of the same size."""
    rows = _plain_rows(path)
    connection = sqlite3.connect(workdir / "plain.sqlite")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, channel TEXT, external_id TEXT, author TEXT, text TEXT, "
        "created_at TEXT, raw TEXT, UNIQUE (channel, external_id))"
    )
    started = time.perf_counter()
    for start in range(0, len(rows), batch_size):
        with connection:
            connection.executemany(
                "INSERT INTO posts (channel, external_id, author, text, created_at, raw) VALUES (?, ?, ?, ?, ?, ?)",
                rows[start : start + batch_size],
            )
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"benchmark data not found at {args.data}: pass --data PATH to the airline JSON-lines file")
    with tempfile.TemporaryDirectory(prefix="groundswell-bench-") as tmp:
        workdir = Path(tmp)
        posts_file = workdir / "posts.jsonl"
        write_repeated(args.data, posts_file, args.posts)
        ours = bench_groundswell(posts_file, workdir, args.batch_size, args.postgres)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if args.postgres:
            plain = bench_plain_postgres(posts_file, args.batch_size, args.postgres)
        else:
            plain = bench_plain_executemany(posts_file, workdir, args.batch_size)
    print(f"store:                      {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"posts:                      {args.posts:,}")
    print(f"groundswell ingest:         {args.posts / ours:,.0f} posts/s ({ours:.1f} s)")
    print(f"plain executemany baseline: {args.posts / plain:,.0f} posts/s ({plain:.1f} s)")
    print(f"ratio (groundswell/plain):  {plain / ours:.2f}")
    print(f"peak RSS during ingest:     {rss_mb:,.0f} MiB")


if __name__ == "__main__":
    main()
