"""Webhook subscriptions (create, change, rotate the secret, delete) and `emit`, which queues an event for
every active subscription to it.

An event becomes one outbox message per subscription, keyed `webhook:{subscription}:{event}:{entity}`, in the
caller's transaction: it exists exactly when the change that caused it commits, emitting twice is harmless,
and the outbox worker delivers it signed (`webhooks.sender`), retrying failures and dead-lettering for good.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.models import OutboxMessage, WebhookSubscription
from groundswell.outbox.service import enqueue
from groundswell.webhooks import repository
from groundswell.webhooks.schemas import CHANNEL, Envelope, Event

ENTITY = "webhook_subscription"
MIN_SECRET_LENGTH = 16
MAX_URL_LENGTH = 2048


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 128:
        raise InvalidInput("a webhook subscription's name is 1 to 128 characters")
    return cleaned


def _clean_url(url: str) -> str:
    cleaned = url.strip()
    if not cleaned.startswith(("https://", "http://")) or len(cleaned) > MAX_URL_LENGTH or " " in cleaned:
        raise InvalidInput(f"the webhook URL must be an http(s):// address of at most {MAX_URL_LENGTH} characters")
    return cleaned


def _clean_events(events: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(e.strip() for e in events))
    known = {e.value for e in Event}
    unknown = [e for e in wanted if e not in known]
    if unknown or not wanted:
        raise InvalidInput(
            f"unknown or missing events {', '.join(unknown) or '(none given)'}: subscribe to one or more of "
            f"{', '.join(sorted(known))}"
        )
    return wanted


def _clean_secret(secret: str | None) -> str:
    if secret is None:
        return secrets.token_urlsafe(32)
    if len(secret) < MIN_SECRET_LENGTH or len(secret) > 255:
        raise InvalidInput(f"a signing secret is {MIN_SECRET_LENGTH} to 255 characters (or none: a random one is made)")
    return secret


def _state(row: WebhookSubscription) -> dict[str, Any]:
    return {"name": row.name, "url": row.url, "events": list(row.events), "active": row.active}


def create_subscription(
    session: Session, *, name: str, url: str, events: Iterable[str], actor: str, secret: str | None = None,
    active: bool = True, now: datetime | None = None,
) -> WebhookSubscription:  # fmt: skip
    """A new subscription. Without a secret a random one is made; the caller shows it once."""
    cleaned = _clean_name(name)
    if repository.by_name(session, cleaned) is not None:
        raise Conflict(f"a webhook subscription named {cleaned!r} already exists: choose another name")
    when = _now(now)
    row = WebhookSubscription(
        name=cleaned, url=_clean_url(url), secret=_clean_secret(secret), events=_clean_events(events),
        active=active, created_by=actor, created_at=when,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_log.append(session, actor=actor, action="webhook.created", entity=ENTITY, entity_id=row.id,
                     after=_state(row), at=when)  # fmt: skip
    return row


def get_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFound(f"no webhook subscription with id {subscription_id}")
    return row


def list_subscriptions(
    session: Session, *, event: str | None = None, active: bool | None = None
) -> list[WebhookSubscription]:
    rows = repository.all_subscriptions(session)
    if event is not None:
        rows = [row for row in rows if event in row.events]
    if active is not None:
        rows = [row for row in rows if row.active is active]
    return rows


def update_subscription(
    session: Session, *, subscription_id: int, actor: str, name: str | None = None, url: str | None = None,
    events: Iterable[str] | None = None, active: bool | None = None, now: datetime | None = None,
) -> WebhookSubscription:  # fmt: skip
    row = get_subscription(session, subscription_id)
    before = _state(row)
    if name is not None:
        cleaned = _clean_name(name)
        other = repository.by_name(session, cleaned)
        if other is not None and other.id != row.id:
            raise Conflict(f"a webhook subscription named {cleaned!r} already exists: choose another name")
        row.name = cleaned
    if url is not None:
        row.url = _clean_url(url)
    if events is not None:
        row.events = _clean_events(events)
    if active is not None:
        row.active = active
    session.flush()
    if _state(row) != before:
        audit_log.append(session, actor=actor, action="webhook.updated", entity=ENTITY, entity_id=row.id,
                         before=before, after=_state(row), at=_now(now))  # fmt: skip
    return row


def rotate_secret(
    session: Session, *, subscription_id: int, actor: str, secret: str | None = None, now: datetime | None = None
) -> WebhookSubscription:
    """A new signing secret. Messages still queued are signed with it when they go out (the sender reads the
    secret at delivery time), so the receiver should accept both while it switches over."""
    row = get_subscription(session, subscription_id)
    row.secret = _clean_secret(secret)
    session.flush()
    audit_log.append(session, actor=actor, action="webhook.secret_rotated", entity=ENTITY, entity_id=row.id,
                     at=_now(now))  # fmt: skip
    return row


def delete_subscription(session: Session, *, subscription_id: int, actor: str, now: datetime | None = None) -> None:
    """Remove a subscription. Its queued messages die at their next attempt (no secret to sign them with)."""
    row = get_subscription(session, subscription_id)
    before = _state(row)
    session.delete(row)
    session.flush()
    audit_log.append(session, actor=actor, action="webhook.deleted", entity=ENTITY, entity_id=subscription_id,
                     before=before, at=_now(now))  # fmt: skip


def active_subscriptions(session: Session) -> list[WebhookSubscription]:
    """Every active subscription, for a caller that emits many events in one transaction (intake)."""
    return repository.all_subscriptions(session, active_only=True)


def emit(
    session: Session,
    *,
    event: Event,
    entity_id: str | int,
    data: dict[str, Any],
    now: datetime | None = None,
    subscriptions: Sequence[WebhookSubscription] | None = None,
) -> list[OutboxMessage]:
    """Queue `event` about `entity_id` for each active subscription to it (`subscriptions`: preloaded by
    `active_subscriptions`, else read here). `entity_id` must name this occurrence: the same event about the
    same entity is delivered once per subscription."""
    rows = active_subscriptions(session) if subscriptions is None else subscriptions
    targets = [row for row in rows if row.active and event.value in row.events]
    when = _now(now)
    queued = []
    for row in targets:
        key = f"webhook:{row.id}:{event.value}:{entity_id}"
        envelope = Envelope(
            event=event, id=key, idempotency_key=key, occurred_at=when, subscription_id=row.id, data=data
        )
        case_id = data.get("case_id")
        message = enqueue(
            session, idempotency_key=key, channel=CHANNEL, text=f"{event.value} {entity_id}", recipient=row.url,
            extra={"payload": envelope.model_dump(mode="json"), "subscription_id": row.id},
            case_id=case_id if isinstance(case_id, int) else None, now=when, actor="webhooks",
        )  # fmt: skip
        queued.append(message)
    return queued


def subscribes_to(session: Session, event: Event) -> bool:
    return any(event.value in row.events for row in active_subscriptions(session))
