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

from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from groundswell.cli.common import Store
from groundswell.config import get_settings
from groundswell.db.engine import make_engine, make_session_factory
from groundswell.db.migrate import upgrade
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


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = os.environ.get("GROUNDSWELL_TEST_PG") or f"sqlite:///{tmp_path / 'groundswell.sqlite'}"
    if url.startswith("postgres"):
        url = _worker_database(url)
        _reset_postgres(url)
    # Commands started by tests (in process or as subprocesses) see the same database.
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", url)
    get_settings.cache_clear()
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    engine = make_engine(database_url)
    upgrade(engine)
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With GROUNDSWELL_TEST_PG_DB_ONLY=1 (CI's PostgreSQL pass), keep only the tests that use the database:
    the others never touch PostgreSQL (their settings point at a throwaway SQLite file), so running them a
    second time would add minutes and no information."""
    if not (os.environ.get("GROUNDSWELL_TEST_PG") and os.environ.get("GROUNDSWELL_TEST_PG_DB_ONLY") == "1"):
        return
    kept = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
