"""Fixtures shared by the whole suite.

Database tests run on a fresh SQLite file by default, and on PostgreSQL when GROUNDSWELL_TEST_PG holds
a URL (the schema is dropped and migrated afresh for each test). Tests that read ../shared/data skip
when it is absent, unless GROUNDSWELL_REQUIRE_SHARED=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Rich sizes its consoles when groundswell.cli is imported: give them one width whether or not the run has a
# terminal (pytest-xdist's workers have none), so tables and messages wrap the same everywhere.
os.environ["COLUMNS"] = "200"

from alembic.runtime.migration import MigrationContext
from hypothesis import settings
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from groundswell.cli.common import Store
from groundswell.config import get_settings
from groundswell.db.engine import make_engine, make_session_factory
from groundswell.db.migrate import ensure_schema, head_revision
from tests.support.replay_server import ReplayServer, replay_server

REPO_ROOT = Path(__file__).resolve().parents[1]

# Timing deadlines flake on a loaded 2-core machine; CI also runs a fixed set of 50 examples per property, so
# that a red build can be reproduced and the run stays inside its time budget (developers' runs keep exploring
# 100 new ones each time).
settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True, max_examples=50)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with replay_server() as server:
        yield server


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the checkout (or GROUNDSWELL_SHARED_DATA_DIR)."""
    configured = os.environ.get("GROUNDSWELL_SHARED_DATA_DIR")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        reason = f"shared data not found at {path}: put the shared/ folder beside the checkout"
        if os.environ.get("GROUNDSWELL_REQUIRE_SHARED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture
def airline_file(shared_data: Path) -> Path:
    path = shared_data / "airline-tweets" / "airline-tweets-2015.jsonl"
    if not path.is_file():
        pytest.fail(f"{path} is missing from the shared data")
    return path


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own database (<name>_gw0, <name>_gw1, ...), created on first use,
    since every test drops and recreates the schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str, *, keep_schema: bool) -> None:
    """An empty database. With `keep_schema`, a schema already at the latest revision is kept and its tables
    emptied (TRUNCATE is several times cheaper than migrating afresh); otherwise, or when an earlier test left
    another revision, the schema is dropped and recreated empty."""
    engine = make_engine(url)
    with engine.begin() as connection:
        if keep_schema and current_revision_of(connection) == head_revision():
            tables = connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
            ).all()
            quoted = ", ".join(f'"{table}"' for table in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def current_revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    url = os.environ.get("GROUNDSWELL_TEST_PG") or f"sqlite:///{tmp_path / 'groundswell.sqlite'}"
    if url.startswith("postgres"):
        url = _worker_database(url)
        # Tests that take the migrated `store` may reuse the schema; the others get a database with nothing in it.
        _reset_postgres(url, keep_schema="store" in request.fixturenames)
    # Commands started by tests (in process or as subprocesses) see the same database.
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", url)
    get_settings.cache_clear()
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    engine = make_engine(database_url)
    ensure_schema(engine)
    yield Store(settings=get_settings(), engine=engine, sessions=make_session_factory(engine))
    engine.dispose()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads or writes the developer's own database or data directory."""
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'default.sqlite'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1 and "GROUNDSWELL_INFERENCE_THREADS" not in os.environ:
        # Parallel workers share the cores: one ONNX session per worker using all of them would oversubscribe.
        monkeypatch.setenv("GROUNDSWELL_INFERENCE_THREADS", str(max(1, (os.cpu_count() or 1) // workers)))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# The longest test files, started first so that parallel workers do not end the run waiting on one of them.
LONGEST_FIRST = (
    "tests/engagement/test_airline_end_to_end.py",
    "tests/enrich/test_enrich_file_cli.py",
    "tests/enrich/test_eval_cli.py",
    "tests/enrich/test_train_cli.py",
    "tests/cli/test_demo_ripple.py",
    "tests/enrich/test_ray_runner.py",
    "tests/ingest/test_crash_recovery.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {path: place for place, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
    _keep_database_tests_only(config, items)


def _keep_database_tests_only(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With GROUNDSWELL_TEST_PG_DB_ONLY=1 (CI's PostgreSQL pass), keep only the tests that use the database:
    the others never touch PostgreSQL (their settings point at a throwaway SQLite file), so running them a
    second time would add minutes and no information."""
    if not (os.environ.get("GROUNDSWELL_TEST_PG") and os.environ.get("GROUNDSWELL_TEST_PG_DB_ONLY") == "1"):
        return
    # The browser tests drive the screens, whose queries the page tests already run on PostgreSQL.
    kept = [
        item
        for item in items
        if "database_url" in getattr(item, "fixturenames", ()) and "tests/web/browser/" not in item.nodeid
    ]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
