"""Replies on X through API v2, as the company account (an OAuth 2.0 user access token with tweet.write,
users.read, dm.write and dm.read; an app-only bearer token cannot post).

Public: POST /2/tweets with {"text", "reply": {"in_reply_to_tweet_id"}}. Private: a direct message,
POST /2/dm_conversations/with/:participant_id/messages. X takes no idempotency key, so `find_sent` reads
the account's own recent replies (GET /2/users/:id/tweets) or the DM conversation's events for one that
answers the same post with the same text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from groundswell.channels import http
from groundswell.errors import ConfigurationError
from groundswell.outbox.senders import (
    OutgoingMessage,
    PermanentSendError,
    Receipt,
    SendError,
    from_http_failure,
    same_text,
)

# How far back find_sent reads: replies are looked for from a little before the message was queued.
_CLOCK_SLACK = timedelta(minutes=5)
_PAGE = 100


class XSender:
    channel = "x"

    def __init__(
        self,
        user_token: str,
        *,
        base_url: str = "https://api.x.com",
        user_id: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        if not user_token.strip():
            raise ConfigurationError(
                "replying on X needs the account's OAuth 2.0 user access token: set GROUNDSWELL_X_USER_TOKEN"
            )
        self.base_url = base_url.rstrip("/")
        self._user_id = user_id
        self._client = client or http.make_client(self.base_url, headers={"Authorization": f"Bearer {user_token}"})

    def close(self) -> None:
        self._client.close()

    def send(self, message: OutgoingMessage) -> Receipt:
        try:
            return self._dm(message) if message.private else self._tweet(message)
        except http.HttpFailure as exc:
            if exc.status == 403 and "duplicate" in exc.message.lower():
                # X refuses the same text twice from one account: a reply that went out after all.
                found = self.find_sent(message)
                if found is not None:
                    return found
            raise from_http_failure(exc) from exc

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        try:
            return self._find_dm(message) if message.private else self._find_tweet(message)
        except http.HttpFailure as exc:
            raise from_http_failure(exc) from exc

    def _tweet(self, message: OutgoingMessage) -> Receipt:
        body: dict[str, Any] = {"text": message.text}
        if message.in_reply_to:
            body["reply"] = {"in_reply_to_tweet_id": message.in_reply_to}
        data = _data(http.post(self._client, "/2/tweets", json=body), "POST /2/tweets")
        return _tweet_receipt(str(data["id"]))

    def _dm(self, message: OutgoingMessage) -> Receipt:
        participant = self._participant(message)
        path = f"/2/dm_conversations/with/{participant}/messages"
        data = _data(http.post(self._client, path, json={"text": message.text}), f"POST {path}")
        return Receipt(external_id=str(data["dm_event_id"]), url=None)

    def _find_tweet(self, message: OutgoingMessage) -> Receipt | None:
        params: dict[str, Any] = {
            "max_results": _PAGE,
            "exclude": "retweets",
            "tweet.fields": "created_at,referenced_tweets,in_reply_to_user_id",
        }
        if message.created_at is not None:
            params["start_time"] = _x_time(message.created_at - _CLOCK_SLACK)
        response = http.get(self._client, f"/2/users/{self._me()}/tweets", params=params)
        for tweet in _items(response):
            replied_to = [
                ref.get("id") for ref in tweet.get("referenced_tweets") or [] if ref.get("type") == "replied_to"
            ]
            answers = replied_to == [message.in_reply_to] if message.in_reply_to else not replied_to
            if answers and same_text(message.text, str(tweet.get("text") or "")):
                return _tweet_receipt(str(tweet["id"]))
        return None

    def _find_dm(self, message: OutgoingMessage) -> Receipt | None:
        path = f"/2/dm_conversations/with/{self._participant(message)}/dm_events"
        params = {
            "max_results": _PAGE,
            "event_types": "MessageCreate",
            "dm_event.fields": "id,text,sender_id,created_at,event_type",
        }
        me = self._me()
        for event in _items(http.get(self._client, path, params=params)):
            if str(event.get("sender_id")) == me and same_text(message.text, str(event.get("text") or "")):
                return Receipt(external_id=str(event["id"]), url=None)
        return None

    def _me(self) -> str:
        if self._user_id is None:
            data = _data(http.get(self._client, "/2/users/me"), "GET /2/users/me")
            self._user_id = str(data["id"])
        return self._user_id

    def _participant(self, message: OutgoingMessage) -> str:
        """The recipient's numeric user id: given as is, or looked up from a @handle."""
        recipient = (message.recipient or "").strip().lstrip("@")
        if not recipient:
            raise PermanentSendError("a direct message on X needs the recipient's user id or handle")
        if recipient.isdigit():
            return recipient
        path = f"/2/users/by/username/{recipient}"
        response = http.get(self._client, path)
        if not isinstance(response.json().get("data"), dict):
            raise PermanentSendError(f"X has no user @{recipient}: {http.problem(response)}")
        return str(response.json()["data"]["id"])


def _data(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        # 2xx without data: X reports errors this way; nothing was created.
        raise SendError(f"X answered {what} without data: {http.problem(response)}")
    return data


def _items(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    items = body.get("data") if isinstance(body, dict) else None
    return [item for item in items or [] if isinstance(item, dict)]


def _tweet_receipt(tweet_id: str) -> Receipt:
    return Receipt(external_id=tweet_id, url=f"https://x.com/i/web/status/{tweet_id}")


def _x_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
