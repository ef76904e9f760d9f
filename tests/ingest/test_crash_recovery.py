"""kill -9 in the middle of an ingest of 200,000 posts, then the same command again: every post once."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from groundswell.cli.common import Store
from groundswell.models import Conversation, IngestRun, Post
from tests.support.process import COMMAND, run_json
from tests.support.records import record

TOTAL = 200_000


def _write_posts(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(TOTAL):
            handle.write(json.dumps(record(n, author=f"customer{n % 5000}")) + "\n")


def _stored(store: Store) -> int:
    with store.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Post)) or 0)


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_stores_each_post_once(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    _write_posts(path)
    args = ["ingest", str(path), "--db", store.settings.database_url, "--batch-size", "2000"]
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while _stored(store) < TOTAL // 3:
        assert process.poll() is None, process.stderr.read() if process.stderr else "ingest exited early"
        assert time.monotonic() < deadline, "ingest made too little progress"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    before = _stored(store)
    assert 0 < before < TOTAL, "the kill must land in the middle of the ingest"

    again = run_json(*args)
    assert again["read"] == TOTAL
    assert again["new"] == TOTAL - before
    assert again["duplicates"] == before
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == TOTAL
        assert session.scalar(select(func.count(func.distinct(Post.external_id)))) == TOTAL
        assert session.scalar(select(func.count()).select_from(Conversation)) == TOTAL
        statuses = sorted(session.scalars(select(IngestRun.status)))
        assert statuses == ["done", "running"]  # the killed run stays visible as interrupted
        if session.get_bind().dialect.name == "sqlite":  # the full-text index matches the posts exactly
            session.execute(text("INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)"))
            indexed = session.scalar(text("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'pulsepad'"))
            assert indexed == TOTAL
