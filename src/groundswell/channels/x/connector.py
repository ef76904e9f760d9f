"""The X (Twitter) connector: API v2 pages and lookups, v1.1 tweets, and Twitter archives.

`read` decides the layout from the file's content (see reader.py); `parse` decides the API version
from the record's keys, so records from mixed files and from the poller parse the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import orjson

from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.common import load_json, require_object
from groundswell.channels.x import v1, v2
from groundswell.channels.x.reader import read_file
from groundswell.errors import ParseError

# Key patterns that identify X payloads in a file head too long or too pretty-printed to decode.
_V2_PAGE = re.compile(r'"data"\s*:')
_V2_TWEET_KEYS = re.compile(r'"(?:' + "|".join(sorted(v2.TWEET_MARKERS)) + r')"\s*:')
_V1_ID = re.compile(r'"id_str"\s*:')
_V1_TWEET_KEYS = re.compile(r'"(?:screen_name|full_text|in_reply_to_status_id_str)"\s*:')
# Archive files holding tweets (tweets.js, the older tweet.js, deleted-tweets.js), not account.js & co.
_ARCHIVE_TWEETS = re.compile(r"window\.YTD\.(?:tweets?|deleted_tweets)\.part\d+\s*=")
_OTHER_PLATFORM = re.compile(r'"(?:kind|subreddit|uri|cid|account|content)"\s*:')


class XConnector:
    name: ClassVar[str] = "x"
    # Only the archive's suffix: a .json file that does not sniff as X is left to the generic connector.
    suffixes: ClassVar[tuple[str, ...]] = (".js",)

    def read(self, path: Path) -> Iterator[RawRecord]:
        return read_file(path)

    def parse(self, record: RawRecord) -> list[PostIn]:
        value = require_object(load_json(record), "tweet")
        context: dict[str, Any] = dict(record.context or {})
        if _is_v1(value):
            account = context.get("account")
            return [v1.post_from_tweet(value, account if isinstance(account, dict) else None)]
        if "data" in value or "errors" in value:
            return self._parse_page(value, record)
        if isinstance(value.get("statuses"), list):
            return [v1.post_from_tweet(require_object(s, "status")) for s in value["statuses"]]
        if "id" in value or v2.TWEET_MARKERS & value.keys():
            return [v2.post_from_tweet(value, context)]
        raise ParseError(
            "not a tweet: expected an X API v2 tweet (id, text, created_at) or a v1.1 tweet "
            f"(id_str, full_text or text, created_at); this record has keys {', '.join(sorted(value)[:8])}"
        )

    def _parse_page(self, page: dict[str, Any], record: RawRecord) -> list[PostIn]:
        """A whole v2 response handed over as one record: every tweet on it, or why there is none."""
        if page.get("data") is None:
            if page.get("errors"):
                raise ParseError(v2.errors_message(page))
            raise ParseError("X API v2 response without 'data': it holds no tweet to import")
        posts: list[PostIn] = []
        for tweet_record in v2.page_records(page, record.source):
            tweet = require_object(tweet_record.decoded, "tweet in 'data'")
            posts.append(v2.post_from_tweet(tweet, dict(tweet_record.context or {})))
        return posts

    def sniff(self, head: str) -> bool:
        text = head.lstrip("\ufeff \t\r\n")
        if text.startswith("window.YTD."):
            return bool(_ARCHIVE_TWEETS.match(text))
        if not text.startswith(("{", "[")):
            return False
        try:
            return _is_x_value(orjson.loads(text.split("\n", 1)[0]))
        except orjson.JSONDecodeError:
            return _has_x_keys(text)


def _is_v1(value: dict[str, Any]) -> bool:
    return any(key in value for key in ("id_str", "full_text", "user", "tweet", "delete"))


def _is_x_value(value: Any) -> bool:
    """Whether one decoded JSON line or document is an X payload."""
    if isinstance(value, list):
        return bool(value) and _is_x_value(value[0])
    if not isinstance(value, dict):
        return False
    if v2.is_page(value):
        return v2.has_tweet_markers(value)
    if isinstance(value.get("statuses"), list):
        return "search_metadata" in value or any(v1.is_tweet(s) for s in value["statuses"][:1])
    return v1.is_tweet(value) or (v2.is_tweet(value) and bool(v2.TWEET_MARKERS & value.keys()))


def _has_x_keys(text: str) -> bool:
    """Key patterns for a head that does not decode (pretty-printed, or cut off mid-document)."""
    if _V1_ID.search(text) and _V1_TWEET_KEYS.search(text):
        return True
    return bool(_V2_PAGE.search(text) and _V2_TWEET_KEYS.search(text) and not _OTHER_PLATFORM.search(text))
