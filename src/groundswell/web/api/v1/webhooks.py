"""/api/v1/webhooks: outgoing webhook subscriptions (admin only). Events are POSTed signed with HMAC-SHA256
(X-Groundswell-Signature over "{X-Groundswell-Timestamp}.{body}") and retried through the outbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from groundswell.users.permissions import Permission
from groundswell.web.api.admin_fields import Id, Name, Secret, Url
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal
from groundswell.webhooks import service
from groundswell.webhooks.schemas import Event, NewSubscription, SubscriptionView

router = APIRouter(tags=["webhooks"])
# Routes name the principal before the session: dependencies resolve in order, and signing in with a token
# may write (its last use), which on SQLite must not wait behind this request's own write transaction.
Reader = Annotated[Principal, Depends(require(Permission.webhooks_read))]
Manager = Annotated[Principal, Depends(require(Permission.webhooks_manage))]


class SubscriptionIn(BaseModel):
    name: Name
    url: Url = Field(description="http(s) address the events are POSTed to")
    events: list[Event] = Field(min_length=1)
    secret: Secret | None = Field(default=None, description="signing secret (16+ characters); default: a random one")
    active: bool = True


class SubscriptionChanges(BaseModel):
    name: Name | None = None
    url: Url | None = None
    events: list[Event] | None = Field(default=None, min_length=1)
    active: bool | None = None


class SecretIn(BaseModel):
    secret: Secret | None = Field(default=None, description="the new secret; default: a random one")


class SubscriptionList(BaseModel):
    items: list[SubscriptionView]


def _with_secret(row: object) -> NewSubscription:
    return NewSubscription.model_validate(row)


@router.get("/webhooks", response_model=SubscriptionList, responses=NOT_MODIFIED, summary="List webhook subscriptions")
def list_subscriptions(
    request: Request,
    principal: Reader,
    session: ReadDb,
    event: Annotated[Event | None, Query(description="only subscriptions to this event")] = None,
    active: bool | None = None,
) -> Response:
    rows = service.list_subscriptions(session, event=event.value if event else None, active=active)
    return json_response(request, SubscriptionList(items=[SubscriptionView.model_validate(row) for row in rows]))


@router.post("/webhooks", response_model=NewSubscription, status_code=201,
             summary="Subscribe a URL to events (the secret is shown only in this answer)")  # fmt: skip
def create_subscription(body: SubscriptionIn, principal: Manager, session: WriteDb) -> NewSubscription:
    row = service.create_subscription(
        session, name=body.name, url=body.url, events=[e.value for e in body.events], secret=body.secret,
        active=body.active, actor=principal.actor,
    )  # fmt: skip
    return _with_secret(row)


@router.get(
    "/webhooks/{subscription_id}",
    response_model=SubscriptionView,
    responses=NOT_MODIFIED,
    summary="One webhook subscription",
)
def get_subscription(request: Request, subscription_id: Id, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, SubscriptionView.model_validate(service.get_subscription(session, subscription_id)))


@router.patch("/webhooks/{subscription_id}", response_model=SubscriptionView, summary="Change a subscription")
def update_subscription(
    subscription_id: Id, body: SubscriptionChanges, principal: Manager, session: WriteDb
) -> SubscriptionView:
    row = service.update_subscription(
        session, subscription_id=subscription_id, actor=principal.actor, name=body.name, url=body.url,
        events=[e.value for e in body.events] if body.events is not None else None, active=body.active,
    )  # fmt: skip
    return SubscriptionView.model_validate(row)


@router.post("/webhooks/{subscription_id}/secret", response_model=NewSubscription,
             summary="Rotate the signing secret (the new one is shown only in this answer)")  # fmt: skip
def rotate_secret(
    subscription_id: Id, principal: Manager, session: WriteDb, body: SecretIn | None = None
) -> NewSubscription:
    row = service.rotate_secret(
        session, subscription_id=subscription_id, actor=principal.actor, secret=body.secret if body else None
    )
    return _with_secret(row)


@router.delete("/webhooks/{subscription_id}", status_code=204, response_class=Response,
               summary="Delete a subscription (its queued events are not delivered)")  # fmt: skip
def delete_subscription(subscription_id: Id, principal: Manager, session: WriteDb) -> Response:
    service.delete_subscription(session, subscription_id=subscription_id, actor=principal.actor)
    return Response(status_code=204)
