"""Reading a post from a generic JSON record (the JSONL shape `ingest` accepts and `enrich` writes), shared by
the commands that take JSON lines: `enrich` and `route`."""

from __future__ import annotations

from typing import Any

TEXT_FIELDS = ("text", "full_text", "body", "content")
REACH_FIELDS = ("followers", "retweet_count", "reposts", "likes")


def record_text(record: dict[str, Any]) -> str:
    text = next((record[f] for f in TEXT_FIELDS if isinstance(record.get(f), str)), None)
    if text is None:
        raise ValueError(f"no text field ({', '.join(TEXT_FIELDS)})")
    return str(text)


def record_author(record: dict[str, Any]) -> dict[str, Any]:
    author = record.get("author")
    return author if isinstance(author, dict) else {}


def record_reach(record: dict[str, Any]) -> int | None:
    """Followers plus the post's own reposts and likes; None when the record gives none of them."""
    counts = [_count(record.get(f)) for f in REACH_FIELDS] + [_count(record_author(record).get("followers"))]
    known = [c for c in counts if c is not None]
    return sum(known) if known else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
