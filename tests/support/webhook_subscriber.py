"""A webhook subscriber on a real local HTTP server: it verifies each event's HMAC signature with the
subscription's secret (as receivers are told to), and keeps each event once by its Idempotency-Key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from groundswell.outbox.webhooks import verify_signature
from tests.support.fake_channel_apis.server import FakeApiServer, json_body, require
from tests.support.replay_server import Request, Response

PATH = "/hooks/groundswell"
EVENT_FIELDS = {"event", "id", "idempotency_key", "occurred_at", "subscription_id", "data"}


@dataclass
class Subscriber:
    server: FakeApiServer
    secret: str = ""  # set once the subscription exists (the API makes it)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # Idempotency-Key -> body (first copy)
    repeats: int = 0

    @property
    def url(self) -> str:
        return self.server.url + PATH

    def install(self) -> Subscriber:
        self.server.route_pattern("POST", re.escape(PATH), self._receive)
        return self

    def of(self, event: str) -> list[dict[str, Any]]:
        return [body for body in self.events.values() if body["event"] == event]

    def _receive(self, request: Request, _: re.Match[str]) -> Response:
        body = json_body(request)
        timestamp = request.headers.get("x-groundswell-timestamp", "")
        header = request.headers.get("x-groundswell-signature", "")
        require(verify_signature(self.secret, timestamp=timestamp, body=request.body, header=header),
                "the signature does not match the body and timestamp (or the timestamp is stale)")  # fmt: skip
        key = request.headers.get("idempotency-key", "")
        require(key and body.get("idempotency_key") == key == body.get("id"), "Idempotency-Key differs from the body")
        require(set(body) == EVENT_FIELDS, f"an event has exactly {sorted(EVENT_FIELDS)}")
        if key in self.events:
            self.repeats += 1
        else:
            self.events[key] = body
        return Response(202, {"accepted": key})
