"""Delivery of subscription events: the signed-webhook sender (`outbox.webhooks.WebhookSender`: the same
X-Groundswell-Signature/Timestamp and Idempotency-Key headers, the same retry rules), keyed by the
subscription's secret instead of the alert routes file's.

The secret is read from the database at each attempt through an injected lookup, rather than copied into the
outbox row: outbox rows (and their `extra`) are shown in lists and the API, and a rotated secret then applies
to messages still queued. A deleted or deactivated subscription has no secret, which dead-letters the message.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from sqlalchemy.orm import Session, sessionmaker

from groundswell.outbox.senders import OutgoingMessage, PermanentSendError
from groundswell.outbox.webhooks import WebhookSender
from groundswell.webhooks import repository
from groundswell.webhooks.schemas import CHANNEL

SecretLookup = Callable[[int], str | None]


class SubscriptionSender(WebhookSender):
    channel = CHANNEL

    def __init__(
        self, secret_of: SecretLookup, *, client: httpx.Client | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__({}, client=client, clock=clock)
        self._secret_of = secret_of

    def secret_for(self, message: OutgoingMessage, url: str) -> str:
        subscription_id = message.extra.get("subscription_id")
        if not isinstance(subscription_id, int):
            raise PermanentSendError(f"outbox message {message.id} names no webhook subscription")
        secret = self._secret_of(subscription_id)
        if not secret:
            raise PermanentSendError(
                f"webhook subscription {subscription_id} was deleted or deactivated: nothing to sign the event with"
            )
        return secret


def database_secrets(sessions: sessionmaker[Session]) -> SecretLookup:
    def secret_of(subscription_id: int) -> str | None:
        with sessions() as session:
            return repository.active_secret(session, subscription_id)

    return secret_of


def subscription_sender(sessions: sessionmaker[Session]) -> SubscriptionSender:
    return SubscriptionSender(database_secrets(sessions))
