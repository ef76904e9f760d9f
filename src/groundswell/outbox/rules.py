"""Pure outbox rules: which targets a channel accepts, and when to try again after a failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from groundswell.errors import InvalidInput


class Status(StrEnum):
    pending = "pending"  # waiting for its next attempt (next_attempt_at)
    sending = "sending"  # claimed by a worker until claimed_until
    sent = "sent"
    dead = "dead"  # gave up: last_error says why; `outbox retry` puts it back
    cancelled = "cancelled"  # withdrawn before it went out


VISIBILITIES = ("public", "private")
# Spellings callers use for a direct message, read as "private".
_PRIVATE_ALIASES = frozenset({"private", "direct", "dm"})
# The channels the outbox delivers to, and what a reply on each needs.
CHANNELS = ("x", "mastodon", "bluesky", "reddit", "email", "webhook", "slack", "teams", "event_webhook")
# Where replies and public statements go (the social channels and e-mail).
REPLY_CHANNELS = ("x", "mastodon", "bluesky", "reddit", "email")
# An HTTP POST to the URL in `recipient`: alert notifications (groundswell.alerts.notify), and events to
# webhook subscriptions ("event_webhook", groundswell.webhooks).
WEBHOOK_CHANNELS = ("webhook", "slack", "teams", "event_webhook")


def normalise_visibility(value: str) -> str:
    cleaned = value.strip().lower()
    if cleaned == "public":
        return "public"
    if cleaned in _PRIVATE_ALIASES:
        return "private"
    raise InvalidInput(f"unknown visibility {value!r}: use 'public' or 'private' (a direct message)")


def check_target(channel: str, visibility: str, in_reply_to: str | None, recipient: str | None) -> None:
    """Raise InvalidInput when the message names no place it could go on that channel."""
    if channel not in CHANNELS:
        raise InvalidInput(f"the outbox cannot deliver to channel {channel!r}: it delivers to {', '.join(CHANNELS)}")
    if channel == "email" and not recipient:
        raise InvalidInput("an e-mail reply needs the recipient's address (recipient=...)")
    if channel in WEBHOOK_CHANNELS:
        if not recipient or not recipient.startswith(("https://", "http://")):
            raise InvalidInput(f"a {channel} message needs the URL to post to (recipient='https://...')")
        return
    if channel == "email" or visibility == "public":
        if channel == "reddit" and not in_reply_to:
            raise InvalidInput("a public Reddit reply needs the parent's fullname (in_reply_to='t3_...' or 't1_...')")
        return
    if channel == "bluesky":
        # The sender can write chat messages, but only with an app password allowed to, which most are not:
        # until that is a setting, a private reply on Bluesky is refused here and callers fall back to public.
        raise InvalidInput("private replies on Bluesky are not enabled: send a public reply (visibility='public')")
    # A direct message reaches only the person it names (on Mastodon, the account it @mentions).
    if not recipient:
        raise InvalidInput(f"a private reply on {channel} needs the recipient (a handle or user id)")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff without jitter (deterministic, so tests and operators can predict it):
    base * 2^(attempts-1), capped; after `max_attempts` failed attempts the message is dead."""

    max_attempts: int = 8
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise InvalidInput(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.base_delay <= timedelta(0) or self.max_delay < self.base_delay:
            raise InvalidInput("the retry delays must be positive, and the cap at least the base delay")

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt."""
        exponent = min(max(attempts - 1, 0), 60)  # 2^60 times any positive base is past any sane cap
        seconds = self.base_delay.total_seconds() * 2.0**exponent
        return self.max_delay if seconds >= self.max_delay.total_seconds() else timedelta(seconds=seconds)

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def next_attempt_at(self, attempts: int, now: datetime, retry_after: timedelta | None = None) -> datetime:
        """When to try again: after the backoff, or later if the remote service asked for more time."""
        wait = self.delay(attempts)
        if retry_after is not None and retry_after > wait:
            wait = min(retry_after, self.max_delay)
        return now + wait
