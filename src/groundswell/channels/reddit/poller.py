"""Live polling of one subreddit through PRAW, with app-only OAuth (the client id and secret of a
Reddit "script" app). New submissions come from /r/<sub>/new, or from /r/<sub>/search sorted by new
when a query is given, and new comments from /r/<sub>/comments. The raw listing JSON is kept, so a
polled post is stored exactly like one imported from a saved listing.

The cursor is a small JSON object with the newest fullname seen of each kind, e.g.
{"t3": "t3_1c8x0a1", "t1": "t1_l0fb7h8"}; each listing is asked for what came `before` it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import praw
import praw.exceptions
import prawcore
import requests

from groundswell.channels.base import RawRecord
from groundswell.channels.common import dump_json
from groundswell.channels.polling import PollResult, load_json_cursor
from groundswell.channels.reddit.connector import CHANNEL, things_in
from groundswell.errors import ChannelUnavailable, ConfigurationError

# Reddit listings hold at most 100 things a page; after a long pause, up to this many pages are
# fetched per kind, and the rest arrives with the next poll.
MAX_PAGES = 10
# With a query, comments in threads that matched it are kept; this many thread ids are remembered.
REMEMBERED_THREADS = 200
_SEARCH_OPERATORS = frozenset({"and", "or", "not"})


class RedditPoller:
    connector_name: ClassVar[str] = CHANNEL

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        user_agent: str,
        subreddit: str,
        query: str | None = None,
        base_url: str | None = None,
        limit: int = 100,
    ) -> None:
        self.subreddit = subreddit.strip().strip("/").removeprefix("r/")
        if not self.subreddit:
            raise ConfigurationError("RedditPoller needs a subreddit name, e.g. 'voltline'")
        if not 1 <= limit <= 100:
            raise ConfigurationError(f"limit must be between 1 and 100 (Reddit's page size), got {limit}")
        self.query = query.strip() if query and query.strip() else None
        self.limit = limit
        # Tests and proxies point every Reddit host at one base URL; otherwise praw's defaults hold.
        hosts = {} if base_url is None else dict.fromkeys(("oauth_url", "reddit_url", "short_url"), base_url)
        self._reddit = praw.Reddit(
            client_id=client_id,
            client_secret=client_secret,
            user_agent=user_agent,
            check_for_updates=False,
            check_for_async=False,
            **{name: url.rstrip("/") for name, url in hosts.items()},  # type: ignore[arg-type]
        )
        self._oauth_url = str(self._reddit.config.oauth_url)

    @property
    def source_key(self) -> str:
        search = f"#search={self.query}" if self.query else ""
        return f"reddit:r/{self.subreddit}{search}"

    def poll(self, cursor: str | None) -> PollResult:
        state = _load_cursor(cursor)
        base = f"/r/{self.subreddit}"
        if self.query:
            search = {"q": self.query, "restrict_sr": "1", "sort": "new"}
            submissions, newest_t3 = self._fetch_new(f"{base}/search", search, state.get("t3"))
        else:
            submissions, newest_t3 = self._fetch_new(f"{base}/new", {}, state.get("t3"))
        comments, newest_t1 = self._fetch_new(f"{base}/comments", {}, state.get("t1"))
        new_state: dict[str, Any] = {"t3": newest_t3 or state.get("t3"), "t1": newest_t1 or state.get("t1")}
        if self.query:
            threads = _names(submissions) + [t for t in state.get("threads", []) if isinstance(t, str)]
            new_state["threads"] = list(dict.fromkeys(threads))[:REMEMBERED_THREADS]
            matching_threads = set(new_state["threads"])
            comments = [c for c in comments if self._wanted_comment(c[0], matching_threads)]
        records = [
            RawRecord(source=source, position=number, raw=dump_json(thing), decoded=thing)
            for number, (thing, source) in enumerate(submissions + comments, start=1)
        ]
        return PollResult(records=records, cursor=dump_json({k: v for k, v in new_state.items() if v}))

    def _fetch_new(
        self, path: str, params: dict[str, str], before: str | None
    ) -> tuple[list[tuple[Any, str]], str | None]:
        """Things newer than `before` (the first page when there is no cursor), newest first, each
        with the URL it came from, and the newest fullname among them."""
        pages: list[list[tuple[Any, str]]] = []
        page_before = before
        for _ in range(MAX_PAGES if before else 1):
            query: dict[str, str | int] = {**params, "limit": self.limit}
            if page_before:
                query["before"] = page_before
            listing = self._get(path, query)
            source = f"{self._oauth_url}{path}"
            children = [(thing, source) for thing, _ in things_in(listing)]
            if not children:
                break
            pages.insert(0, children)  # with `before`, each further page is newer than the last
            page_before = listing["data"].get("before")
            if not page_before:
                break
        things = [item for page in pages for item in page]
        names = _names(things)
        return things, names[0] if names else None

    def _get(self, path: str, params: dict[str, str | int]) -> dict[str, Any]:
        try:
            listing = self._reddit.request(method="GET", path=path, params=params)
        except prawcore.exceptions.ResponseException as exc:
            raise _unavailable(exc.response, self.subreddit) from exc
        except prawcore.exceptions.OAuthException as exc:
            raise ChannelUnavailable(
                f"reddit refused the app credentials ({exc.error}): check the client id and secret "
                "of your 'script' app at https://www.reddit.com/prefs/apps"
            ) from exc
        except prawcore.exceptions.RequestException as exc:
            raise ChannelUnavailable(f"cannot reach reddit at {self._oauth_url}: {exc.original_exception}") from exc
        except (prawcore.exceptions.PrawcoreException, praw.exceptions.PRAWException) as exc:
            raise ChannelUnavailable(f"reddit request for {path} failed: {exc}") from exc
        if not (
            isinstance(listing, dict) and listing.get("kind") == "Listing" and isinstance(listing.get("data"), dict)
        ):
            raise ChannelUnavailable(f"reddit answered {path} with something that is not a listing")
        return listing

    def _wanted_comment(self, thing: Any, threads: set[str]) -> bool:
        """With a query, the comments worth keeping: those in a matching thread, or that mention
        every word of the query (Reddit's search finds submissions only)."""
        data = thing.get("data") if isinstance(thing, dict) else None
        if not isinstance(data, dict):
            return True  # malformed: let the connector quarantine it with a reason
        if data.get("link_id") in threads:
            return True
        body = str(data.get("body") or "").lower()
        return all(word in body for word in _query_words(self.query or ""))


def _query_words(query: str) -> list[str]:
    words = []
    for token in query.lower().split():
        word = token.rsplit(":", 1)[-1].strip("\"'()")  # title:pulsepad -> pulsepad
        if word and word not in _SEARCH_OPERATORS:
            words.append(word)
    return words


def _names(things: list[tuple[Any, str]]) -> list[str]:
    names = []
    for thing, _ in things:
        data = thing.get("data") if isinstance(thing, dict) else None
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            names.append(data["name"])
    return names


def _load_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    if cursor.startswith(("t1_", "t3_")):  # a bare fullname: the newest of that kind
        return {cursor[:2]: cursor}
    return load_json_cursor(cursor, source="reddit")


def _unavailable(response: requests.Response, subreddit: str) -> ChannelUnavailable:
    status = response.status_code
    if status == 429:
        reset = response.headers.get("x-ratelimit-reset") or response.headers.get("retry-after")
        return ChannelUnavailable(f"rate limited by reddit; retry after {reset or 'a while'} seconds")
    if status in (401, 403) and response.url.endswith("/api/v1/access_token"):
        return ChannelUnavailable(
            f"reddit refused the app credentials ({status}): check the client id and secret "
            "of your 'script' app at https://www.reddit.com/prefs/apps"
        )
    if status == 401:
        return ChannelUnavailable("reddit refused the access token (401): check the app's client id and secret")
    if status == 403:
        return ChannelUnavailable(f"reddit refused access to r/{subreddit} (403): it may be private or banned")
    if status == 404:
        return ChannelUnavailable(f"r/{subreddit} was not found on reddit (404): check the subreddit name")
    return ChannelUnavailable(f"reddit answered {status} for {response.url}: {response.text[:200]}")
