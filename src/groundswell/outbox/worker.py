"""The outbox worker: claim due messages, send each through its channel's sender, record the outcome.

Delivery is exactly-once wherever the channel can look back (`Sender.find_sent`):
1. A short transaction claims due messages (status sending, attempts + 1, a lease until claimed_until)
   and commits, so no other worker takes them while the lease runs.
2. Outside any transaction, each message is sent. An attempt that follows one which may have reached the
   remote service (attempts > 1, or an earlier error) first asks the sender whether the message is already
   there, so a crash between the remote accepting and step 3 never posts twice.
3. Each outcome is recorded in its own transaction, fenced by the attempt number: a worker whose lease
   ran out and whose message was taken over records nothing.

A worker that dies mid-way leaves its messages in `sending`; once the lease expires the next run claims
them again and step 2 recovers them. The lease must outlast one send (HTTP timeouts are 20 s).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from groundswell.db.engine import write_transaction
from groundswell.errors import ChannelUnavailable, ConfigurationError
from groundswell.governance import audit_log
from groundswell.models import OutboxMessage
from groundswell.outbox import repository
from groundswell.outbox.rules import REPLY_CHANNELS, RetryPolicy, Status
from groundswell.outbox.senders import OutgoingMessage, Receipt, Sender, SendError
from groundswell.outbox.service import ENTITY
from groundswell.webhooks import events as webhook_events

log = logging.getLogger(__name__)
DEFAULT_LEASE = timedelta(minutes=5)
WORKER_ACTOR = "outbox-worker"
_MAX_ERROR_CHARS = 2000


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: list[int] = field(default_factory=list)  # ids delivered in this run
    recovered: list[int] = field(default_factory=list)  # ids found already delivered (subset of sent)
    retrying: list[int] = field(default_factory=list)  # ids that failed and wait for another attempt
    dead: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)  # ids whose claim another worker took over

    def as_dict(self) -> dict[str, Any]:
        return {
            "claimed": self.claimed,
            "sent": list(self.sent),
            "recovered": list(self.recovered),
            "retrying": list(self.retrying),
            "dead": list(self.dead),
            "lost": list(self.lost),
        }


@dataclass(frozen=True, slots=True)
class _Failure:
    message: str
    retryable: bool
    retry_after: timedelta | None = None


def deliver_due(
    sessions: sessionmaker[Session],
    *,
    senders: Mapping[str, Sender],
    now: datetime | None = None,
    limit: int = 100,
    lease: timedelta = DEFAULT_LEASE,
    policy: RetryPolicy | None = None,
    actor: str = WORKER_ACTOR,
) -> DeliveryReport:
    """Deliver the messages due now on the channels in `senders` (others stay queued for a worker that has
    their sender). `now` fixes the clock for tests; by default each step reads the real time."""
    if lease <= timedelta(0):
        raise ConfigurationError("the lease must be positive: it is how long a claimed message stays reserved")
    clock: Callable[[], datetime] = (lambda: now) if now is not None else (lambda: datetime.now(UTC))
    run = _Run(sessions, clock, policy or RetryPolicy(), actor)
    if not senders or limit < 1:
        return run.report
    started = clock()
    with write_transaction(sessions) as session:
        claimed = repository.claim_due(
            session, channels=list(senders), now=started, limit=limit, claimed_until=started + lease
        )
        work = [(_outgoing(row), row.last_error is not None) for row in claimed]
    run.report.claimed = len(work)
    for message, failed_before in work:
        if clock() >= started + lease:
            # Our lease ran out while earlier messages were sent: another worker may hold this one now.
            run.report.lost.append(message.id)
            continue
        run.deliver(senders[message.channel], message, failed_before)
    return run.report


def _outgoing(row: OutboxMessage) -> OutgoingMessage:
    return OutgoingMessage(
        id=row.id, idempotency_key=row.idempotency_key, channel=row.channel, text=row.text,
        visibility=row.visibility, in_reply_to=row.in_reply_to, recipient=row.recipient,
        extra=dict(row.extra or {}), attempts=row.attempts, created_at=row.created_at,
    )  # fmt: skip


@dataclass
class _Run:
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    policy: RetryPolicy
    actor: str
    report: DeliveryReport = field(default_factory=DeliveryReport)

    def deliver(self, sender: Sender, message: OutgoingMessage, failed_before: bool) -> None:
        recovered = False
        try:
            receipt: Receipt | None = None
            if message.attempts > 1 or failed_before:
                receipt = sender.find_sent(message)
                recovered = receipt is not None
            if receipt is None:
                receipt = sender.send(message)
        except Exception as exc:  # whatever a sender raises fails this attempt, never the whole run
            failure = _classify(exc)
            log.warning("outbox message %s (%s) failed: %s", message.id, message.channel, failure.message)
            self._failed(message, failure)
            return
        self._sent(message, receipt, recovered)

    def _sent(self, message: OutgoingMessage, receipt: Receipt, recovered: bool) -> None:
        at = self.clock()
        values = {
            "status": Status.sent, "external_id": receipt.external_id, "external_url": receipt.url,
            "sent_at": at, "claimed_until": None, "last_error": None,
        }  # fmt: skip
        with write_transaction(self.sessions) as session:
            if not repository.finish_claim(session, message_id=message.id, attempts=message.attempts, values=values):
                self.report.lost.append(message.id)
                return
            audit_log.append(
                session, actor=self.actor, action="outbox.sent", entity=ENTITY, entity_id=message.id, at=at,
                before={"status": Status.sending, "attempts": message.attempts},
                after={"status": Status.sent, "external_id": receipt.external_id, "url": receipt.url,
                       "recovered": recovered},
            )  # fmt: skip
            if message.channel in REPLY_CHANNELS:
                # Subscribers hear of a delivered reply in the same transaction that records it.
                webhook_events.reply_sent(session, message_id=message.id, at=at)
        self.report.sent.append(message.id)
        if recovered:
            self.report.recovered.append(message.id)

    def _failed(self, message: OutgoingMessage, failure: _Failure) -> None:
        at = self.clock()
        dead = not failure.retryable or self.policy.gives_up(message.attempts)
        values: dict[str, object] = {"last_error": failure.message, "claimed_until": None}
        if dead:
            values["status"] = Status.dead
        else:
            values["status"] = Status.pending
            values["next_attempt_at"] = self.policy.next_attempt_at(message.attempts, at, failure.retry_after)
        with write_transaction(self.sessions) as session:
            if not repository.finish_claim(session, message_id=message.id, attempts=message.attempts, values=values):
                self.report.lost.append(message.id)
                return
            if dead:
                audit_log.append(
                    session, actor=self.actor, action="outbox.dead", entity=ENTITY, entity_id=message.id, at=at,
                    before={"status": Status.sending, "attempts": message.attempts},
                    after={"status": Status.dead, "error": failure.message, "retryable": failure.retryable},
                )  # fmt: skip
        (self.report.dead if dead else self.report.retrying).append(message.id)


def _classify(exc: Exception) -> _Failure:
    if isinstance(exc, SendError):
        return _Failure(_clip(exc.message), exc.retryable, exc.retry_after)
    if isinstance(exc, ConfigurationError):
        return _Failure(_clip(exc.message), retryable=False)
    if isinstance(exc, ChannelUnavailable):
        return _Failure(_clip(exc.message), retryable=bool(getattr(exc, "retryable", True)))
    # An unexpected error (a bug, an answer in a shape nobody foresaw) may have come after the remote
    # accepted the message: retrying, with find_sent first, is the safe side; max_attempts bounds it.
    return _Failure(_clip(f"{type(exc).__name__}: {exc}"), retryable=True)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"
