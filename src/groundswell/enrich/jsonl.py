"""Enriching a JSON-lines file with no database: each output line is the input object plus the results.

It streams in constant memory and keeps the input order. A line that is not a JSON object with a text
is not dropped silently: it goes to the rejects file with its line number and reason, and is counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson

from groundswell.enrich.base import PostInput
from groundswell.enrich.pipeline import Pipeline
from groundswell.enrich.records import record_author, record_reach, record_text


@dataclass
class JsonlSummary:
    read: int = 0
    enriched: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str
    raw: str


def post_input(record: dict[str, Any]) -> PostInput:
    """The enrichers' view of a record in the generic JSONL shape (or close to it)."""
    text = record_text(record)
    author = record_author(record)
    location = (
        record.get("author_location") or record.get("user_location") or author.get("location") or record.get("location")
    )
    return PostInput(
        text=text,
        author_location=location if isinstance(location, str) else None,
        reach=record_reach(record) or 0,
        created_at=_time(record.get("created_at")),
        channel=record.get("channel") if isinstance(record.get("channel"), str) else None,
    )


def enrich_jsonl(
    source: IO[bytes],
    target: IO[bytes],
    pipeline: Pipeline,
    *,
    rejects: Callable[[Rejected], None],
    progress: Callable[[int], None] = lambda n: None,
    chunk: int = 256,
) -> JsonlSummary:
    summary = JsonlSummary()
    for records in _chunks(source, chunk, summary, rejects):
        results = pipeline.run([post for _, post in records])
        lines = []
        for (record, _), result in zip(records, results, strict=True):
            lines.append(orjson.dumps(record | result, option=orjson.OPT_SERIALIZE_NUMPY))
        target.write(b"\n".join(lines) + b"\n")
        summary.enriched += len(records)
        progress(len(records))
    return summary


def _chunks(
    source: IO[bytes], size: int, summary: JsonlSummary, rejects: Callable[[Rejected], None]
) -> Iterator[list[tuple[dict[str, Any], PostInput]]]:
    batch: list[tuple[dict[str, Any], PostInput]] = []
    for number, raw in enumerate(source, 1):
        if not raw.strip():
            continue
        summary.read += 1
        try:
            # Files saved by Windows tools often start with a byte-order mark.
            record = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            batch.append((record, post_input(record)))
        except (orjson.JSONDecodeError, ValueError) as exc:
            summary.rejected += 1
            rejects(Rejected(number, str(exc), raw.decode("utf-8", "replace").rstrip("\n")))
            continue
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
