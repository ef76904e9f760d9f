"""`groundswell alerts detect` on files: enrichment on the fly, unreadable lines, clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.support.cli import invoke, invoke_json

from groundswell.errors import InvalidInput

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def stream(path: Path) -> Path:
    rows: list[dict[str, Any]] = [
        {"id": f"b{i}", "channel": "twitter", "author": f"user{i % 150}", "text": "thanks, the flight was on time",
         "created_at": (T0 + timedelta(minutes=20 * i)).isoformat(), "brand": "Acme"}
        for i in range(3 * 24 * 3)
    ]  # fmt: skip
    rows += [
        {"id": f"s{i}", "channel": "twitter", "author": {"handle": f"furious{i}", "followers": 2_000},
         "text": f"@Acme your staff dragged a passenger off the plane, disgusting and shameful {i}",
         "created_at": (T0 + timedelta(hours=60, minutes=i)).isoformat(), "brand": "Acme"}
        for i in range(30)
    ]  # fmt: skip
    # Newest first, as exports often are, plus two unreadable lines.
    lines = [json.dumps(r) for r in sorted(rows, key=lambda r: r["created_at"], reverse=True)]
    path.write_text("\n".join([*lines, "not json", json.dumps({"id": "x", "text": "no time"})]) + "\n")
    return path


def test_detect_enriches_on_the_fly_and_reports_the_issue_fields(tmp_path: Path) -> None:
    alerts = invoke_json("alerts", "detect", "--input", str(stream(tmp_path / "posts.jsonl")))
    kinds = {a["kind"] for a in alerts}
    assert {"volume_spike", "negative_shift"} <= kinds  # negative_shift needs the sentiment enriched here
    for alert in alerts:
        assert {"kind", "scope", "start", "detected_at", "severity", "summary", "key_phrases", "post_ids"} <= set(alert)
        assert alert["scope"] == "Acme" and alert["post_ids"]
    spike = next(a for a in alerts if a["kind"] == "volume_spike")
    assert spike["detected_at"] <= (T0 + timedelta(hours=60, minutes=15)).isoformat()
    assert spike["reach"] >= 2_000 * 8 and spike["severity"] in {"low", "medium", "high", "critical"}
    assert any("dragged" in p or "passenger" in p for p in spike["key_phrases"])


def test_detect_prints_a_table_and_names_skipped_lines(tmp_path: Path) -> None:
    result = invoke("alerts", "detect", "--input", str(stream(tmp_path / "posts.jsonl")))
    assert result.exit_code == 0
    assert "alert(s) in 248 posts" in result.output and "Acme" in result.output
    assert "not JSON" in result.output and "no readable created_at" in result.output


def test_detect_errors_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        invoke("alerts", "detect", "--input", str(tmp_path / "missing.jsonl"))
    with pytest.raises(InvalidInput, match="--topics"):
        invoke("alerts", "detect", "--input", str(stream(tmp_path / "posts.jsonl")), "--by", "topic")
