"""Queries over webhook subscriptions (a small table: read whole, filtered by event in Python)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.models import WebhookSubscription


def all_subscriptions(session: Session, *, active_only: bool = False) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).order_by(WebhookSubscription.id)
    if active_only:
        query = query.where(WebhookSubscription.active.is_(True))
    return list(session.scalars(query))


def by_name(session: Session, name: str) -> WebhookSubscription | None:
    return session.scalar(select(WebhookSubscription).where(WebhookSubscription.name == name))


def active_secret(session: Session, subscription_id: int) -> str | None:
    """The signing secret of an active subscription; None when it was deleted or deactivated."""
    return session.scalar(
        select(WebhookSubscription.secret).where(
            WebhookSubscription.id == subscription_id, WebhookSubscription.active.is_(True)
        )
    )
