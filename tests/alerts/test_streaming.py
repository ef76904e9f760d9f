"""Streaming detection over the database: `alerts run` reads only the posts stored since its last run, keeps the
detector's state in `detector_states`, stores alerts merged by fingerprint, and finds what file mode finds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from tests.support.cli import invoke, invoke_json

from groundswell.alerts.detection import AlertCandidate
from groundswell.alerts.service import detect_new_posts, store_candidates
from groundswell.cli.common import Store
from groundswell.models.alert import Alert, DetectorState
from groundswell.models.audit import AuditEntry

T0 = datetime(2026, 3, 2, tzinfo=UTC)
CHATTER = ["where is my bag", "flight delayed again", "thanks for the upgrade", "crew was lovely", "wifi is down"]


def records() -> list[dict[str, Any]]:
    """Four days at four posts an hour for Acme, then 30 posts in 30 minutes about a leaked memo."""
    rows = [
        {"id": f"b{i}", "channel": "twitter", "author": f"user{i % 200}", "text": CHATTER[i % len(CHATTER)],
         "created_at": (T0 + timedelta(minutes=15 * i)).isoformat(), "brand": "Acme"}
        for i in range(4 * 24 * 4)
    ]  # fmt: skip
    first = T0 + timedelta(hours=72, minutes=31)
    rows += [
        {"id": f"s{i}", "channel": "twitter", "author": f"angry{i}", "text": f"the leaked memo is shocking #{i}",
         "created_at": (first + timedelta(minutes=i)).isoformat(), "brand": "Acme"}
        for i in range(30)
    ]  # fmt: skip
    return sorted(rows, key=lambda r: r["created_at"])


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_alerts_run_streams_new_posts_and_matches_file_mode(store: Store, database_url: str, tmp_path: Path) -> None:
    rows = records()
    cut = len(rows) - 20  # the second half of the spike arrives in a later batch
    assert invoke("ingest", str(write(tmp_path / "a.jsonl", rows[:cut])), "--db", database_url).exit_code == 0
    first = invoke_json("alerts", "run", "--db", database_url)
    assert invoke("ingest", str(write(tmp_path / "b.jsonl", rows[cut:])), "--db", database_url).exit_code == 0
    second = invoke_json("alerts", "run", "--db", database_url)
    again = invoke_json("alerts", "run", "--db", database_url)

    assert again == []
    stored = invoke_json("alerts", "list", "--db", database_url)
    kinds = {a["kind"] for a in stored}
    assert "volume_spike" in kinds and all(a["scope"] == "Acme" and a["status"] == "open" for a in stored)
    assert len({a["fingerprint"] for a in stored}) == len(stored)
    assert {a["fingerprint"] for a in first + second} == {a["fingerprint"] for a in stored}

    # File mode over the same posts (not enriched here: the DB posts have no enrichments either, so the
    # sentiment and emotion shifts are compared separately) raises the same volume and theme alerts.
    file_alerts = _file_alerts(tmp_path, rows)
    wanted = {"volume_spike", "new_theme", "new_authors"}
    assert {(a["kind"], a["start"]) for a in file_alerts if a["kind"] in wanted} == {
        (a["kind"], a["start"]) for a in stored if a["kind"] in wanted
    }
    with store.sessions() as session:
        state = session.scalar(select(DetectorState).where(DetectorState.name == "brand"))
        assert state is not None and state.state["posts_seen"] > 0
        raised = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "alert.raised"))
        assert raised == len(stored)


def _file_alerts(tmp_path: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    enriched = [r | {"sentiment": None, "emotion": None} for r in rows]
    result: list[dict[str, Any]] = invoke_json(
        "alerts", "detect", "--input", str(write(tmp_path / "all.jsonl", enriched))
    )
    return result


def test_a_repeat_merges_into_the_open_alert(store: Store, database_url: str, tmp_path: Path) -> None:
    rows = records()
    assert invoke("ingest", str(write(tmp_path / "all.jsonl", rows)), "--db", database_url).exit_code == 0
    now = T0 + timedelta(days=5)
    with store.sessions() as session:
        alerts = detect_new_posts(session, now=now)
        session.commit()
        spike = next(a for a in alerts if a.kind == "volume_spike")
        occurrences = spike.occurrences
        repeat = AlertCandidate(
            kind=spike.kind, scope_kind=spike.scope_kind, scope=spike.scope, start=spike.start,
            detected_at=spike.detected_at + timedelta(minutes=5), severity="critical", score=99.0, reach=5,
            summary="again", key_phrases=["memo"], post_ids=[spike.post_ids[0], 999_999],
        )  # fmt: skip
        merged = store_candidates(session, [repeat], now)
        session.commit()
        assert (
            merged[0].id == spike.id and merged[0].occurrences == occurrences + 1 and merged[0].severity == "critical"
        )
        assert 999_999 in merged[0].post_ids and merged[0].post_ids.count(spike.post_ids[0]) == 1
        assert session.scalar(select(func.count()).select_from(Alert)) == len(alerts)
