"""Live polling of one Mastodon instance with Mastodon.py: a hashtag timeline, a status search, or the
mentions of the company account (its notifications of type mention).

Mastodon.py builds the requests, signs them, pages and reports errors. Its typed results add a null for
every field the server left out, so the raw payload is taken from the response body instead: each status
or notification is stored exactly as the server sent it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import mastodon
import orjson
import requests

from groundswell.channels.base import RawRecord
from groundswell.channels.common import dump_json
from groundswell.channels.http import USER_AGENT
from groundswell.channels.polling import PollResult
from groundswell.errors import ChannelUnavailable, ConfigurationError

# Mastodon serves at most 40 statuses a page; a poll follows at most this many pages back to the cursor.
_MAX_LIMIT = 40
_MAX_PAGES = 10
_TIMEOUT_SECONDS = 20

Fetch = Callable[..., list[dict[str, Any]]]


class _BodyCapture:
    """A requests response hook that keeps the body of the latest response."""

    def __init__(self) -> None:
        self.body = b""

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.body = response.content
        return response


class MastodonPoller:
    connector_name: ClassVar[str] = "mastodon"

    def __init__(
        self,
        base_url: str,
        access_token: str | None = None,
        hashtag: str | None = None,
        query: str | None = None,
        mentions: bool = False,
        limit: int = 40,
    ) -> None:
        if sum((bool(hashtag), bool(query), mentions)) != 1:
            raise ConfigurationError(
                "a Mastodon poller follows exactly one thing: a hashtag, a search query, or mentions=True"
            )
        if mentions and not access_token:
            raise ConfigurationError("polling mentions needs the company account's access token")
        self._base_url = base_url.rstrip("/")
        self._hashtag = hashtag.strip().lstrip("#").lower() if hashtag else None  # tags are case-insensitive
        self._query = query
        self._mentions = mentions
        self._limit = max(1, min(limit, _MAX_LIMIT))
        self._capture = _BodyCapture()
        session = requests.Session()
        session.hooks["response"].append(self._capture)
        self._api = mastodon.Mastodon(
            api_base_url=self._base_url,
            access_token=access_token,
            version_check_mode="none",
            ratelimit_method="throw",  # the scheduler decides when to retry; never sleep inside a poll
            request_timeout=_TIMEOUT_SECONDS,
            user_agent=USER_AGENT,
            session=session,
        )

    @property
    def source_key(self) -> str:
        if self._hashtag:
            return f"mastodon:{self._base_url}#tag/{self._hashtag}"
        if self._query:
            return f"mastodon:{self._base_url}#search/{self._query}"
        return f"mastodon:{self._base_url}#mentions"

    @property
    def _source_url(self) -> str:
        if self._hashtag:
            return f"{self._base_url}/api/v1/timelines/tag/{self._hashtag}"
        if self._query:
            return f"{self._base_url}/api/v2/search"
        return f"{self._base_url}/api/v1/notifications"

    def poll(self, cursor: str | None) -> PollResult:
        """New statuses since `cursor`, the newest id seen: a status id, or for mentions a notification id
        (notifications are paged by their own ids)."""
        try:
            entities = self._fetch(cursor)
        except mastodon.MastodonError as exc:
            raise self._unavailable(exc) from exc
        payloads = sorted(entities, key=lambda item: _id_order(item.get("id", "")))
        records = [
            RawRecord(source=self._source_url, position=number, raw=dump_json(payload), decoded=payload)
            for number, payload in enumerate(payloads, start=1)
        ]
        newest = str(payloads[-1]["id"]) if payloads else cursor
        return PollResult(records=records, cursor=newest)

    def _fetch(self, cursor: str | None) -> list[dict[str, Any]]:
        if self._hashtag:
            tag = self._hashtag
            return self._pages(lambda **page: self._received(self._api.timeline_hashtag, tag, **page), cursor)
        if self._query:
            return self._search(self._query, cursor)
        return self._pages(lambda **page: self._received(self._api.notifications, types=["mention"], **page), cursor)

    def _received(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Make the call through Mastodon.py, and return the page as the server sent it."""
        call(*args, limit=self._limit, **kwargs)
        page = orjson.loads(self._capture.body)
        if not isinstance(page, list):
            raise ChannelUnavailable(f"{self._base_url} answered with {type(page).__name__} where a list was due")
        return [item for item in page if isinstance(item, dict)]

    def _pages(self, fetch: Fetch, cursor: str | None) -> list[dict[str, Any]]:
        """Everything newer than the cursor, newest first. since_id gives the newest page only, so a full
        page means more may lie between it and the cursor: page back with max_id until the gap closes."""
        page = list(fetch(since_id=cursor))
        collected = list(page)
        pages = 1
        while cursor is not None and len(page) >= self._limit and pages < _MAX_PAGES:
            oldest = min((str(item["id"]) for item in page), key=_id_order)
            page = list(fetch(since_id=cursor, max_id=oldest))
            collected.extend(page)
            pages += 1
        return collected

    def _search(self, query: str, cursor: str | None) -> list[dict[str, Any]]:
        # Search pages by min_id only after a version check (an extra request to the instance), so the
        # newest page is fetched and what the cursor already covers is left out here.
        self._api.search_v2(query, resolve=False, result_type="statuses", limit=self._limit, exclude_unreviewed=False)
        result = orjson.loads(self._capture.body)
        found = result.get("statuses") if isinstance(result, dict) else None
        statuses = [status for status in found or [] if isinstance(status, dict)]
        if cursor is None:
            return statuses
        return [status for status in statuses if _id_order(str(status["id"])) > _id_order(cursor)]

    def _unavailable(self, exc: mastodon.MastodonError) -> ChannelUnavailable:
        where = self._base_url
        if isinstance(exc, mastodon.MastodonRatelimitError):
            reset = self._api.ratelimit_reset
            when = datetime.fromtimestamp(reset, UTC).isoformat() if reset else "the rate-limit window resets"
            return ChannelUnavailable(f"rate limited by {where}; retry after {when}")
        if isinstance(exc, mastodon.MastodonNetworkError):
            return ChannelUnavailable(f"cannot reach {where}: {exc}")
        status = exc.args[1] if len(exc.args) > 1 else None
        if status in (401, 403):
            return ChannelUnavailable(
                f"{where} refused the access token ({status}): check the token and that it has the read scope"
            )
        if status == 404:
            return ChannelUnavailable(f"{where} answered 404 for {self._source_url}: check the instance URL")
        detail = exc.args[3] if len(exc.args) > 3 and exc.args[3] else exc
        return ChannelUnavailable(f"{where} answered {status or 'an error'}: {detail}")


def _id_order(status_id: Any) -> tuple[int, str]:
    # Ids are numeric strings (snowflakes) on Mastodon and fixed-width sortable strings elsewhere
    # (Pleroma, Akkoma): comparing by length, then text, orders both correctly.
    text = str(status_id)
    return len(text), text
