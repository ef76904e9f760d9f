"""Shapes of outgoing webhook subscriptions and the events they receive."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The outbox channel of subscription deliveries (alert notifications use "webhook", signed with the routes
# file's secrets; these are signed with their subscription's secret, read from the database when sent).
CHANNEL = "event_webhook"


class Event(StrEnum):
    case_created = "case.created"  # intake opened a new case
    case_breached = "case.breached"  # an SLA clock of a case passed its deadline
    reply_sent = "reply.sent"  # the outbox worker delivered a reply to its channel


class SubscriptionView(BaseModel):
    """A subscription as lists and the API show it: never its secret (shown once, when created or rotated)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    events: list[str]
    active: bool
    created_by: str
    created_at: datetime


class NewSubscription(SubscriptionView):
    """A subscription just created (or its secret rotated), with the secret a receiver verifies signatures with."""

    secret: str


class Envelope(BaseModel):
    """The JSON body POSTed to a subscriber. `id` (also the Idempotency-Key header) is the same on every retry,
    so receivers drop repeats by it."""

    event: Event
    id: str
    idempotency_key: str
    occurred_at: datetime
    subscription_id: int
    data: dict[str, Any] = Field(default_factory=dict)
