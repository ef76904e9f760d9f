"""Live polling of one RSS or Atom feed with conditional GET.

The cursor is a small JSON object with the validators the server last sent, e.g.
{"etag": "\\"5f1c\\"", "last_modified": "Thu, 02 May 2024 09:15:00 GMT"}; they go back as
If-None-Match and If-Modified-Since, and a 304 answer means nothing new. A feed lists its recent
entries every time, so entries seen before come again; the ingest's dedupe on (channel, external id)
drops them.
"""

from __future__ import annotations

import io
from typing import ClassVar

from groundswell.channels import http
from groundswell.channels.base import RawRecord
from groundswell.channels.common import dump_json
from groundswell.channels.polling import PollResult, load_json_cursor
from groundswell.channels.rss.connector import CHANNEL
from groundswell.channels.rss.feed_xml import FeedSyntaxError, split_feed
from groundswell.errors import ChannelUnavailable, ConfigurationError


class RssPoller:
    connector_name: ClassVar[str] = CHANNEL

    def __init__(self, url: str, max_entries: int = 200) -> None:
        if not url.startswith(("http://", "https://")):
            raise ConfigurationError(f"a feed URL must start with http:// or https://, got {url!r}")
        if max_entries < 1:
            raise ConfigurationError(f"max_entries must be at least 1, got {max_entries}")
        self.url = url
        self.max_entries = max_entries

    @property
    def source_key(self) -> str:
        return f"rss:{self.url}"

    def poll(self, cursor: str | None) -> PollResult:
        validators = _load_cursor(cursor)
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        with http.make_client() as client:
            response = http.get(client, self.url, headers=headers)
        if response.status_code == 304:
            return PollResult(records=[], cursor=cursor)
        records = self._records(response.content)
        new_validators = {
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
        }
        return PollResult(records=records, cursor=dump_json({k: v for k, v in new_validators.items() if v}))

    def _records(self, content: bytes) -> list[RawRecord]:
        records: list[RawRecord] = []
        try:
            for entry in split_feed(io.BytesIO(content), max_entries=self.max_entries):
                records.append(
                    RawRecord(source=self.url, position=len(records) + 1, raw=entry.raw, context=entry.context)
                )
        except FeedSyntaxError as problem:
            if not problem.is_feed:
                # Not a feed at all (an HTML page, a login wall): the URL is wrong, not one entry.
                raise ChannelUnavailable(f"{self.url} did not answer with an RSS or Atom feed: {problem}") from None
            rest = content[problem.offset :].decode("utf-8", errors="replace")
            records.append(RawRecord(source=self.url, position=len(records) + 1, raw=rest, decoded=problem))
        return records


def _load_cursor(cursor: str | None) -> dict[str, str]:
    state = load_json_cursor(cursor, source="feed")
    return {k: v for k, v in state.items() if isinstance(v, str)}
