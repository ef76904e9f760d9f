"""A fake X API v2: tweets and replies, direct messages, the user timeline and user lookups."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support.fake_channel_apis.server import FakeApiServer, bearer, json_body, require
from tests.support.replay_server import Request, Response

ME = {"id": "1500000000000000001", "username": "voltline_care", "name": "Voltline Care"}


@dataclass
class FakeX:
    server: FakeApiServer
    token: str = "x-user-token"
    users: dict[str, str] = field(default_factory=lambda: {"ana_b": "1600000000000000002"})
    # Tweets anyone can reply to, and what the account posted (newest last), as X stores them.
    tweets: dict[str, dict[str, Any]] = field(default_factory=dict)
    dm_events: list[dict[str, Any]] = field(default_factory=list)
    # Called after a tweet is stored and before the answer goes out (to kill the client at that moment).
    after_post: Callable[[], None] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1800000000000000000))

    def __post_init__(self) -> None:
        self.server.route("POST", "/2/tweets", self._create_tweet)
        self.server.route("GET", "/2/users/me", self._me)
        self.server.route_pattern("GET", r"/2/users/by/username/(\w+)", self._user_by_name)
        self.server.route_pattern("GET", r"/2/users/(\d+)/tweets", self._timeline)
        self.server.route_pattern("POST", r"/2/dm_conversations/with/(\d+)/messages", self._send_dm)
        self.server.route_pattern("GET", r"/2/dm_conversations/with/(\d+)/dm_events", self._dm_events)

    @property
    def posted(self) -> list[dict[str, Any]]:
        return [t for t in self.tweets.values() if t["author_id"] == ME["id"]]

    def add_customer_tweet(self, tweet_id: str, text: str, username: str = "ana_b") -> None:
        self.tweets[tweet_id] = {"id": tweet_id, "text": text, "author_id": self.users[username], "username": username}

    def _create_tweet(self, request: Request) -> Response:
        bearer(request, self.token)
        body = json_body(request)
        text = body.get("text")
        require(isinstance(text, str) and text.strip(), "text is required")
        require(set(body) <= {"text", "reply", "quote_tweet_id", "media", "poll"}, f"unknown fields in {sorted(body)}")
        reply = body.get("reply")
        parent = None
        if reply is not None:
            require(isinstance(reply, dict) and isinstance(reply.get("in_reply_to_tweet_id"), str),
                    "reply.in_reply_to_tweet_id must be a tweet id string")  # fmt: skip
            parent = self.tweets.get(reply["in_reply_to_tweet_id"])  # type: ignore[index]
            if parent is None:
                return _error(403, "You attempted to reply to a Tweet that is deleted or not visible to you.")
        if any(t.get("raw_text") == text for t in self.posted):
            return _error(403, "You are not allowed to create a Tweet with duplicate content.")
        tweet_id = str(next(self._ids))
        stored_text = text if parent is None else f"@{parent['username']} {text}"  # X prepends the mention
        self.tweets[tweet_id] = {
            "id": tweet_id, "text": stored_text, "raw_text": text, "author_id": ME["id"], "username": ME["username"],
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "referenced_tweets": [{"type": "replied_to", "id": parent["id"]}] if parent else None,
        }  # fmt: skip
        if self.after_post is not None:
            self.after_post()
        return Response(201, {"data": {"id": tweet_id, "text": stored_text, "edit_history_tweet_ids": [tweet_id]}})

    def _me(self, request: Request) -> Response:
        bearer(request, self.token)
        return Response(200, {"data": ME})

    def _user_by_name(self, request: Request, match: re.Match[str]) -> Response:
        bearer(request, self.token)
        name = match.group(1)
        if name not in self.users:
            # X answers 200 with errors for an unknown user.
            return Response(200, {"errors": [{"value": name, "detail": f"Could not find user with username: [{name}].",
                                              "title": "Not Found Error"}]})  # fmt: skip
        return Response(200, {"data": {"id": self.users[name], "username": name, "name": name.title()}})

    def _timeline(self, request: Request, match: re.Match[str]) -> Response:
        bearer(request, self.token)
        require(match.group(1) == ME["id"], "find_sent must read the account's own timeline")
        fields = request.query.get("tweet.fields", [""])[0].split(",")
        require(
            "referenced_tweets" in fields, "tweet.fields must ask for referenced_tweets to see what a reply answers"
        )
        limit = int(request.query.get("max_results", ["10"])[0])
        require(5 <= limit <= 100, "max_results must be 5 to 100")
        tweets = [
            {k: v for k, v in t.items() if k not in ("username", "raw_text") and v is not None}
            for t in reversed(self.posted)
        ]
        return Response(200, {"data": tweets[:limit], "meta": {"result_count": min(len(tweets), limit)}})

    def _send_dm(self, request: Request, match: re.Match[str]) -> Response:
        bearer(request, self.token)
        body = json_body(request)
        require(isinstance(body.get("text"), str) and body["text"], "text is required")
        participant = match.group(1)
        require(participant in self.users.values(), f"no such participant {participant}")
        event_id = str(next(self._ids))
        conversation = f"{ME['id']}-{participant}"
        self.dm_events.append({"id": event_id, "text": body["text"], "event_type": "MessageCreate",
                               "sender_id": ME["id"], "dm_conversation_id": conversation})  # fmt: skip
        return Response(201, {"data": {"dm_conversation_id": conversation, "dm_event_id": event_id}})

    def _dm_events(self, request: Request, match: re.Match[str]) -> Response:
        bearer(request, self.token)
        conversation = f"{ME['id']}-{match.group(1)}"
        events = [e for e in reversed(self.dm_events) if e["dm_conversation_id"] == conversation]
        return Response(200, {"data": events, "meta": {"result_count": len(events)}})


def _error(status: int, detail: str) -> Response:
    return Response(status, {"title": "Forbidden", "detail": detail, "type": "about:blank", "status": status})
