"""Outbox queries."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from groundswell.models import OutboxMessage
from groundswell.outbox.rules import Status


def by_key(session: Session, idempotency_key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))


def messages(
    session: Session,
    *,
    status: str | None = None,
    channel: str | None = None,
    case_id: int | None = None,
    reply_id: int | None = None,
    limit: int = 100,
) -> Sequence[OutboxMessage]:
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    if case_id is not None:
        query = query.where(OutboxMessage.case_id == case_id)
    if reply_id is not None:
        query = query.where(OutboxMessage.reply_id == reply_id)
    return session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)).all()


def claim_due(
    session: Session, *, channels: Collection[str], now: datetime, limit: int, claimed_until: datetime
) -> list[OutboxMessage]:
    """Mark up to `limit` due messages as sending until `claimed_until`, oldest due first: pending ones whose
    time has come, and sending ones whose worker's lease ran out (it crashed or hung).

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent workers take disjoint sets without waiting;
    on SQLite the caller's BEGIN IMMEDIATE (write_transaction) serialises claims instead, and the clause
    is left out by the dialect."""
    due = or_(
        and_(OutboxMessage.status == Status.pending, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == Status.sending, OutboxMessage.claimed_until <= now),
    )
    rows = list(
        session.scalars(
            select(OutboxMessage)
            .where(due, OutboxMessage.channel.in_(list(channels)))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
    )
    for row in rows:
        row.status = Status.sending
        row.attempts += 1
        row.claimed_until = claimed_until
    session.flush()
    return rows


def finish_claim(session: Session, *, message_id: int, attempts: int, values: Mapping[str, object]) -> bool:
    """Record the outcome of the attempt numbered `attempts`, unless the claim was lost meanwhile (the lease
    ran out and another worker took the message: its attempt number is higher). True when recorded."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == Status.sending,
            OutboxMessage.attempts == attempts,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
