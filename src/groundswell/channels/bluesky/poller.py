"""Live polling of Bluesky with the atproto SDK: a post search (app.bsky.feed.searchPosts, newest first)
or one account's feed (app.bsky.feed.getAuthorFeed), signed in with an app password.

The SDK signs in, builds and authorises the requests and reports errors; each post view or feed item
is stored as the server sent it. The cursor is the newest indexedAt seen (for a repost in a feed, the
time of the repost), so the next poll asks only for what came later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import atproto
from atproto import exceptions as atproto_errors
from atproto import models

from groundswell.channels.base import RawRecord
from groundswell.channels.common import dump_json, parse_time
from groundswell.channels.mastodon.documents import as_object
from groundswell.channels.polling import PollResult
from groundswell.errors import ChannelUnavailable, ConfigurationError, ParseError

# searchPosts and getAuthorFeed serve at most 100 items a page; a poll follows at most this many pages.
_MAX_LIMIT = 100
_MAX_PAGES = 10

Payload = dict[str, Any]


class BlueskyPoller:
    connector_name: ClassVar[str] = "bluesky"

    def __init__(
        self,
        handle: str,
        app_password: str,
        query: str | None = None,
        actor: str | None = None,
        base_url: str = "https://bsky.social",
        limit: int = 50,
    ) -> None:
        if bool(query) == bool(actor):
            raise ConfigurationError("a Bluesky poller follows exactly one thing: a search query or an actor's feed")
        if not handle or not app_password:
            raise ConfigurationError("Bluesky polling needs the account handle and an app password")
        self._handle = handle
        self._app_password = app_password
        self._query = query
        self._actor = actor
        self._base_url = base_url.rstrip("/")
        self._limit = max(1, min(limit, _MAX_LIMIT))
        self._client = atproto.Client(base_url=self._base_url)
        self._signed_in = False

    @property
    def source_key(self) -> str:
        if self._query:
            return f"bluesky:{self._base_url}#search/{self._query}"
        return f"bluesky:{self._base_url}#author/{self._actor}"

    @property
    def _source_url(self) -> str:
        method = "app.bsky.feed.searchPosts" if self._query else "app.bsky.feed.getAuthorFeed"
        return f"{self._base_url}/xrpc/{method}"

    def poll(self, cursor: str | None) -> PollResult:
        """Posts indexed after `cursor` (an ISO time), oldest first."""
        since = _time_or_none(cursor)
        try:
            self._sign_in()
            payloads = self._search(cursor) if self._query else self._author_feed(since)
        except atproto_errors.AtProtocolError as exc:
            if isinstance(exc, atproto_errors.UnauthorizedError):
                self._signed_in = False  # a revoked or expired session: sign in afresh next time
            raise self._unavailable(exc) from exc
        timed = [(_sort_time(payload), payload) for payload in payloads]
        # searchPosts' `since` is inclusive, so what the cursor already covers is left out here.
        fresh = [(moment, payload) for moment, payload in timed if since is None or moment is None or moment > since]
        fresh.sort(key=lambda pair: pair[0].timestamp() if pair[0] else float("inf"))
        records = [
            RawRecord(source=self._source_url, position=number, raw=dump_json(payload), decoded=payload)
            for number, (_, payload) in enumerate(fresh, start=1)
        ]
        times = [(moment, _sort_time_text(payload)) for moment, payload in fresh if moment is not None]
        newest = max(times, key=lambda pair: pair[0])[1] if times else cursor
        return PollResult(records=records, cursor=newest)

    def _sign_in(self) -> None:
        if not self._signed_in:
            # com.atproto.server.createSession; the Bluesky profile lookup is not needed for polling.
            self._client.login(self._handle, self._app_password, fetch_bsky_profile=False)
            self._signed_in = True

    def _search(self, cursor: str | None) -> list[Payload]:
        payloads: list[Payload] = []
        page_cursor: str | None = None
        for _ in range(_MAX_PAGES):
            params = models.AppBskyFeedSearchPosts.Params(
                q=self._query or "", sort="latest", since=cursor, limit=self._limit, cursor=page_cursor
            )
            posts, page_cursor = self._page("app.bsky.feed.searchPosts", params, "posts")
            payloads.extend(posts)
            # The first poll takes the newest page only; later polls page back to the cursor.
            if cursor is None or not page_cursor or len(posts) < self._limit:
                break
        return payloads

    def _author_feed(self, since: datetime | None) -> list[Payload]:
        payloads: list[Payload] = []
        page_cursor: str | None = None
        for _ in range(_MAX_PAGES):
            params = models.AppBskyFeedGetAuthorFeed.Params(
                actor=self._actor or "", limit=self._limit, cursor=page_cursor
            )
            items, page_cursor = self._page("app.bsky.feed.getAuthorFeed", params, "feed")
            payloads.extend(items)
            times = [_sort_time(item) for item in items]
            reached_cursor = since is None or any(moment is not None and moment <= since for moment in times)
            if reached_cursor or not page_cursor or len(items) < self._limit:
                break
        return payloads

    def _page(self, method: str, params: Any, key: str) -> tuple[list[Payload], str | None]:
        """One page through the SDK (session, auth header, refresh, errors), kept as the server sent it:
        the SDK's typed models would rewrite it (adding a $type to every object)."""
        response = self._client.invoke_query(method, params=params, output_encoding="application/json")
        content = response.content
        if not isinstance(content, dict) or not isinstance(content.get(key), list):
            raise ChannelUnavailable(f"{self._base_url} answered {method} without a {key!r} list")
        items = [item for item in content[key] if isinstance(item, dict)]
        next_cursor = content.get("cursor")
        return items, str(next_cursor) if next_cursor else None

    def _unavailable(self, exc: atproto_errors.AtProtocolError) -> ChannelUnavailable:
        host = urlsplit(self._base_url).netloc or self._base_url
        if isinstance(exc, atproto_errors.RateLimitExceededError):
            reset = exc.reset_at.isoformat() if exc.reset_at else "the rate-limit window resets"
            return ChannelUnavailable(f"rate limited by {host}; retry after {reset}")
        if isinstance(exc, atproto_errors.UnauthorizedError):
            return ChannelUnavailable(
                f"{host} refused the credentials ({exc}): check the handle {self._handle!r} and its app password"
            )
        if isinstance(exc, atproto_errors.NetworkError) and exc.response is None:
            return ChannelUnavailable(f"cannot reach {host}: {exc.__cause__ or exc}")
        if isinstance(exc, atproto_errors.BadRequestError):
            return ChannelUnavailable(f"{host} rejected the request ({exc}): check the query or actor")
        return ChannelUnavailable(f"{host} answered with an error: {exc}")


def _sort_time_text(payload: Payload) -> str | None:
    """When the item entered the feed: the repost time for a repost, else the post's indexedAt."""
    reason = payload.get("reason")
    if isinstance(reason, dict) and reason.get("indexedAt"):
        return str(reason["indexedAt"])
    post = as_object(payload.get("post")) or payload
    record = as_object(post.get("record"))
    found = post.get("indexedAt") or record.get("createdAt")
    return str(found) if found else None


def _sort_time(payload: Payload) -> datetime | None:
    return _time_or_none(_sort_time_text(payload))


def _time_or_none(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_time(text)
    except ParseError:
        return None  # an unreadable time only loses its say in the cursor; the post is still delivered
