"""Loading the demo: a fresh database filled with the generated story, through the ordinary ingest."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from groundswell.db import migrate
from groundswell.demo.generator import generate_demo_records
from groundswell.errors import Conflict
from groundswell.ingest.runner import Ingestor
from groundswell.ingest.schemas import IngestCounts
from groundswell.models import Post


@dataclass
class DemoLoad:
    posts_file: Path
    counts: IngestCounts
    by_channel: Counter[str] = field(default_factory=Counter)
    by_scenario: Counter[str] = field(default_factory=Counter)


def reset_database(engine: Engine, *, force: bool) -> None:
    """Start the demo from an empty schema. A SQLite demo file is simply recreated; any other database
    is only wiped when asked, because it may hold real data."""
    url = make_url(engine.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
        migrate.upgrade(engine)
        return
    migrate.ensure_schema(engine)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(Post)) or 0
    if stored and not force:
        raise Conflict(
            f"the database at {url.render_as_string(hide_password=True)} already holds {stored:,} posts: "
            "pass --reset to wipe it for the demo, or use another --db"
        )
    migrate.downgrade(engine, "base")
    migrate.upgrade(engine)


def load_demo(
    sessions: sessionmaker[Session], *, posts_file: Path, seed: int = 7, volume: int = 3000, end: datetime | None = None
) -> DemoLoad:
    end = end or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    posts_file.parent.mkdir(parents=True, exist_ok=True)
    by_channel: Counter[str] = Counter()
    by_scenario: Counter[str] = Counter()
    with posts_file.open("w", encoding="utf-8") as handle:
        for record in generate_demo_records(seed=seed, end=end, volume=volume):
            by_channel[record["channel"]] += 1
            by_scenario[record.get("scenario", "other")] += 1
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts = Ingestor(sessions).ingest_file(posts_file, fmt="jsonl")
    return DemoLoad(posts_file=posts_file, counts=counts, by_channel=by_channel, by_scenario=by_scenario)
