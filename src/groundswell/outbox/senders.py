"""The contract between the outbox worker and the channel senders.

A sender turns one `OutgoingMessage` into a post, comment, direct message or e-mail on its channel and
returns a `Receipt`. It never touches the database. It raises `SendError`: `retryable` when trying again
later may succeed (network trouble, rate limits, 5xx), not when the remote refused for good (bad
credentials, a deleted parent, a validation error), which dead-letters the message at once.

`find_sent` looks on the remote service for a message already sent under this idempotency key. The worker
calls it before every attempt that follows one which may have reached the remote service (a crash between
the remote accepting and the worker recording, a timeout after the request was sent), so that a retry
never posts twice. A channel that cannot look back returns None and documents what that means.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from groundswell.channels.http import HttpFailure

# HTTP statuses worth trying again: timeouts, "too early", rate limits. Every 5xx is too.
RETRYABLE_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """What a sender needs to know about one outbox row (a plain copy: senders never see the ORM)."""

    id: int
    idempotency_key: str
    channel: str
    text: str
    visibility: str = "public"  # public or private (a direct message)
    in_reply_to: str | None = None  # the external id of the post answered
    recipient: str | None = None  # a handle, user id or e-mail address
    extra: Mapping[str, Any] = field(default_factory=dict)
    attempts: int = 1
    created_at: datetime | None = None

    @property
    def private(self) -> bool:
        return self.visibility == "private"


@dataclass(frozen=True, slots=True)
class Receipt:
    """Where the message went: its id on the channel and a link to it when the channel has one."""

    external_id: str | None
    url: str | None = None


class SendError(Exception):
    """A failed delivery. `retryable` decides between another attempt later and the dead letter."""

    retryable: bool = True

    def __init__(self, message: str, *, retry_after: timedelta | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class RetryableSendError(SendError):
    retryable = True


class PermanentSendError(SendError):
    retryable = False


@runtime_checkable
class Sender(Protocol):
    channel: str

    def send(self, message: OutgoingMessage) -> Receipt:
        """Deliver the message; raise SendError when it was not delivered."""
        ...

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        """The message as already delivered under its idempotency key, or None."""
        ...


def error_for_status(status: int | None, message: str, *, retry_after: str | None = None) -> SendError:
    """The SendError for an HTTP status (None: the request never got an answer)."""
    if status is None or status in RETRYABLE_STATUSES or status >= 500:
        return RetryableSendError(message, retry_after=parse_retry_after(retry_after))
    return PermanentSendError(message)


def parse_retry_after(value: str | None) -> timedelta | None:
    """A Retry-After given in seconds (X and Reddit also send seconds); anything else is ignored."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return timedelta(seconds=seconds) if 0 < seconds < 86_400 else None


_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:[@.][\w.@:-]+\s+)+")
_SPACE = re.compile(r"\s+")


def comparable_text(text: str) -> str:
    """Text reduced to what survives a round trip through a channel: the services shorten links
    (t.co), prepend the @mentions of a reply, escape HTML and fold whitespace."""
    text = html.unescape(text).strip()
    text = _LEADING_MENTIONS.sub("", text)
    text = _URL.sub("<link>", text)
    return _SPACE.sub(" ", text).strip().casefold()


def same_text(ours: str, theirs: str) -> bool:
    return comparable_text(ours) == comparable_text(theirs)


def from_http_failure(exc: HttpFailure) -> SendError:
    """The SendError for a failure of the shared HTTP client (`groundswell.channels.http`)."""
    return error_for_status(exc.status, exc.message, retry_after=exc.retry_after)
