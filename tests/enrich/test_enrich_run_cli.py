"""`groundswell enrich run` on a store filled through the ordinary ingest (the demo generator's posts):
the real console script, its --json summary, idempotence, and its errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from groundswell.cli.common import Store
from groundswell.demo import generate_demo_records
from groundswell.enrich import repository
from groundswell.errors import InvalidInput
from groundswell.models import Enrichment, Post
from tests.support.cli import invoke, invoke_json
from tests.support.process import COMMAND
from tests.support.records import write_jsonl

ONLY = "language,locations"


def console_script() -> list[str]:
    """The installed `groundswell` script beside this Python (as a user types it), else `python -m groundswell`."""
    script = Path(sys.executable).with_name("groundswell")
    found = str(script) if script.is_file() else shutil.which("groundswell")
    return [found] if found else COMMAND


@pytest.fixture
def demo_store(store: Store, tmp_path: Path) -> Store:
    path = write_jsonl(tmp_path / "demo.jsonl", generate_demo_records(seed=3, days=5, volume=120))
    counts = invoke_json("ingest", str(path))
    assert counts["new"] > 50
    return store


def post_count(store: Store) -> int:
    with store.sessions() as session:
        return int(session.execute(select(func.count()).select_from(Post)).scalar_one())


def test_the_console_script_enriches_the_store_then_finds_nothing_to_do(demo_store: Store) -> None:
    posts = post_count(demo_store)
    done = subprocess.run(
        [*console_script(), "enrich", "run", "--only", ONLY, "--chunk-size", "40", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # stdout is exactly one JSON document
    assert summary["engine"] == "local"
    assert (summary["posts_seen"], summary["posts_enriched"], summary["skipped_current"]) == (posts, posts, 0)
    assert summary["results_written"] == {"language": posts, "locations": posts}
    assert set(summary["versions"]) == {"language", "locations"}
    with demo_store.sessions() as session:
        counts = repository.count_by_version(session)
        languages = session.scalars(select(Enrichment.value).where(Enrichment.enricher == "language")).all()
    assert counts == {(name, version): posts for name, version in summary["versions"].items()}
    assert "en" in languages

    again = invoke_json("enrich", "run", "--only", ONLY)
    assert (again["posts_enriched"], again["skipped_current"]) == (0, posts)
    assert again["results_written"] == {"language": 0, "locations": 0}


def test_the_summary_table_names_each_enricher(demo_store: Store) -> None:
    result = invoke("enrich", "run", "--only", ONLY)
    assert result.exit_code == 0, result.output
    for text in ("language", "locations", "results written", "enriched", "already current"):
        assert text in result.stdout


def test_bad_options_are_explained(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown enricher"):
        invoke("enrich", "run", "--only", "language,palmistry")
    missing = invoke("enrich", "run", "--topics", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 2 and "not a readable file" in missing.output
    engine = invoke("enrich", "run", "--engine", "spark")
    assert engine.exit_code == 2
    done = subprocess.run(
        [*console_script(), "enrich", "run", "--only", "palmistry"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "unknown enricher(s) palmistry" in done.stderr
    assert "Traceback" not in done.stderr
