"""Webhook subscriptions and emit: validation, one message per subscriber and occurrence, and what happens to
queued events when a subscription's secret is rotated or the subscription is deleted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.config import Settings
from groundswell.db.engine import write_transaction
from groundswell.errors import ConfigurationError, Conflict, InvalidInput
from groundswell.models import OutboxMessage
from groundswell.outbox.configured import configured_senders
from groundswell.outbox.worker import deliver_due
from groundswell.webhooks import service
from groundswell.webhooks.schemas import Event
from groundswell.webhooks.sender import subscription_sender
from tests.support.fake_channel_apis import fake_api_server
from tests.support.webhook_subscriber import Subscriber

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EVENTS = ["case.created", "reply.sent"]


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    with fake_api_server() as server:
        yield Subscriber(server).install()


def _subscribe(store: Store, name: str, url: str, events: list[str] = EVENTS, **kwargs: object) -> int:
    with write_transaction(store.sessions) as session:
        return service.create_subscription(session, name=name, url=url, events=events, actor="ops", **kwargs).id  # type: ignore[arg-type]


def _emit(store: Store, entity_id: int = 7, event: Event = Event.case_created) -> list[int]:
    with write_transaction(store.sessions) as session:
        rows = service.emit(session, event=event, entity_id=entity_id, data={"case_id": None}, now=NOW)
        return [row.id for row in rows]


def _messages(store: Store) -> list[OutboxMessage]:
    with store.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"url": "ftp://example.test/x"}, "http"),
        ({"url": "https://example.test/a b"}, "http"),
        ({"events": []}, "subscribe to one or more"),
        ({"events": ["case.created", "case.exploded"]}, "case.exploded"),
        ({"secret": "too-short"}, "16 to 255"),
        ({"name": "  "}, "1 to 128"),
    ],
)
def test_invalid_subscriptions_say_what_is_wrong(store: Store, changes: dict[str, object], error: str) -> None:
    arguments: dict[str, object] = {"name": "crm", "url": "https://example.test/hook", "events": EVENTS} | changes
    with write_transaction(store.sessions) as session, pytest.raises(InvalidInput, match=error):
        service.create_subscription(session, actor="ops", **arguments)  # type: ignore[arg-type]


def test_names_are_unique(store: Store) -> None:
    _subscribe(store, "crm", "https://example.test/a")
    with pytest.raises(Conflict, match="already exists"):
        _subscribe(store, "crm", "https://example.test/b")


def test_emit_queues_one_message_per_subscriber_and_occurrence(store: Store) -> None:
    assert _emit(store) == []  # nobody listens
    first = _subscribe(store, "crm", "https://crm.example.test/hook")
    second = _subscribe(store, "bi", "https://bi.example.test/hook", events=["case.created"])
    _subscribe(store, "quiet", "https://quiet.example.test/hook", active=False)
    _subscribe(store, "replies-only", "https://r.example.test/hook", events=["reply.sent"])
    queued = _emit(store)
    assert len(queued) == 2
    assert _emit(store) == queued  # emitting again is harmless
    rows = _messages(store)
    assert [r.idempotency_key for r in rows] == [f"webhook:{first}:case.created:7", f"webhook:{second}:case.created:7"]
    payload = rows[0].extra["payload"]
    assert payload["event"] == "case.created" and payload["id"] == rows[0].idempotency_key
    assert rows[0].channel == "event_webhook" and rows[0].recipient == "https://crm.example.test/hook"
    assert "secret" not in str(rows[0].extra)  # the outbox row (shown in lists) never holds the secret


def test_a_rotated_secret_signs_queued_events(store: Store, subscriber: Subscriber) -> None:
    sub = _subscribe(store, "crm", subscriber.url, secret="old-secret-0123456789")
    _emit(store)
    with write_transaction(store.sessions) as session:
        subscriber.secret = service.rotate_secret(session, subscription_id=sub, actor="ops").secret
    report = deliver_due(store.sessions, senders={"event_webhook": subscription_sender(store.sessions)}, now=NOW)
    assert len(report.sent) == 1 and subscriber.server.problems == []
    assert len(subscriber.of("case.created")) == 1


def test_events_of_a_deleted_or_deactivated_subscription_are_dead_letters(store: Store, subscriber: Subscriber) -> None:
    gone = _subscribe(store, "gone", subscriber.url)
    paused = _subscribe(store, "paused", subscriber.url + "?paused")
    _emit(store)
    with write_transaction(store.sessions) as session:
        service.delete_subscription(session, subscription_id=gone, actor="ops")
        service.update_subscription(session, subscription_id=paused, actor="ops", active=False)
    report = deliver_due(store.sessions, senders={"event_webhook": subscription_sender(store.sessions)}, now=NOW)
    assert len(report.dead) == 2 and subscriber.events == {} and subscriber.server.requests == []
    assert all("deleted or deactivated" in (row.last_error or "") for row in _messages(store))


def test_the_worker_delivers_events_without_channel_credentials(store: Store) -> None:
    settings = Settings(database_url=store.settings.database_url)
    with pytest.raises(ConfigurationError, match="no channel has delivery credentials"):
        configured_senders(settings, sessions=store.sessions)  # nothing to deliver anywhere
    _subscribe(store, "crm", "https://crm.example.test/hook")
    assert set(configured_senders(settings, sessions=store.sessions)) == {"event_webhook"}
    assert set(configured_senders(settings, ["event_webhook"], sessions=store.sessions)) == {"event_webhook"}
