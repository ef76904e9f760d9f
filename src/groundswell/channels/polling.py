"""Live polling: a poller fetches new raw records from a channel's API with the user's credentials.

The records go through the channel's connector and the ordinary ingest, so a polled post is stored
exactly like an imported one. The cursor a poller returns is saved in the same transaction as the
posts it fetched, so a crash never skips or repeats a page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import orjson

from groundswell.channels.base import RawRecord


@dataclass(slots=True)
class PollResult:
    records: list[RawRecord] = field(default_factory=list)
    # Where the next poll starts (a since_id, a timestamp, an ETag...). None keeps the old cursor.
    cursor: str | None = None


class Poller(Protocol):
    # The connector (format name) that parses this poller's records.
    connector_name: ClassVar[str]

    @property
    def source_key(self) -> str:
        """Stable identity of what is polled, e.g. 'mastodon:https://mastodon.social#tag/acme'."""
        ...

    def poll(self, cursor: str | None) -> PollResult:
        """Fetch what is new since `cursor` (everything recent when None). Raises ChannelUnavailable."""
        ...


def load_json_cursor(cursor: str | None, *, source: str) -> dict[str, Any]:
    """A cursor that a poller saved as a JSON object; an unreadable one restarts from the newest posts
    (the ingest's dedupe makes that safe) rather than stopping the poller."""
    if not cursor:
        return {}
    try:
        state = orjson.loads(cursor)
    except orjson.JSONDecodeError:
        state = None
    if not isinstance(state, dict):
        logging.getLogger(__name__).warning("ignoring unreadable %s cursor %r; polling from the newest", source, cursor)
        return {}
    return state
