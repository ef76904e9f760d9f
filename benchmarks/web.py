"""Web pages with a million posts stored: p50/p95 of the inbox, a case page and the dashboard.

Loads N posts (1,000,000 by default; see web_load.py: a real Voltline seed through ingest, enrichment and
intake, copied in the database up to N, a year of history with the last days' cases open), then requests
each page through the real app (create_app, in-process ASGI client, signed in like a browser: session
cookie, CSRF, role checks, templates) and prints p50/p95 per page. Next to them, in the same process and on
the same connection pool, a baseline: the plain SQL each page cannot do without (the first page of open
cases; one case with its posts, enrichments and timeline; posts per channel and day over the dashboard's
week) and the app's cheapest route (/api/v1/health), because absolute times drift on a shared machine.
The goal is p95 under 150 ms.

The database is wiped first. On SQLite (a temporary file) unless --db names another database:

    python benchmarks/web.py [--posts 1000000] [--db postgresql://postgres@127.0.0.1:5432/bench]
        [--requests 40] [--no-load]   # --no-load measures a database loaded by an earlier run
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from groundswell.cli.common import open_store
from groundswell.db.engine import write_transaction
from groundswell.users import service as users
from groundswell.web.app import create_app

sys.path.insert(0, str(Path(__file__).parent))
from timing import timed
from web_load import load

PASSWORD = "benchmark password 1"
GOAL_MS = 150.0
LOGIN_CSRF = re.compile(r'name="login_csrf" value="([^"]+)"')
OPEN = "('new', 'open', 'waiting_on_customer')"


def make_users(store: Any) -> None:
    with write_transaction(store.sessions) as session:
        for name, role, employee in (("bench-admin", "admin", None), ("bench-agent", "agent", "sam.okafor")):
            if not any(u.username == name for u in users.list_users(session)):
                users.create_user(session, username=name, role=role, password=PASSWORD, employee_handle=employee)


def signed_in(app: Any, username: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    form = client.get("/login")
    token = LOGIN_CSRF.search(form.text)
    assert token, form.text[:500]
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "login_csrf": token.group(1),
                                         "next": "/"}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text[:500]
    return client


def get(client: TestClient, path: str) -> Callable[[int], Any]:
    def call(_: int) -> None:
        answer = client.get(path)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"

    return call


def sql(engine: Engine, statement: str, params: Callable[[int], dict[str, Any]] | None = None) -> Callable[[int], Any]:
    def call(n: int) -> None:
        with engine.connect() as connection:
            connection.execute(text(statement), params(n) if params else {}).all()

    return call


def case_ids(engine: Engine, count: int) -> list[int]:
    """Cases to open: half still open (recent), half closed long ago, in random order."""
    rng = random.Random(5)
    with engine.connect() as connection:
        recent = list(connection.scalars(text(f"SELECT id FROM cases WHERE status IN {OPEN} ORDER BY id LIMIT 2000")))
        old = list(connection.scalars(text("SELECT id FROM cases WHERE status = 'closed' ORDER BY id LIMIT 2000")))
    picked = rng.sample(recent, min(len(recent), count // 2)) + rng.sample(old, min(len(old), count - count // 2))
    rng.shuffle(picked)
    assert picked, "no cases were loaded"
    return picked


def week(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        newest = connection.scalar(text("SELECT max(created_at) FROM posts"))
    end = newest if isinstance(newest, datetime) else datetime.fromisoformat(str(newest))
    end = end.replace(tzinfo=UTC) if end.tzinfo is None else end
    start = end - timedelta(days=7)
    if engine.dialect.name == "sqlite":
        return {"start": start.replace(tzinfo=None), "end": end.replace(tzinfo=None)}
    return {"start": start, "end": end}


def day_bucket(engine: Engine) -> str:
    return "date_trunc('day', created_at)" if engine.dialect.name == "postgresql" else "substr(created_at, 1, 10)"


def measure(engine: Engine, app: Any, *, requests: int) -> list[tuple[str, float, float]]:
    admin, agent = signed_in(app, "bench-admin"), signed_in(app, "bench-agent")
    cases = case_ids(engine, requests + 3)
    window = week(engine)

    def case_page(n: int) -> None:
        get(admin, f"/cases/{cases[n % len(cases)]}")(n)

    from groundswell.analytics.dashboard import TITLES

    rows: list[tuple[str, float, float]] = []

    def run(name: str, call: Callable[[int], Any]) -> None:
        p50, p95 = timed(call, requests)
        rows.append((name, p50, p95))
        print(f"{name:<52} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms", flush=True)

    run("baseline: GET /api/v1/health", get(admin, "/api/v1/health"))
    run(
        "baseline SQL: first 50 open cases",
        sql(
            engine,
            f"SELECT c.id, c.subject, c.priority, c.opened_at, "
            f"c.assignee_id FROM cases c WHERE c.status IN {OPEN} ORDER BY c.opened_at DESC, c.id DESC LIMIT 50",
        ),
    )
    run("inbox, all open cases (admin)", get(admin, "/inbox?queue=all"))
    run("inbox, mine (agent)", get(agent, "/inbox?queue=mine"))
    run("inbox, team (agent)", get(agent, "/inbox?queue=team"))
    run("inbox rows (polled fragment, agent)", get(agent, "/inbox/rows?queue=mine"))
    run("baseline SQL: one case, posts, enrichments, timeline", sql(engine,
        "SELECT p.id, p.text, e.enricher, e.value FROM case_posts cp JOIN posts p ON p.id = cp.post_id "
        "LEFT JOIN enrichments e ON e.post_id = p.id WHERE cp.case_id = :id "
        "UNION ALL SELECT ev.id, ev.kind, ev.actor, NULL FROM case_events ev WHERE ev.case_id = :id",
        lambda n: {"id": cases[n % len(cases)]}))  # fmt: skip
    run("case page (admin)", case_page)
    run("baseline SQL: posts per channel and day, 7 days", sql(engine,
        f"SELECT channel, {day_bucket(engine)} AS day, count(*) FROM posts WHERE created_at >= :start "
        "AND created_at <= :end GROUP BY channel, day", lambda n: window))  # fmt: skip
    run("dashboard page (admin)", get(admin, "/dashboard"))
    for chart in TITLES:
        run(f"dashboard chart {chart}.json", get(admin, f"/dashboard/data/{chart}.json"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL (wiped); default a temporary SQLite file")
    parser.add_argument("--seed-volume", type=int, default=3000, help="demo posts in the seed")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--no-load", action="store_true", help="measure the database as an earlier run left it")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="groundswell-web-bench-")
    url = args.db or f"sqlite:///{workdir}/groundswell.sqlite"
    store = open_store(url, migrate=False)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if not args.no_load:
        started = time.perf_counter()
        load(store.engine, store.sessions, posts=args.posts, seed_volume=args.seed_volume, end=end)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    make_users(store)
    with store.engine.connect() as connection:
        counts = {name: connection.scalar(text(f"SELECT count(*) FROM {name}")) for name in
                  ("posts", "enrichments", "cases", "case_posts", "case_events")}  # fmt: skip
        open_cases = connection.scalar(text(f"SELECT count(*) FROM cases WHERE status IN {OPEN}"))
    print(", ".join(f"{n:,} {name}" for name, n in counts.items()) + f"; {open_cases:,} cases open")
    print(f"{store.engine.dialect.name}, {args.requests} timed requests per line (after 3 untimed)\n")
    rows = measure(store.engine, create_app(store), requests=args.requests)
    pages = [row for row in rows if not row[0].startswith("baseline")]
    slow = [name for name, _, p95 in pages if p95 > GOAL_MS]
    print(f"\np95 goal {GOAL_MS:.0f} ms: " + ("met by every page" if not slow else f"missed by {', '.join(slow)}"))


if __name__ == "__main__":
    main()
