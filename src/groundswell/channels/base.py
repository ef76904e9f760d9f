"""The contract every channel connector implements.

A connector splits a source into raw records (`read`), and turns one raw record into posts (`parse`).
It never touches the database. Anything wrong with a record raises `ParseError`, and the ingest
quarantines the record with that message as the reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

VISIBILITIES = ("public", "unlisted", "private", "direct")


@dataclass(slots=True)
class RawRecord:
    """One record exactly as received, and where it came from."""

    source: str  # file path or URL
    position: int  # 1-based line, item or message number within the source
    raw: str  # the record's own text, stored verbatim with the post
    # Shared context from the enclosing document, e.g. `includes.users` of an X API v2 page.
    context: Mapping[str, Any] | None = None
    # The decoded record when the reader had to decode it anyway (JSON arrays, feeds, mailboxes).
    decoded: Any = None


@dataclass(slots=True)
class AuthorIn:
    external_id: str  # stable id on the channel; the handle when the channel has no numeric id
    handle: str
    display_name: str | None = None
    location: str | None = None
    followers: int | None = None
    verified: bool | None = None
    url: str | None = None


@dataclass(slots=True)
class PostIn:
    """A post normalised from any channel. `created_at` is timezone-aware UTC."""

    channel: str
    external_id: str
    text: str
    created_at: datetime
    author: AuthorIn | None = None
    title: str | None = None
    language: str | None = None
    url: str | None = None
    # The parent post on the same channel, and the thread root when the platform names it.
    reply_to_external_id: str | None = None
    thread_external_id: str | None = None
    brand: str | None = None
    product: str | None = None
    rating: float | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    visibility: str = "public"
    # Channel-specific fields worth keeping (subreddit, verified purchase, human labels, ...).
    attributes: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Connector(Protocol):
    """A channel. `name` is the format name used by `groundswell ingest --format`."""

    name: ClassVar[str]
    # File suffixes this connector claims when the format is `auto`.
    suffixes: ClassVar[tuple[str, ...]]

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Split a file into raw records, streaming where the format allows."""
        ...

    def parse(self, record: RawRecord) -> list[PostIn]:
        """Turn one raw record into posts (usually one). Raises ParseError when it cannot."""
        ...

    def sniff(self, head: str) -> bool:
        """Whether a file starting with `head` (its first few KB) is in this connector's format."""
        ...
