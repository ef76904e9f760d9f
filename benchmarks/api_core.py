"""The JSON API with a million posts stored: p50/p95 of the posts, cases and replies lists (first page, a
page deep in the list through cursors, filters, search) and of single items, next to /api/v1/health as the
baseline in the same process (absolute times drift on a shared machine).

The database is loaded like benchmarks/web.py's (web_load.py: a real Voltline seed copied up to N posts), or
reused with --no-load:

    python benchmarks/api_core.py [--posts 1000000] [--db postgresql://postgres@127.0.0.1:5432/bench]
        [--requests 40] [--no-load]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from groundswell.cli.common import open_store
from groundswell.db.engine import write_transaction
from groundswell.models import User
from groundswell.users import service as users
from groundswell.web.app import create_app

sys.path.insert(0, str(Path(__file__).parent))
from timing import timed
from web_load import load

GOAL_MS = 150.0


def token(store: Any) -> str:
    with write_transaction(store.sessions) as session:
        user = session.scalars(select(User).where(User.username == "bench-api")).one_or_none()
        if user is None:
            user = users.create_user(session, username="bench-api", role="admin", actor="benchmark").user
        return users.create_token(session, user_id=user.id, name="bench", scopes=["read"], actor="benchmark").token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL (wiped unless --no-load); default a temporary SQLite file")
    parser.add_argument("--seed-volume", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='groundswell-api-bench-')}/groundswell.sqlite"
    store = open_store(url, migrate=False)
    if not args.no_load:
        started = time.perf_counter()
        end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        load(store.engine, store.sessions, posts=args.posts, seed_volume=args.seed_volume, end=end)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    with store.engine.connect() as connection:
        posts = connection.scalar(text("SELECT count(*) FROM posts"))
        cases = connection.scalar(text("SELECT count(*) FROM cases"))
        post_ids = list(connection.scalars(text("SELECT id FROM posts ORDER BY random() LIMIT 100")))
        case_ids = list(connection.scalars(text("SELECT id FROM cases ORDER BY random() LIMIT 100")))
        author = connection.scalar(
            text("SELECT a.handle FROM authors a JOIN posts p ON p.author_id = a.id GROUP BY a.handle LIMIT 1")
        )
        channel = connection.scalar(text("SELECT channel FROM posts GROUP BY channel ORDER BY count(*) LIMIT 1"))
        tag = (
            connection.scalar(text("SELECT tags FROM cases WHERE tags::text <> '[]' LIMIT 1"))
            if (store.engine.dialect.name == "postgresql")
            else None
        )
    print(f"{store.engine.dialect.name}: {posts:,} posts, {cases:,} cases; {args.requests} timed requests per line\n")
    client = TestClient(create_app(store), base_url="http://bench")
    client.headers["Authorization"] = f"Bearer {token(store)}"

    def get(path: str | Callable[[int], str]) -> Callable[[int], Any]:
        def call(n: int) -> Any:
            answer = client.get(path(n) if callable(path) else path)
            assert answer.status_code == 200, (answer.status_code, answer.text[:300])
            return answer

        return call

    deep = "/api/v1/posts?limit=50"
    for _ in range(20):  # a cursor 20 pages (1,000 posts) into the list
        deep = f"/api/v1/posts?limit=50&cursor={client.get(deep).json()['next_cursor']}"
    lines: list[tuple[str, Callable[[int], Any]]] = [
        ("baseline: GET /api/v1/health", get("/api/v1/health")),
        ("posts, first page", get("/api/v1/posts?limit=50")),
        ("posts, page 21 (by cursor)", get(deep)),
        (f"posts of the rarest channel ({channel})", get(f"/api/v1/posts?channel={channel}")),
        ("posts of one author", get(f"/api/v1/posts?author={author}")),
        ("posts, search 'charger'", get("/api/v1/posts?q=charger")),
        ("posts, search 'refund OR broken' in March", get("/api/v1/posts?q=refund OR broken&since=2026-03-01")),
        ("one post", get(lambda n: f"/api/v1/posts/{post_ids[n % len(post_ids)]}")),
        ("cases, first page", get("/api/v1/cases")),
        ("cases, open", get("/api/v1/cases?status=open_any")),
        ("cases, unassigned and open", get("/api/v1/cases?status=open_any&unassigned=true")),
        ("one case", get(lambda n: f"/api/v1/cases/{case_ids[n % len(case_ids)]}")),
        ("replies, first page", get("/api/v1/replies")),
    ]
    if tag:
        lines.append((f"cases tagged {tag[0]}", get(f"/api/v1/cases?tag={tag[0]}")))
    slow = []
    for name, call in lines:
        p50, p95 = timed(call, args.requests)
        print(f"{name:<48} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
        if p95 > GOAL_MS and not name.startswith("baseline"):
            slow.append(name)
    print(f"\np95 goal {GOAL_MS:.0f} ms: " + ("met by every line" if not slow else f"missed by {', '.join(slow)}"))


if __name__ == "__main__":
    main()
