"""Outbox operations for callers that own the transaction (reply sending, status updates, the CLI).

`enqueue` belongs in the same transaction as the change that decided to send (a reply approved and sent,
a lost-item status changed): the message exists exactly when that change committed, and the worker
delivers it later. The idempotency key makes enqueueing twice harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.models import OutboxMessage
from groundswell.outbox import repository
from groundswell.outbox.rules import Status, check_target, normalise_visibility

ENTITY = "outbox"
MAX_KEY_LENGTH = 128


def enqueue(
    session: Session,
    *,
    idempotency_key: str,
    channel: str,
    text: str,
    visibility: str = "public",
    in_reply_to: str | None = None,
    recipient: str | None = None,
    reply_id: int | None = None,
    case_id: int | None = None,
    extra: dict[str, Any] | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> OutboxMessage:
    """Queue a message for delivery, due at once. The same key returns the row already queued (whatever
    its status); the same key with another text or target is a Conflict, since it would mean two
    different messages claim one delivery."""
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"the idempotency key must be 1 to {MAX_KEY_LENGTH} characters, got {len(key)}")
    if not text.strip():
        raise InvalidInput("the message text is empty: there is nothing to send")
    channel = channel.strip().lower()
    visibility = normalise_visibility(visibility)
    check_target(channel, visibility, in_reply_to, recipient)
    wanted = {"channel": channel, "visibility": visibility, "in_reply_to": in_reply_to, "recipient": recipient}
    existing = repository.by_key(session, key)
    if existing is not None:
        return _same_or_conflict(existing, text=text, **wanted)
    when = now or datetime.now(UTC)
    row = OutboxMessage(
        idempotency_key=key, text=text, extra=dict(extra or {}), reply_id=reply_id, case_id=case_id,
        status=Status.pending, attempts=0, next_attempt_at=when, created_at=when, **wanted,
    )  # fmt: skip
    try:
        # A savepoint, so that losing a race with a concurrent enqueue of the same key leaves the
        # caller's transaction usable.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raced = repository.by_key(session, key)
        if raced is None:
            raise
        return _same_or_conflict(raced, text=text, **wanted)
    audit_log.append(
        session, actor=actor, action="outbox.enqueue", entity=ENTITY, entity_id=row.id, at=when,
        after={"key": key, **wanted, "reply_id": reply_id, "case_id": case_id, "chars": len(text)},
    )  # fmt: skip
    return row


def _same_or_conflict(row: OutboxMessage, *, text: str, **target: str | None) -> OutboxMessage:
    differs = [name for name, value in {"text": text, **target}.items() if getattr(row, name) != value]
    if differs:
        raise Conflict(
            f"idempotency key {row.idempotency_key!r} was already used for outbox message {row.id} with another "
            f"{', '.join(differs)}: use a new key for a different message"
        )
    return row


def get_message(session: Session, message_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound(f"no outbox message with id {message_id}: `groundswell outbox list` shows them")
    return row


def list_messages(
    session: Session,
    *,
    status: str | None = None,
    channel: str | None = None,
    case_id: int | None = None,
    reply_id: int | None = None,
    limit: int = 100,
) -> Sequence[OutboxMessage]:
    """Messages, newest first."""
    if status is not None and status not in Status.__members__:
        raise InvalidInput(f"unknown outbox status {status!r}: use one of {', '.join(Status)}")
    if limit < 1:
        raise InvalidInput(f"limit must be at least 1, got {limit}")
    return repository.messages(session, status=status, channel=channel, case_id=case_id, reply_id=reply_id, limit=limit)


def retry_dead(session: Session, *, message_id: int, actor: str, now: datetime | None = None) -> OutboxMessage:
    """Put a dead message back in the queue, due at once, with a fresh count of attempts. Its last error
    stays, which tells the worker that an earlier attempt may have reached the remote service, so it
    looks there first (`find_sent`) rather than posting again."""
    row = _locked(session, message_id)
    if row.status != Status.dead:
        raise Conflict(f"outbox message {message_id} is {row.status}: only a dead message can be retried")
    when = now or datetime.now(UTC)
    before = {"status": row.status, "attempts": row.attempts, "last_error": row.last_error}
    row.status, row.attempts, row.next_attempt_at, row.claimed_until = Status.pending, 0, when, None
    session.flush()
    audit_log.append(
        session, actor=actor, action="outbox.retry", entity=ENTITY, entity_id=row.id, at=when,
        before=before, after={"status": row.status, "attempts": 0},
    )  # fmt: skip
    return row


def cancel(
    session: Session, *, message_id: int, actor: str, reason: str | None = None, now: datetime | None = None
) -> OutboxMessage:
    """Withdraw a message that has not gone out (pending or dead). One being sent or already sent cannot be
    withdrawn here: delete the post on the channel instead."""
    row = _locked(session, message_id)
    if row.status not in (Status.pending, Status.dead):
        raise Conflict(f"outbox message {message_id} is {row.status}: only a pending or dead message can be cancelled")
    when = now or datetime.now(UTC)
    before = {"status": row.status}
    row.status, row.claimed_until = Status.cancelled, None
    session.flush()
    audit_log.append(
        session, actor=actor, action="outbox.cancel", entity=ENTITY, entity_id=row.id, at=when,
        before=before, after={"status": row.status, "reason": reason},
    )  # fmt: skip
    return row


def _locked(session: Session, message_id: int) -> OutboxMessage:
    # Locked on PostgreSQL so that a worker's claim cannot interleave with the change.
    row = session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"no outbox message with id {message_id}: `groundswell outbox list` shows them")
    return row
