"""Output shapes of the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class OutboxMessageView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    idempotency_key: str
    channel: str
    visibility: str
    in_reply_to: str | None
    recipient: str | None
    text: str
    extra: dict[str, Any] = Field(default_factory=dict)
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_until: datetime | None
    last_error: str | None
    external_id: str | None
    external_url: str | None
    created_at: datetime
    sent_at: datetime | None
    reply_id: int | None
    case_id: int | None
