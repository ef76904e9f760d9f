"""A fake Reddit: the password grant, comments, private messages, and the listings find_sent reads."""

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_channel_apis.server import FakeApiServer, bearer, form, require
from tests.support.replay_server import Request, Response


@dataclass
class FakeReddit:
    server: FakeApiServer
    client_id: str = "app-id"
    client_secret: str = "app-secret"
    username: str = "voltline_support"
    password: str = "hunter2"
    user_agent: str = "groundswell-test/1.0 (by u/voltline_support)"
    things: dict[str, dict[str, Any]] = field(default_factory=dict)  # fullname -> data
    locked: set[str] = field(default_factory=set)
    comments: list[dict[str, Any]] = field(default_factory=list)  # the account's, oldest first
    messages: list[dict[str, Any]] = field(default_factory=list)  # sent private messages, oldest first
    tokens_issued: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def __post_init__(self) -> None:
        self.server.route("POST", "/api/v1/access_token", self._token)
        self.server.route("POST", "/api/comment", self._comment)
        self.server.route("POST", "/api/compose", self._compose)
        self.server.route("GET", "/message/sent", self._sent)
        self.server.route_pattern("GET", r"/user/([\w-]+)/comments", self._user_comments)

    @property
    def token(self) -> str:
        return f"reddit-token-{self.tokens_issued}"

    def add_submission(self, fullname: str, title: str) -> None:
        self.things[fullname] = {"name": fullname, "title": title, "permalink": f"/r/voltline/comments/{fullname[3:]}/"}

    def _user_agent(self, request: Request) -> None:
        require(request.headers.get("user-agent") == self.user_agent, "Reddit requires the app's own User-Agent")

    def _token(self, request: Request) -> Response:
        self._user_agent(request)
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Response(401, {"message": "Unauthorized", "error": 401})
        fields = form(request)
        require(fields.get("grant_type") == "password", "a script app posts with the password grant")
        if (fields.get("username"), fields.get("password")) != (self.username, self.password):
            return Response(200, {"error": "invalid_grant"})
        self.tokens_issued += 1
        return Response(200, {"access_token": self.token, "token_type": "bearer", "expires_in": 86400, "scope": "*"})

    def _comment(self, request: Request) -> Response:
        self._user_agent(request)
        bearer(request, self.token)
        fields = form(request)
        require(fields.get("api_type") == "json", "api_type=json is needed to get errors as JSON")
        parent = fields.get("thing_id", "")
        require(re.fullmatch(r"t[13]_\w+", parent), f"thing_id {parent!r} is not a comment or post fullname")
        require(fields.get("text"), "text is required")
        if parent not in self.things:
            return Response(200, {"json": {"errors": [["DELETED_COMMENT", "that comment has been deleted", "parent"]]}})
        if parent in self.locked:
            return Response(200, {"json": {"errors": [["THREAD_LOCKED", "that thread is locked", "parent"]]}})
        comment_id = f"k{next(self._ids)}"
        link = parent if parent.startswith("t3_") else self.things[parent].get("link_id", parent)
        data = {"id": comment_id, "name": f"t1_{comment_id}", "body": fields["text"], "parent_id": parent,
                "link_id": link, "author": self.username,
                "permalink": f"/r/voltline/comments/{link[3:]}/_/{comment_id}/"}  # fmt: skip
        self.comments.append(data)
        self.things[data["name"]] = data
        return Response(200, {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": data}]}}})

    def _compose(self, request: Request) -> Response:
        self._user_agent(request)
        bearer(request, self.token)
        fields = form(request)
        require(fields.get("api_type") == "json", "api_type=json is needed to get errors as JSON")
        require(fields.get("to") and fields.get("subject") and fields.get("text"), "to, subject and text are required")
        require(len(fields["subject"]) <= 100, "the subject is at most 100 characters")
        message_id = f"m{next(self._ids)}"
        sent = {"dest": fields["to"], "subject": fields["subject"], "body": fields["text"], "author": self.username}
        self.messages.append({"id": message_id, "name": f"t4_{message_id}", **sent})
        return Response(200, {"json": {"errors": []}})

    def _sent(self, request: Request) -> Response:
        bearer(request, self.token)
        return Response(200, _listing("t4", self.messages))

    def _user_comments(self, request: Request, match: re.Match[str]) -> Response:
        bearer(request, self.token)
        require(match.group(1) == self.username, "find_sent must read the company account's comments")
        return Response(200, _listing("t1", self.comments))


def _listing(kind: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    children = [{"kind": kind, "data": item} for item in reversed(items)]  # newest first
    return {"kind": "Listing", "data": {"after": None, "before": None, "dist": len(children), "children": children}}
