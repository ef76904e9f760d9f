"""Loading the web benchmark's database: a real Voltline seed, then copies of it up to N posts.

The seed goes through the product itself: the demo's generated posts are ingested, enriched (fast tier, with
the Voltline topics), routed by the demo's people and rules, and taken into the inbox, so every row (enrichment
values, routing decisions, timelines, SLA clocks, lost items) has the shape the app really stores. The seed is
then copied inside the database with INSERT ... SELECT (one statement per table, no row passes through Python):
copy k shifts every id by k times the seed's largest id, makes external ids and handles unique with a suffix
(a copy's customers are other people), and moves every timestamp back by k steps of a year / copies, wrapping
around the year, so that every day of the year, the last ones included, holds about as many posts (posts / 365)
and cases. (A thread that straddles the wrap
of its copy ends up split across the year: a few rows, harmless to the timings.) Cases of copies older than the
last OPEN_DAYS are resolved and closed, as they would be after weeks of work. The dashboard's rollup, which
ingest and enrichment keep, is rebuilt from the copied rows.
"""

from __future__ import annotations

import math
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import Engine, column, func, select, table, text
from sqlalchemy.orm import Session, sessionmaker

from groundswell.db.base import Base
from groundswell.db.engine import write_transaction
from groundswell.db.migrate import upgrade
from groundswell.db.types import UTCDateTime

# Parents first. Everything else (teams, employees, rules, templates, users) exists once, shared by the copies.
COPIED = ("authors", "conversations", "posts", "enrichments", "cases", "case_posts", "case_events", "sla_clocks",
          "suppressed_posts", "lost_items")  # fmt: skip
SUFFIXED = {"authors": ("external_id", "handle"), "conversations": ("root_external_id",),
            "posts": ("external_id", "reply_to_external_id")}  # fmt: skip
COPIES_TABLE = "bench_copies"
OPEN_DAYS = 3  # cases opened in the last days stay open; older ones are closed
YEAR_S = 365 * 24 * 3600


def reset(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)


def load_seed(sessions: sessionmaker[Session], *, volume: int, end: datetime, seed: int = 7) -> int:
    """The demo's story, enriched and taken into the inbox by the ordinary services; returns the posts stored."""
    from groundswell.cli.demo import VOLTLINE_TOPICS
    from groundswell.cli.demo_workplace import VOLTLINE_PEOPLE, VOLTLINE_RULES
    from groundswell.demo.loader import load_demo
    from groundswell.enrich.pipeline import PipelineSpec
    from groundswell.enrich.service import enrich_stored_posts
    from groundswell.inbox.intake import process_posts
    from groundswell.inbox.templates import import_defaults
    from groundswell.people.service import import_people
    from groundswell.routing_store.service import active_ruleset, save_rules

    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_demo(sessions, posts_file=Path(tmp) / "posts.jsonl", seed=seed, volume=volume, end=end)
    enrich_stored_posts(sessions, spec=PipelineSpec(tier="fast", topics_path=str(VOLTLINE_TOPICS)))
    with write_transaction(sessions) as session:
        people = yaml.safe_load(VOLTLINE_PEOPLE.read_text(encoding="utf-8"))
        import_people(session, document=people, actor="benchmark", now=end)
        save_rules(session, text=VOLTLINE_RULES.read_text(encoding="utf-8"), actor="benchmark", now=end)
        import_defaults(session, actor="benchmark", now=end)
    with sessions() as session:
        active = active_ruleset(session)
    assert active is not None
    process_posts(sessions, ruleset=active[1], rules_version=active[0].version, now=end)
    return loaded.counts.new


def replicate(engine: Engine, *, copies: int, step: timedelta, end: datetime) -> None:
    """Copies 1..`copies` of every seed row (copy 0 is the seed), copy k `k * step` earlier, wrapped into the
    year before `end`."""
    spans = {}
    with engine.begin() as connection:
        for name in COPIED:
            spans[name] = int(connection.scalar(select(func.coalesce(func.max(column("id")), 0)).select_from(
                table(name, column("id")))) or 0) + 1  # fmt: skip
        connection.execute(text(f"DROP TABLE IF EXISTS {COPIES_TABLE}"))
        connection.execute(text(f"CREATE TABLE {COPIES_TABLE} (k INTEGER PRIMARY KEY, seconds INTEGER NOT NULL)"))
        step_s = int(step.total_seconds())
        connection.execute(text(f"INSERT INTO {COPIES_TABLE} (k, seconds) VALUES (:k, :s)"),
                           [{"k": k, "s": k * step_s} for k in range(1, copies + 1)])  # fmt: skip
    for name in COPIED:
        started = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(text(_copy_sql(engine, name, spans, end)))
            if name == "posts" and engine.dialect.name == "sqlite":  # FTS5 is filled by ingest, not a trigger
                connection.execute(text(f"INSERT INTO posts_fts(rowid, title, text) SELECT id, title, text "
                                        f"FROM posts WHERE id >= {spans['posts']}"))  # fmt: skip
        print(f"  copied {name} in {time.perf_counter() - started:.1f} s", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for name in COPIED:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                        f"(SELECT max(id) FROM {name}))"))  # fmt: skip


def _copy_sql(engine: Engine, name: str, spans: dict[str, int], end: datetime) -> str:
    source = Base.metadata.tables[name]
    names, values = [], []
    for col in source.columns:
        names.append(col.name)
        ref = next((fk.column.table.name for fk in col.foreign_keys if fk.column.table.name in spans), None)
        if col.primary_key:
            values.append(f"t.{col.name} + c.k * {spans[name]}")
        elif ref is not None:
            values.append(f"t.{col.name} + c.k * {spans[ref]}")
        elif col.name in SUFFIXED.get(name, ()):
            values.append(f"t.{col.name} || '~' || c.k")
        elif isinstance(col.type, UTCDateTime):
            values.append(_shifted(engine, f"t.{col.name}", end))
        else:
            values.append(f"t.{col.name}")
    return (f"INSERT INTO {name} ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM {name} t CROSS JOIN {COPIES_TABLE} c WHERE t.id < {spans[name]}")  # fmt: skip


def _shifted(engine: Engine, expression: str, end: datetime) -> str:
    """end - ((end - t) + shift) mod year: t moved back by the copy's shift, wrapped into the year."""
    moment = end.strftime("%Y-%m-%d %H:%M:%S")
    if engine.dialect.name == "postgresql":
        age = f"CAST(extract(epoch FROM (TIMESTAMPTZ '{moment}+00' - {expression})) AS bigint)"
        return f"TIMESTAMPTZ '{moment}+00' - make_interval(secs => mod({age} + c.seconds, {YEAR_S}))"
    age = f"CAST(round((julianday('{moment}') - julianday({expression})) * 86400) AS INTEGER)"
    return f"strftime('%Y-%m-%d %H:%M:%f', '{moment}', printf('%d seconds', -(({age} + c.seconds) % {YEAR_S})))"


def close_old_cases(engine: Engine, *, end: datetime) -> None:
    """Work done: a case opened before the last OPEN_DAYS was answered within hours and resolved within a day."""
    cutoff = end - timedelta(days=OPEN_DAYS)
    hours = _plus(engine, "opened_at", 3 * 3600)
    day = _plus(engine, "opened_at", 26 * 3600)
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE cases SET status = 'closed', first_response_at = {hours}, resolved_at = {day}, "
                 f"closed_at = {day}, updated_at = {day} WHERE opened_at < :cutoff"),
            {"cutoff": cutoff if engine.dialect.name == "postgresql" else cutoff.replace(tzinfo=None)},
        )  # fmt: skip
        connection.execute(
            text("UPDATE sla_clocks SET state = 'met', completed_at = started_at WHERE case_id IN "
                 "(SELECT id FROM cases WHERE status = 'closed')")
        )  # fmt: skip


def _plus(engine: Engine, expression: str, seconds: int) -> str:
    if engine.dialect.name == "postgresql":
        return f"{expression} + interval '{seconds} seconds'"
    return f"strftime('%Y-%m-%d %H:%M:%f', {expression}, '+{seconds} seconds')"


def rebuild_rollup(sessions: sessionmaker[Session]) -> None:
    """The dashboard's rollup (analytics/rollup.py), when this version of groundswell keeps one."""
    try:
        from groundswell.analytics import rollup
    except ImportError:
        return
    with write_transaction(sessions) as session:
        rollup.rebuild(session)


def analyze(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def load(engine: Engine, sessions: sessionmaker[Session], *, posts: int, seed_volume: int, end: datetime) -> int:
    """Reset the database and fill it with about `posts` posts; returns how many were stored."""
    reset(engine)
    started = time.perf_counter()
    seeded = load_seed(sessions, volume=seed_volume, end=end)
    print(f"seed: {seeded:,} posts ingested, enriched and taken in in {time.perf_counter() - started:.1f} s")
    copies = max(0, math.ceil(posts / max(seeded, 1)) - 1)
    # Spread the copies over a year: about posts / 365 posts a day, as many on each day of the last weeks.
    step = timedelta(days=365) / max(copies, 1)
    started = time.perf_counter()
    replicate(engine, copies=copies, step=timedelta(seconds=int(step.total_seconds())), end=end)
    close_old_cases(engine, end=end)
    rebuild_rollup(sessions)
    analyze(engine)
    with engine.connect() as connection:
        stored = int(connection.scalar(select(func.count()).select_from(table("posts"))) or 0)
    print(f"copies: {copies:,} in {time.perf_counter() - started:.1f} s; {stored:,} posts stored")
    return stored
