"""A fake Bluesky PDS: sessions, createRecord (with caller-chosen record keys) and getRecord."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_channel_apis.server import FakeApiServer, json_body, require
from tests.support.replay_server import Request, Response

DID = "did:plc:voltlinecare0000000000"
CUSTOMER_DID = "did:plc:anabcustomer000000000"
POST = "app.bsky.feed.post"
CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"
TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
ISO_MILLIS_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def cid_for(value: object) -> str:
    return "bafyrei" + hashlib.sha256(repr(value).encode()).hexdigest()[:40]


@dataclass
class FakeBluesky:
    server: FakeApiServer
    handle: str = "voltline.bsky.social"
    password: str = "app-pass-1234"
    # did -> rkey -> {"uri", "cid", "value"}
    repos: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {DID: {}, CUSTOMER_DID: {}})
    sessions: int = 0
    handles: dict[str, str] = field(default_factory=lambda: {"ana.bsky.social": CUSTOMER_DID})
    chats: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # convo id -> messages, oldest first
    _tokens: itertools.count[int] = field(default_factory=itertools.count)
    _valid_jwt: str | None = None

    def __post_init__(self) -> None:
        self.server.route("POST", "/xrpc/com.atproto.server.createSession", self._create_session)
        self.server.route("POST", "/xrpc/com.atproto.repo.createRecord", self._create_record)
        self.server.route("GET", "/xrpc/com.atproto.repo.getRecord", self._get_record)
        self.server.route("GET", "/xrpc/com.atproto.identity.resolveHandle", self._resolve_handle)
        self.server.route("GET", "/xrpc/chat.bsky.convo.getConvoForMembers", self._convo_for_members)
        self.server.route("POST", "/xrpc/chat.bsky.convo.sendMessage", self._send_message)
        self.server.route("GET", "/xrpc/chat.bsky.convo.getMessages", self._get_messages)

    @property
    def posted(self) -> list[dict[str, Any]]:
        return list(self.repos[DID].values())

    def add_customer_post(self, rkey: str, text: str, reply_to: dict[str, Any] | None = None) -> dict[str, str]:
        value: dict[str, Any] = {"$type": POST, "text": text, "createdAt": "2025-03-03T09:00:00.000Z"}
        if reply_to:
            value["reply"] = reply_to
        uri = f"at://{CUSTOMER_DID}/{POST}/{rkey}"
        self.repos[CUSTOMER_DID][rkey] = {"uri": uri, "cid": cid_for(value), "value": value}
        return {"uri": uri, "cid": cid_for(value)}

    def expire_session(self) -> None:
        self._valid_jwt = None

    def _create_session(self, request: Request) -> Response:
        body = json_body(request)
        if (body.get("identifier"), body.get("password")) != (self.handle, self.password):
            return Response(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
        self.sessions += 1
        self._valid_jwt = f"jwt-{next(self._tokens)}"
        return Response(200, {"did": DID, "handle": self.handle, "accessJwt": self._valid_jwt, "refreshJwt": "r"})

    def _authorised(self, request: Request) -> bool:
        return self._valid_jwt is not None and request.headers.get("authorization") == f"Bearer {self._valid_jwt}"

    def _create_record(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response(400, {"error": "ExpiredToken", "message": "Token has expired"})
        body = json_body(request)
        require(body.get("repo") == DID, "repo must be the account's DID")
        require(body.get("collection") == POST, f"collection must be {POST}")
        rkey = str(body.get("rkey"))
        require(TID.fullmatch(rkey), f"rkey {rkey!r} is not a TID, as {POST} requires")
        record = body.get("record")
        require(isinstance(record, dict), "record must be an object")
        assert isinstance(record, dict)
        require(record.get("$type") == POST, "record.$type must be app.bsky.feed.post")
        require(ISO_MILLIS_Z.fullmatch(str(record.get("createdAt"))), "record.createdAt must be an ISO time in UTC")
        text = record.get("text")
        require(isinstance(text, str) and text.strip(), "record.text is required")
        if len(str(text)) > 300:
            return Response(
                400, {"error": "InvalidRequest", "message": "Record/text must not be longer than 300 graphemes"}
            )
        if "reply" in record:
            self._check_reply(record["reply"])
        if rkey in self.repos[DID]:
            # What the reference PDS answers for an existing key (a 500, see bluesky-social/indigo#873).
            return Response(500, {"error": "InternalServerError", "message": "Internal Server Error"})
        uri = f"at://{DID}/{POST}/{rkey}"
        self.repos[DID][rkey] = {"uri": uri, "cid": cid_for(record), "value": record}
        return Response(200, {"uri": uri, "cid": cid_for(record), "validationStatus": "valid"})

    def _check_reply(self, reply: Any) -> None:
        require(isinstance(reply, dict) and set(reply) == {"root", "parent"}, "reply must hold root and parent")
        for part in ("root", "parent"):
            ref = reply[part]
            require(isinstance(ref, dict) and ref.get("uri") and ref.get("cid"), f"reply.{part} needs uri and cid")
            stored = self._lookup(str(ref["uri"]))
            require(stored is not None and stored["cid"] == ref["cid"], f"reply.{part} names no such post/cid")

    def _lookup(self, uri: str) -> dict[str, Any] | None:
        did, _, rkey = uri.removeprefix("at://").split("/")
        return self.repos.get(did, {}).get(rkey)

    def _get_record(self, request: Request) -> Response:
        repo, collection, rkey = (request.query.get(k, [""])[0] for k in ("repo", "collection", "rkey"))
        require(collection == POST, f"collection must be {POST}")
        found = self.repos.get(repo, {}).get(rkey)
        if found is None:
            uri = f"at://{repo}/{collection}/{rkey}"
            return Response(400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"})
        return Response(200, found)

    def _chat_request(self, request: Request) -> None:
        require(request.headers.get("atproto-proxy") == CHAT_PROXY, "chat calls go through the PDS proxy header")
        require(self._authorised(request), "chat calls need the session's bearer token")

    def _resolve_handle(self, request: Request) -> Response:
        handle = request.query.get("handle", [""])[0]
        if handle not in self.handles:
            return Response(400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
        return Response(200, {"did": self.handles[handle]})

    def _convo_for_members(self, request: Request) -> Response:
        self._chat_request(request)
        members = request.query.get("members", [])
        require(len(members) == 1 and members[0].startswith("did:"), "members must be the recipient's DID")
        convo = f"convo-{members[0].rsplit(':', 1)[-1]}"
        self.chats.setdefault(convo, [])
        return Response(200, {"convo": {"id": convo, "rev": "1", "members": [{"did": DID}, {"did": members[0]}],
                                        "muted": False, "unreadCount": 0}})  # fmt: skip

    def _send_message(self, request: Request) -> Response:
        self._chat_request(request)
        body = json_body(request)
        convo = str(body.get("convoId"))
        require(convo in self.chats, f"no conversation {convo}")
        message = body.get("message")
        require(isinstance(message, dict) and set(message) == {"text"} and message["text"], "message must be {text}")
        assert isinstance(message, dict)
        view = {"id": f"msg-{len(self.chats[convo]) + 1}", "rev": "2", "text": message["text"],
                "sender": {"did": DID}, "sentAt": "2025-03-03T10:00:00.000Z"}  # fmt: skip
        self.chats[convo].append(view)
        return Response(200, view)

    def _get_messages(self, request: Request) -> Response:
        self._chat_request(request)
        convo = request.query.get("convoId", [""])[0]
        require(convo in self.chats, f"no conversation {convo}")
        return Response(200, {"messages": list(reversed(self.chats[convo]))})
