"""Replies on Reddit over its OAuth API through the shared HTTP client, as the company account (a
"script" app's client id and secret with the account's username and password: the password grant).

Public: POST /api/comment (thing_id = the parent's fullname, t3_ or t1_). Private: POST /api/compose, a
private message. Reddit takes no idempotency key, so `find_sent` reads the account's recent comments
(GET /user/:name/comments) for one under the same parent with the same body, or its sent messages
(GET /message/sent) for one to the same person with the same body.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from groundswell.channels import http
from groundswell.errors import ConfigurationError
from groundswell.outbox.senders import (
    OutgoingMessage,
    PermanentSendError,
    Receipt,
    RetryableSendError,
    SendError,
    from_http_failure,
    same_text,
)

_LOOKBACK = 100
_DEFAULT_SUBJECT = "Your message"
# Reddit's own error codes (json.errors) that pass with time; every other code is a refusal.
_RETRYABLE_CODES = frozenset({"RATELIMIT"})


class RedditSender:
    channel = "reddit"

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        *,
        user_agent: str,
        base_url: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        if not all((client_id, client_secret, username, password)):
            raise ConfigurationError(
                "replying on Reddit needs a 'script' app and its account: set GROUNDSWELL_REDDIT_CLIENT_ID, "
                "GROUNDSWELL_REDDIT_CLIENT_SECRET, GROUNDSWELL_REDDIT_USERNAME and GROUNDSWELL_REDDIT_PASSWORD"
            )
        self.username = username.removeprefix("u/")
        self._app = (client_id, client_secret)
        self._password = password
        # Tests and proxies point both Reddit hosts at one base URL.
        self._www = (base_url or "https://www.reddit.com").rstrip("/")
        self._oauth = (base_url or "https://oauth.reddit.com").rstrip("/")
        self._client = client or http.make_client(headers={"User-Agent": user_agent})
        self._token: str | None = None
        self._token_expires = 0.0

    def close(self) -> None:
        self._client.close()

    def send(self, message: OutgoingMessage) -> Receipt:
        try:
            if message.private:
                subject = str(message.extra.get("subject") or _DEFAULT_SUBJECT)[:100]
                self._post("/api/compose", {"to": self._recipient(message), "text": message.text, "subject": subject})
                # Reddit answers a private message without its id; the sent folder has it.
                return self._find_message(message) or Receipt(external_id=None, url=None)
            body = self._post("/api/comment", {"thing_id": message.in_reply_to, "text": message.text})
        except http.HttpFailure as exc:
            raise from_http_failure(exc) from exc
        things = body.get("data", {}).get("things") or []
        if not things or not isinstance(things[0].get("data"), dict):
            raise SendError(f"reddit answered /api/comment without the comment: {body}")
        return _comment_receipt(things[0]["data"])

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        try:
            return self._find_message(message) if message.private else self._find_comment(message)
        except http.HttpFailure as exc:
            raise from_http_failure(exc) from exc

    def _find_comment(self, message: OutgoingMessage) -> Receipt | None:
        for data in self._listing(f"/user/{self.username}/comments", {"sort": "new"}):
            if data.get("parent_id") == message.in_reply_to and same_text(message.text, str(data.get("body") or "")):
                return _comment_receipt(data)
        return None

    def _find_message(self, message: OutgoingMessage) -> Receipt | None:
        recipient = self._recipient(message).lower()
        for data in self._listing("/message/sent", {}):
            to = str(data.get("dest") or "").lower()
            if to == recipient and same_text(message.text, str(data.get("body") or "")):
                return Receipt(external_id=str(data.get("name")), url=None)
        return None

    def _post(self, path: str, form: dict[str, Any]) -> dict[str, Any]:
        response = self._authorised(
            lambda: http.post(self._client, self._oauth + path, data={"api_type": "json", **form}, headers=self._auth())
        )
        body = response.json().get("json") if isinstance(response.json(), dict) else None
        if not isinstance(body, dict):
            raise SendError(f"reddit answered {path} with {response.text[:200]!r}")
        errors = [e for e in body.get("errors") or [] if isinstance(e, list) and e]
        if errors:
            text = "; ".join(f"{e[0]}: {e[1] if len(e) > 1 else ''}" for e in errors)
            retryable = all(str(e[0]) in _RETRYABLE_CODES for e in errors)
            kind = RetryableSendError if retryable else PermanentSendError
            raise kind(f"reddit refused {path}: {text}")
        return body

    def _listing(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        query = {"limit": _LOOKBACK, "raw_json": 1, **params}
        response = self._authorised(
            lambda: http.get(self._client, self._oauth + path, params=query, headers=self._auth())
        )
        listing = response.json()
        children = listing.get("data", {}).get("children") if isinstance(listing, dict) else None
        return [c["data"] for c in children or [] if isinstance(c, dict) and isinstance(c.get("data"), dict)]

    def _authorised(self, call: Callable[[], httpx.Response]) -> httpx.Response:
        """Run the call; when the token was revoked or expired early (401), take a new one and repeat once."""
        try:
            return call()
        except http.HttpFailure as exc:
            if exc.status != 401 or self._token is None:
                raise
            self._token = None
            return call()

    def _auth(self) -> dict[str, str]:
        if self._token is None or time.monotonic() >= self._token_expires:
            response = http.post(
                self._client,
                f"{self._www}/api/v1/access_token",
                data={"grant_type": "password", "username": self.username, "password": self._password},
                auth=self._app,
            )
            body = response.json()
            if "access_token" not in body:  # Reddit answers a wrong password with 200 and an error
                raise PermanentSendError(f"reddit refused the account's credentials: {body.get('error', body)}")
            self._token = str(body["access_token"])
            self._token_expires = time.monotonic() + float(body.get("expires_in", 3600)) - 60
        return {"Authorization": f"Bearer {self._token}"}

    @staticmethod
    def _recipient(message: OutgoingMessage) -> str:
        recipient = (message.recipient or "").strip().removeprefix("/").removeprefix("u/").lstrip("@")
        if not recipient:
            raise PermanentSendError("a private message on Reddit needs the recipient's username")
        return recipient


def _comment_receipt(data: dict[str, Any]) -> Receipt:
    permalink = data.get("permalink")
    return Receipt(external_id=str(data.get("name")), url=f"https://www.reddit.com{permalink}" if permalink else None)
