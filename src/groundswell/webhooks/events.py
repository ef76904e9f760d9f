"""The events the product emits, each built from the rows at hand (no extra query per event but the
subscription list, which callers emitting many events preload).

Hooked in with one call each: intake (`case.created`), the SLA service when it records a breach
(`case.breached`), and the outbox worker when it records a reply as delivered (`reply.sent`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.models import Case, OutboxMessage, Reply, WebhookSubscription
from groundswell.webhooks.schemas import Event
from groundswell.webhooks.service import active_subscriptions, emit


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "case_id": case.id, "kind": case.kind, "status": case.status, "priority": case.priority,
        "channel": case.channel, "brand": case.brand, "subject": case.subject, "team_id": case.team_id,
        "assignee_id": case.assignee_id, "customer_id": case.customer_id, "tags": list(case.tags or []),
        "sla_policy": case.sla_policy, "opened_at": case.opened_at.isoformat(),
    }  # fmt: skip


def case_created(
    session: Session, *, case: Case, post_id: int, at: datetime, subscriptions: Sequence[WebhookSubscription] | None
) -> None:
    emit(session, event=Event.case_created, entity_id=case.id, data=case_summary(case) | {"post_id": post_id},
         now=at, subscriptions=subscriptions)  # fmt: skip


def case_breached(session: Session, *, case: Case, clock: str, policy: str, due_at: datetime, at: datetime) -> None:
    """A clock can breach again after a reopen restarts it: the deadline is part of the occurrence's name."""
    occurrence = f"{case.id}:{clock}:{int(due_at.timestamp())}"
    data = case_summary(case) | {"clock": clock, "policy": policy, "due_at": due_at.isoformat(),
                                 "noticed_at": at.isoformat()}  # fmt: skip
    emit(session, event=Event.case_breached, entity_id=occurrence, data=data, now=at)


def reply_sent(session: Session, *, message_id: int, at: datetime) -> None:
    """Called by the outbox worker in the transaction that records a delivery; only replies emit."""
    subscriptions = active_subscriptions(session)
    if not any(Event.reply_sent.value in row.events for row in subscriptions):
        return
    message = session.get(OutboxMessage, message_id)
    if message is None or message.reply_id is None:
        return
    reply = session.get(Reply, message.reply_id)
    if reply is None:
        return
    data = {
        "reply_id": reply.id, "case_id": reply.case_id, "author": reply.author, "text": reply.text,
        "visibility": reply.visibility, "channel": message.channel, "external_id": message.external_id,
        "external_url": message.external_url, "outbox_message_id": message.id, "sent_at": at.isoformat(),
    }  # fmt: skip
    emit(session, event=Event.reply_sent, entity_id=reply.id, data=data, now=at, subscriptions=subscriptions)
