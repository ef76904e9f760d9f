"""Replies on Bluesky over plain XRPC through the shared HTTP client, as the company account (handle and
app password).

A reply is an `app.bsky.feed.post` record made with com.atproto.repo.createRecord, with a `reply` ref to
the post answered (parent) and its thread's first post (root), each as uri + cid. The record key is not
left to the server: it is a TID derived from the message (its idempotency key and when it was queued), so
a retry writes to the same key and cannot make a second post. The server refuses to create over an
existing key (older PDS versions with a 500, newer ones with an error of its own), and `find_sent` is a
getRecord on that key.

A private reply is a chat message (chat.bsky.convo.sendMessage in the conversation with the recipient, through
the PDS's proxy to the chat service; the app password must allow direct messages). Chat takes no key, so
`find_sent` reads the conversation's recent messages for one from the account with the same text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from groundswell.channels import http
from groundswell.channels.mastodon.documents import as_object
from groundswell.errors import ConfigurationError
from groundswell.outbox.senders import (
    OutgoingMessage,
    PermanentSendError,
    Receipt,
    from_http_failure,
    same_text,
)

POST_COLLECTION = "app.bsky.feed.post"
CHAT_PROXY = {"atproto-proxy": "did:web:api.bsky.chat#bsky_chat"}
_CHAT_LOOKBACK = 50
_S32 = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, the TID alphabet
# The time part of a key for a message without a queue time (never from the worker, which always has one).
_FALLBACK_TIME = datetime(2024, 1, 1, tzinfo=UTC)
T = TypeVar("T")


def record_key(message: OutgoingMessage) -> str:
    """A TID (13 characters: 53 bits of microseconds, 10 bits of clock id) made from the message alone.
    The queue time, to the millisecond, keeps keys in time order as TIDs should be; the idempotency key's
    hash fills the microseconds and the clock id, so two messages queued in one millisecond differ."""
    digest = int.from_bytes(hashlib.sha256(message.idempotency_key.encode()).digest()[:8], "big")
    when = message.created_at or _FALLBACK_TIME
    micros = int(when.timestamp() * 1000) * 1000 + digest % 1000
    value = (micros << 10) | ((digest >> 10) % 1024)
    chars = []
    for _ in range(13):
        chars.append(_S32[value & 31])
        value >>= 5
    return "".join(reversed(chars))


class BlueskySender:
    channel = "bluesky"

    def __init__(
        self,
        handle: str,
        app_password: str,
        *,
        base_url: str = "https://bsky.social",
        app_url: str = "https://bsky.app",
        client: httpx.Client | None = None,
    ) -> None:
        if not handle or not app_password:
            raise ConfigurationError(
                "replying on Bluesky needs the account handle and an app password: "
                "set GROUNDSWELL_BLUESKY_HANDLE and GROUNDSWELL_BLUESKY_APP_PASSWORD"
            )
        self.handle = handle.lstrip("@")
        self._password = app_password
        self.base_url = base_url.rstrip("/")
        self.app_url = app_url.rstrip("/")
        self._client = client or http.make_client(self.base_url)
        self._did: str | None = None
        self._jwt: str | None = None

    def close(self) -> None:
        self._client.close()

    def send(self, message: OutgoingMessage) -> Receipt:
        try:
            if message.private:
                return self._signed_in(lambda: self._chat(message))
            return self._signed_in(lambda: self._create(message))
        except http.HttpFailure as exc:
            if not message.private and exc.status not in (401, 429):
                # Perhaps the key is taken: by this very message, sent by an attempt that was not recorded.
                found = self.find_sent(message)
                if found is not None:
                    return found
            raise from_http_failure(exc) from exc

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        if message.private:
            try:
                return self._signed_in(lambda: self._find_chat(message))
            except http.HttpFailure as exc:
                raise from_http_failure(exc) from exc
        try:
            record = self._signed_in(lambda: self._get_record(self._session()[0], record_key(message)))
        except http.HttpFailure as exc:
            raise from_http_failure(exc) from exc
        if record is None:
            return None
        value = as_object(record.get("value"))
        if not same_text(message.text, str(value.get("text") or "")):
            raise PermanentSendError(
                f"record key {record_key(message)} already holds another post ({record.get('uri')}): "
                "re-queue the message under a new idempotency key"
            )
        return self._receipt(str(record["uri"]), record_key(message))

    def _create(self, message: OutgoingMessage) -> Receipt:
        did, jwt = self._session()
        rkey = record_key(message)
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": message.text,
            "createdAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if message.in_reply_to:
            record["reply"] = self._reply_ref(message)
        response = http.post(
            self._client,
            "/xrpc/com.atproto.repo.createRecord",
            json={"repo": did, "collection": POST_COLLECTION, "rkey": rkey, "record": record},
            headers={"Authorization": f"Bearer {jwt}"},
        )
        return self._receipt(str(response.json()["uri"]), rkey)

    def _chat(self, message: OutgoingMessage) -> Receipt:
        body = {"convoId": self._conversation(message), "message": {"text": message.text}}
        sent = http.post(self._client, "/xrpc/chat.bsky.convo.sendMessage", json=body, headers=self._chat_headers())
        return Receipt(external_id=str(sent.json()["id"]), url=None)

    def _find_chat(self, message: OutgoingMessage) -> Receipt | None:
        params = {"convoId": self._conversation(message), "limit": _CHAT_LOOKBACK}
        response = http.get(self._client, "/xrpc/chat.bsky.convo.getMessages", params=params,
                            headers=self._chat_headers())  # fmt: skip
        me = self._session()[0]
        for item in response.json().get("messages") or []:
            sender = as_object(as_object(item).get("sender")).get("did")
            if sender == me and same_text(message.text, str(item.get("text") or "")):
                return Receipt(external_id=str(item["id"]), url=None)
        return None

    def _conversation(self, message: OutgoingMessage) -> str:
        """The id of the one-to-one conversation with the recipient (a DID, or a handle resolved to one)."""
        recipient = (message.recipient or "").strip().lstrip("@")
        if not recipient:
            raise PermanentSendError("a Bluesky direct message needs the recipient's handle or DID")
        if not recipient.startswith("did:"):
            resolved = http.get(self._client, "/xrpc/com.atproto.identity.resolveHandle", params={"handle": recipient})
            recipient = str(resolved.json()["did"])
        response = http.get(self._client, "/xrpc/chat.bsky.convo.getConvoForMembers", params={"members": recipient},
                            headers=self._chat_headers())  # fmt: skip
        return str(response.json()["convo"]["id"])

    def _chat_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._session()[1]}", **CHAT_PROXY}

    def _reply_ref(self, message: OutgoingMessage) -> dict[str, Any]:
        """{root, parent} for the post answered: from the message's extra fields when the caller knew
        them (parent_cid, root_uri, root_cid), else read from the parent record."""
        parent_uri = str(message.in_reply_to)
        extra = message.extra
        if extra.get("parent_cid") and extra.get("root_uri") and extra.get("root_cid"):
            root = {"uri": str(extra["root_uri"]), "cid": str(extra["root_cid"])}
            return {"root": root, "parent": {"uri": parent_uri, "cid": str(extra["parent_cid"])}}
        repo, collection, rkey = _split_uri(parent_uri)
        record = self._get_record(repo, rkey, collection)
        if record is None:
            raise PermanentSendError(f"the post answered, {parent_uri}, no longer exists")
        parent = {"uri": str(record["uri"]), "cid": str(record["cid"])}
        root = as_object(as_object(as_object(record.get("value")).get("reply")).get("root")) or parent
        return {"root": {"uri": str(root["uri"]), "cid": str(root["cid"])}, "parent": parent}

    def _get_record(self, repo: str, rkey: str, collection: str = POST_COLLECTION) -> dict[str, Any] | None:
        try:
            response = http.get(
                self._client,
                "/xrpc/com.atproto.repo.getRecord",
                params={"repo": repo, "collection": collection, "rkey": rkey},
                headers={"Authorization": f"Bearer {self._session()[1]}"},
            )
        except http.HttpFailure as exc:
            error = exc.body.get("error") if isinstance(exc.body, dict) else None
            if exc.status == 404 or (exc.status == 400 and error == "RecordNotFound"):
                return None
            raise
        body = response.json()
        return body if isinstance(body, dict) else None

    def _session(self) -> tuple[str, str]:
        if self._did is None or self._jwt is None:
            response = http.post(
                self._client,
                "/xrpc/com.atproto.server.createSession",
                json={"identifier": self.handle, "password": self._password},
            )
            body = response.json()
            self._did, self._jwt = str(body["did"]), str(body["accessJwt"])
        return self._did, self._jwt

    def _signed_in(self, call: Callable[[], T]) -> T:
        """Run the call; when the session expired (400 ExpiredToken or 401), sign in again and repeat it once."""
        try:
            return call()
        except http.HttpFailure as exc:
            error = exc.body.get("error") if isinstance(exc.body, dict) else None
            if not (exc.status == 401 or error in ("ExpiredToken", "InvalidToken")) or self._jwt is None:
                raise
            self._did = self._jwt = None
            return call()

    def _receipt(self, uri: str, rkey: str) -> Receipt:
        return Receipt(external_id=uri, url=f"{self.app_url}/profile/{self.handle}/post/{rkey}")


def _split_uri(uri: str) -> tuple[str, str, str]:
    """at://did/collection/rkey -> (did, collection, rkey)."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise PermanentSendError(f"{uri!r} is not a Bluesky post URI (at://did/app.bsky.feed.post/rkey)")
    return parts[0], parts[1], parts[2]
