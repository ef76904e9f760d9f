"""Live polling of X recent search (GET /2/tweets/search/recent) with an app's bearer token.

Each poll asks for tweets newer than the cursor (`since_id`) and follows `meta.next_token` for up to
`max_pages` pages. Every tweet becomes one record carrying its author and place, exactly as the
connector reads a saved page, so polled and imported tweets are stored alike.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import httpx

from groundswell.channels import http
from groundswell.channels.base import RawRecord
from groundswell.channels.polling import PollResult
from groundswell.channels.x import v2
from groundswell.channels.x.shared import mapping
from groundswell.errors import ChannelUnavailable

SEARCH_PATH = "/2/tweets/search/recent"
# Everything the connector maps; X returns only `id`, `text` and `edit_history_tweet_ids` otherwise.
TWEET_FIELDS = (
    "author_id,conversation_id,created_at,entities,geo,in_reply_to_user_id,lang,note_tweet,"
    "possibly_sensitive,public_metrics,referenced_tweets"
)
EXPANSIONS = "author_id,geo.place_id"
USER_FIELDS = "location,name,public_metrics,username,verified"
PLACE_FIELDS = "country_code,full_name,geo,name,place_type"
# The endpoint accepts 10 to 100 results per page.
_MIN_RESULTS, _MAX_RESULTS = 10, 100
log = logging.getLogger(__name__)


class XSearchPoller:
    connector_name: ClassVar[str] = "x"

    def __init__(
        self,
        query: str,
        bearer_token: str,
        base_url: str = "https://api.x.com",
        max_results: int = 100,
        max_pages: int = 5,
    ) -> None:
        if not query.strip():
            raise ValueError("an X search poller needs a query, e.g. '@voltline OR pulsepad'")
        if not bearer_token.strip():
            raise ValueError("an X search poller needs a bearer token from the X developer portal")
        self.query = query
        self.base_url = base_url.rstrip("/")
        self.max_results = min(max(max_results, _MIN_RESULTS), _MAX_RESULTS)
        self.max_pages = max(max_pages, 1)
        self._bearer_token = bearer_token

    @property
    def source_key(self) -> str:
        return f"x:search:{self.query}"

    def poll(self, cursor: str | None) -> PollResult:
        records: list[RawRecord] = []
        newest: int | None = int(cursor) if cursor and cursor.isdigit() else None
        next_token: str | None = None
        headers = {"Authorization": f"Bearer {self._bearer_token}"}
        with http.make_client(self.base_url, headers=headers) as client:
            for _ in range(self.max_pages):
                page, url = self._fetch(client, cursor, next_token)
                records.extend(v2.page_records(page, url))
                meta = mapping(page.get("meta"))
                newest_on_page = str(meta.get("newest_id") or "")
                if newest_on_page.isdigit() and (newest is None or int(newest_on_page) > newest):
                    newest = int(newest_on_page)
                next_token = meta.get("next_token")
                if not next_token:
                    break
            else:
                # Older tweets beyond the last page are skipped: the next poll starts after the newest.
                log.warning("X search %r has more than %d pages of new tweets", self.query, self.max_pages)
        for position, record in enumerate(records, start=1):
            record.position = position
        return PollResult(records=records, cursor=str(newest) if newest is not None else None)

    def _fetch(self, client: httpx.Client, since_id: str | None, next_token: str | None) -> tuple[dict[str, Any], str]:
        """One page of results, and the URL it came from (the records' source)."""
        params: dict[str, Any] = {
            "query": self.query,
            "max_results": self.max_results,
            "tweet.fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user.fields": USER_FIELDS,
            "place.fields": PLACE_FIELDS,
        }
        if since_id:
            params["since_id"] = since_id
        if next_token:
            params["next_token"] = next_token
        response = http.get(client, SEARCH_PATH, params=params)
        try:
            page = response.json()
        except ValueError as exc:
            raise ChannelUnavailable(f"X search answered with something other than JSON: {exc}") from exc
        if not isinstance(page, dict):
            raise ChannelUnavailable("X search answered with JSON that is not a response object")
        if page.get("data") is None and page.get("errors"):
            # X reports a bad query or parameter with status 200 and only `errors` in some cases.
            raise ChannelUnavailable(f"X search failed: {v2.error_details(page)}; check the query syntax")
        return page, str(response.url)
