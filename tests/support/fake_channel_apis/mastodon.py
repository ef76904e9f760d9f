"""A fake Mastodon instance: posting statuses (honouring Idempotency-Key), the account and its statuses."""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support.fake_channel_apis.server import FakeApiServer, bearer, form, json_body, require
from tests.support.replay_server import Request, Response

VISIBILITIES = ("public", "unlisted", "private", "direct")


@dataclass
class FakeMastodon:
    server: FakeApiServer
    token: str = "mastodon-token"
    account: dict[str, Any] = field(
        default_factory=lambda: {"id": "110000000000000001", "username": "voltline", "acct": "voltline"}
    )
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[str, str] = field(default_factory=dict)  # key -> status id, as Mastodon caches it
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(112000000000000001))

    def __post_init__(self) -> None:
        self.server.route("POST", "/api/v1/statuses", self._post_status)
        self.server.route("GET", "/api/v1/accounts/verify_credentials", self._verify)
        self.server.route_pattern("GET", r"/api/v1/accounts/(\d+)/statuses", self._account_statuses)

    @property
    def posted(self) -> list[dict[str, Any]]:
        return [s for s in self.statuses.values() if s["account"]["id"] == self.account["id"]]

    def add_customer_status(self, status_id: str, text: str, acct: str = "ana@mastodon.social") -> None:
        author = {"id": "110000000000000777", "username": acct.split("@")[0], "acct": acct}
        self.statuses[status_id] = self._status(status_id, text, author, None, "public")

    def _status(
        self, status_id: str, text: str, author: dict[str, Any], parent: str | None, vis: str
    ) -> dict[str, Any]:
        # Mastodon renders the text as HTML, mentions as h-card links.
        content = re.sub(
            r"@([\w.]+(?:@[\w.-]+)?)",
            lambda m: (
                f'<span class="h-card"><a href="https://example.social/@{m.group(1)}" class="u-url mention">'
                f"@<span>{m.group(1).split('@')[0]}</span></a></span>"
            ),
            html.escape(text, quote=False),
        )
        return {
            "id": status_id, "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "in_reply_to_id": parent, "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
            "visibility": vis, "language": "en", "uri": f"https://example.social/users/x/statuses/{status_id}",
            "url": f"https://example.social/@{author['username']}/{status_id}", "replies_count": 0,
            "reblogs_count": 0, "favourites_count": 0, "content": f"<p>{content}</p>", "reblog": None,
            "account": author, "media_attachments": [], "mentions": [], "tags": [], "emojis": [], "poll": None,
        }  # fmt: skip

    def _post_status(self, request: Request) -> Response:
        bearer(request, self.token)
        content_type = request.headers.get("content-type", "")
        body = json_body(request) if content_type.startswith("application/json") else form(request)
        key = request.headers.get("idempotency-key")
        require(key, "every post must carry an Idempotency-Key header")
        if key in self.idempotency:
            return Response(200, self.statuses[self.idempotency[str(key)]])
        text = body.get("status")
        require(isinstance(text, str) and text.strip(), "status (the text) is required")
        visibility = body.get("visibility", "public")
        require(visibility in VISIBILITIES, f"visibility {visibility!r} is not one of {VISIBILITIES}")
        parent = body.get("in_reply_to_id") or None
        if parent is not None and str(parent) not in self.statuses:
            return Response(404, {"error": "Record not found"})
        if visibility == "direct":
            require(re.search(r"@\w", str(text)), "a direct status that mentions nobody reaches nobody")
        if len(str(text)) > 500:
            return Response(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
        status_id = str(next(self._ids))
        parent_id = str(parent) if parent is not None else None
        self.statuses[status_id] = self._status(status_id, str(text), self.account, parent_id, str(visibility))
        self.idempotency[str(key)] = status_id
        return Response(200, self.statuses[status_id])

    def _verify(self, request: Request) -> Response:
        bearer(request, self.token)
        return Response(200, self.account)

    def _account_statuses(self, request: Request, match: re.Match[str]) -> Response:
        bearer(request, self.token)
        require(match.group(1) == self.account["id"], "find_sent must read the company account's statuses")
        limit = int(request.query.get("limit", ["20"])[0])
        return Response(200, list(reversed(self.posted))[:limit])
