"""Builders for generic JSON-lines records and files used across tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BASE_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def record(n: int, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": f"post-{n}",
        "channel": "x",
        "author": f"customer{n % 50}",
        "text": f"Post number {n} about the PulsePad battery",
        "created_at": (BASE_TIME + timedelta(minutes=n)).isoformat(),
    }
    base.update(overrides)
    return base


def write_jsonl(path: Path, rows: Iterable[dict[str, Any] | str]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path
