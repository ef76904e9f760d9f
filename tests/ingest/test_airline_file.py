"""The shared airline file through the real console script: 6,746 new, then all duplicates."""

from __future__ import annotations

from pathlib import Path

from tests.support.process import run_json


def test_airline_file_ingests_once(airline_file: Path, database_url: str) -> None:
    first = run_json("ingest", str(airline_file), "--db", database_url)
    assert first == {"read": 6746, "new": 6746, "duplicates": 0, "quarantined": 0}
    second = run_json("ingest", str(airline_file), "--db", database_url)
    assert second == {"read": 6746, "new": 0, "duplicates": 6746, "quarantined": 0}
    stats = run_json("stats", "--db", database_url)
    assert stats["posts"] == 6746
    assert stats["quarantined"] == 0
    assert stats["posts_by_channel"] == {"x": 6746}
    assert stats["authors"] == 3961  # distinct handles in the file
