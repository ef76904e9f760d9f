"""Fake alert receivers on the real local HTTP server of the fake channel APIs: a signed-webhook endpoint
that verifies the HMAC signature and drops repeats by Idempotency-Key (as the webhook docs ask receivers
to), a Slack incoming webhook and a Teams incoming webhook that check their payload shapes.

A request that a real receiver would refuse is answered 400 and recorded in `server.problems`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from groundswell.outbox.webhooks import verify_signature
from tests.support.fake_channel_apis.server import FakeApiServer, json_body, require
from tests.support.replay_server import Request, Response

WEBHOOK_PATH = "/hooks/pager"
SLACK_PATH = "/services/T000/B000/XXXXSECRET"
TEAMS_PATH = "/webhookb2/abc/IncomingWebhook/def"
ALERT_FIELDS = {"id", "kind", "scope_kind", "scope", "severity", "summary", "key_phrases", "post_ids", "start",
                "detected_at", "occurrences", "escalation_level"}  # fmt: skip


@dataclass
class AlertReceivers:
    server: FakeApiServer
    secret: str
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)  # Idempotency-Key -> body (first copy)
    webhook_repeats: int = 0
    slack: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)

    @property
    def webhook_url(self) -> str:
        return self.server.url + WEBHOOK_PATH

    @property
    def slack_url(self) -> str:
        return self.server.url + SLACK_PATH

    @property
    def teams_url(self) -> str:
        return self.server.url + TEAMS_PATH

    def install(self) -> AlertReceivers:
        self.server.route_pattern("POST", re.escape(WEBHOOK_PATH), self._webhook)
        self.server.route_pattern("POST", re.escape(SLACK_PATH), self._slack)
        self.server.route_pattern("POST", re.escape(TEAMS_PATH), self._teams)
        return self

    def _webhook(self, request: Request, _: re.Match[str]) -> Response:
        body = json_body(request)
        timestamp = request.headers.get("x-groundswell-timestamp", "")
        header = request.headers.get("x-groundswell-signature", "")
        require(header.startswith("sha256="), "missing X-Groundswell-Signature: sha256=<hex>")
        require(verify_signature(self.secret, timestamp=timestamp, body=request.body, header=header),
                "the signature does not match the body and timestamp (or the timestamp is stale)")  # fmt: skip
        key = request.headers.get("idempotency-key", "")
        require(key, "missing Idempotency-Key")
        require(body.get("event") == "alert.notification", "event must be alert.notification")
        require(body.get("idempotency_key") == key, "the body's idempotency_key differs from the header")
        alert = body.get("alert")
        require(isinstance(alert, dict) and set(alert) >= ALERT_FIELDS, f"alert lacks {ALERT_FIELDS}")
        if key in self.webhooks:
            self.webhook_repeats += 1
        else:
            self.webhooks[key] = body
        return Response(202, {"accepted": key})

    def _slack(self, request: Request, _: re.Match[str]) -> Response:
        body = json_body(request)
        require(isinstance(body.get("text"), str) and body["text"], "a Slack message needs text")
        blocks = body.get("blocks")
        require(isinstance(blocks, list) and blocks, "blocks must be a non-empty list")
        assert isinstance(blocks, list)
        for block in blocks:
            require(isinstance(block, dict) and block.get("type") in
                    {"header", "section", "context", "actions", "divider"}, f"unknown block {block!r}")  # fmt: skip
        require(len(blocks) <= 50, "Slack takes at most 50 blocks")
        self.slack.append(body)
        return Response(200, "ok", content_type="text/plain")

    def _teams(self, request: Request, _: re.Match[str]) -> Response:
        body = json_body(request)
        require(body.get("@type") == "MessageCard", "a connector card must be a MessageCard")
        require(body.get("@context") == "https://schema.org/extensions", "wrong @context")
        require(body.get("summary") or body.get("text"), "a MessageCard needs summary or text")
        sections = body.get("sections")
        require(isinstance(sections, list) and sections, "sections must be a non-empty list")
        self.teams.append(body)
        return Response(200, "1", content_type="text/plain")
