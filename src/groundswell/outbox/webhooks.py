"""Alert notifications over HTTP: signed webhooks, and Slack and Microsoft Teams incoming webhooks.

Each message carries its finished JSON body in `extra["payload"]` (built by `groundswell.alerts.notify`)
and the URL to post it to in `recipient`; these senders only deliver it.

A signed webhook carries
- `X-Groundswell-Timestamp`: the Unix time of the attempt, in seconds;
- `X-Groundswell-Signature`: `sha256=` + the hex HMAC-SHA256, keyed with the target's secret, of
  `"{timestamp}.{body}"` (the body exactly as sent). A receiver recomputes it, compares in constant time
  and refuses timestamps far from its clock (replays); `verify_signature` does all three.
- `Idempotency-Key`: the outbox key, the same on every attempt.

None of these services can be asked what they received, so `find_sent` answers None: after a crash
between the receiver accepting and the worker recording it, the message is posted again. Webhook
receivers drop the repeat by its Idempotency-Key (the body's `idempotency_key` holds it too); Slack and
Teams would show it twice, which for an alert is the safe side of the gap.

Answers: 2xx delivered; 408, 425, 429 and 5xx retried later (honouring Retry-After); any other 4xx is a
permanent refusal (a revoked Slack URL answers 404 or 410) and dead-letters the message at once.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from groundswell.channels import http
from groundswell.errors import ConfigurationError
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, Receipt, Sender, from_http_failure

SIGNATURE_HEADER = "X-Groundswell-Signature"
TIMESTAMP_HEADER = "X-Groundswell-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: str,
    *,
    timestamp: str,
    body: bytes,
    header: str,
    now: float | None = None,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: the signature matches this body and timestamp, and the timestamp is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)


class _HttpNotificationSender:
    channel = ""

    def __init__(self, *, client: httpx.Client | None = None) -> None:
        self._client = client or http.make_client()

    def send(self, message: OutgoingMessage) -> Receipt:
        url, payload = _target(message)
        try:
            response = self._post(message, url, payload)
        except http.HttpFailure as exc:
            raise from_http_failure(exc) from exc
        return Receipt(external_id=response.headers.get("x-request-id") or message.idempotency_key, url=None)

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        return None  # no service here can be asked; see the module's note

    def close(self) -> None:
        self._client.close()

    def _post(self, message: OutgoingMessage, url: str, payload: Any) -> httpx.Response:
        return http.post(self._client, url, json=payload)


class WebhookSender(_HttpNotificationSender):
    """POSTs the alert JSON, signed with the secret configured for its URL."""

    channel = "webhook"

    def __init__(
        self,
        secrets: Mapping[str, str],
        *,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(client=client)
        self._secrets = dict(secrets)
        self._clock = clock

    def secret_for(self, message: OutgoingMessage, url: str) -> str:
        """The key to sign this message with (subclasses look it up elsewhere: `webhooks.sender`)."""
        secret = self._secrets.get(url)
        if not secret:
            raise PermanentSendError(
                f"no signing secret for webhook {url}: add it as a webhook target (secret or secret_env) in the "
                "routes file named by GROUNDSWELL_ALERT_ROUTES"
            )
        return secret

    def _post(self, message: OutgoingMessage, url: str, payload: Any) -> httpx.Response:
        secret = self.secret_for(message, url)
        # The exact bytes httpx will send for this JSON, so the signature covers the body as transmitted.
        body = self._client.build_request("POST", url, json=payload).content
        timestamp = str(int(self._clock()))
        headers = {
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
            IDEMPOTENCY_HEADER: message.idempotency_key,
        }
        return http.post(self._client, url, json=payload, headers=headers)


class SlackSender(_HttpNotificationSender):
    """Slack incoming webhooks (`{"text", "blocks"}`); Slack answers 200 "ok"."""

    channel = "slack"


class TeamsSender(_HttpNotificationSender):
    """Microsoft Teams incoming webhooks (a MessageCard); Teams answers 200 (body "1" on the classic connector)."""

    channel = "teams"


def _target(message: OutgoingMessage) -> tuple[str, Any]:
    url = (message.recipient or "").strip()
    if not url.startswith(("https://", "http://")):
        raise PermanentSendError(f"a {message.channel} message needs the URL to post to, got {url!r}")
    payload = message.extra.get("payload")
    if payload is None:
        raise PermanentSendError(f"outbox message {message.id} has no payload to post (extra['payload'])")
    return url, payload


def notification_sender(channel: str, routes_file: Path | None, *, environ: Mapping[str, str] | None = None) -> Sender:
    """The sender for one notification channel; a webhook sender gets the secrets of the routes file."""
    if channel == "slack":
        return SlackSender()
    if channel == "teams":
        return TeamsSender()
    if routes_file is None:
        raise ConfigurationError(
            "signed webhooks need the routes file with their secrets: set GROUNDSWELL_ALERT_ROUTES"
        )
    from groundswell.alerts.routes import load_routes

    return WebhookSender(load_routes(routes_file).webhook_secrets(environ))
