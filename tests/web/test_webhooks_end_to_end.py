"""Outgoing webhooks end to end: a subscription made over the API, a case opened by intake, its SLA breached
by the sweep and a reply delivered by the outbox worker each reach a real HTTP subscriber as signed events it
verifies; a 500 from the subscriber is retried later; nothing is delivered twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.inbox import sla_service
from groundswell.inbox.intake import process_posts
from groundswell.models import Case, OutboxMessage
from groundswell.outbox.rules import RetryPolicy
from groundswell.outbox.senders import Sender
from groundswell.outbox.worker import deliver_due
from groundswell.replies import service as replies
from groundswell.webhooks.sender import subscription_sender
from tests.inbox.cases_support import NOW, add_author, add_post, care_team, ruleset
from tests.support.fake_channel_apis import fake_api_server
from tests.support.outbox_senders import MemoryChannel
from tests.support.replay_server import Response
from tests.support.webhook_subscriber import PATH, Subscriber
from tests.web.conftest import WebUser

POLICY = RetryPolicy(max_attempts=3, base_delay=timedelta(seconds=30), max_delay=timedelta(minutes=5))


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    with fake_api_server() as server:
        yield Subscriber(server).install()
        assert server.problems == [], "the subscriber refused requests:\n" + "\n".join(server.problems)


def _subscribe(client: TestClient, admin: WebUser, url: str) -> dict[str, object]:
    answer = client.post(
        "/api/v1/webhooks", headers={"Authorization": f"Bearer {admin.token}"},
        json={"name": "crm", "url": url, "events": ["case.created", "case.breached", "reply.sent"]},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def _messages(store: Store) -> list[OutboxMessage]:
    with store.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_events_reach_a_real_subscriber_signed_and_retried(
    store: Store, client: TestClient, make_user: Callable[..., WebUser], subscriber: Subscriber
) -> None:
    admin = make_user("admin")
    created = _subscribe(client, admin, subscriber.url)
    subscriber.secret = str(created["secret"])
    assert len(subscriber.secret) >= 16
    listed = client.get("/api/v1/webhooks", headers={"Authorization": f"Bearer {admin.token}"}).json()
    assert [s["name"] for s in listed["items"]] == ["crm"] and "secret" not in listed["items"][0]

    with write_transaction(store.sessions) as session:
        care_team(session, "ana")
        add_post(session, add_author(session, "jane"), "My charger stopped working", at=NOW)
    report = process_posts(store.sessions, ruleset=ruleset(), now=NOW)
    assert report.opened == 1
    with store.sessions() as session:
        case_id = session.scalars(select(Case.id)).one()

    x = MemoryChannel("x")
    senders: dict[str, Sender] = {"x": x, "event_webhook": subscription_sender(store.sessions)}
    # The subscriber is down for the first attempt: the event waits and goes out on the next round.
    subscriber.server.fail_next("POST", PATH, Response(500, {"error": "down"}))
    first = deliver_due(store.sessions, senders=senders, now=NOW, policy=POLICY)
    assert first.retrying and not first.sent and subscriber.events == {}
    (waiting,) = _messages(store)
    assert waiting.status == "pending" and waiting.attempts == 1 and "500" in (waiting.last_error or "")
    assert deliver_due(store.sessions, senders=senders, now=NOW + timedelta(seconds=10), policy=POLICY).claimed == 0
    second = deliver_due(store.sessions, senders=senders, now=NOW + timedelta(seconds=31), policy=POLICY)
    assert second.sent == [waiting.id]
    (opened,) = subscriber.of("case.created")
    assert opened["data"]["case_id"] == case_id and opened["data"]["priority"] == "p3"
    assert opened["id"] == f"webhook:{created['id']}:case.created:{case_id}"

    # The standard policy's first response is due within the hour: the sweep two hours later finds it breached.
    with write_transaction(store.sessions) as session:
        sweep = sla_service.sweep(session, now=NOW + timedelta(hours=2))
    assert [item.clock for item in sweep.breaches] == ["first_response"]
    deliver_due(store.sessions, senders=senders, now=NOW + timedelta(hours=2), policy=POLICY)
    (breached,) = subscriber.of("case.breached")
    assert breached["data"]["case_id"] == case_id and breached["data"]["clock"] == "first_response"

    at = NOW + timedelta(hours=3)
    with write_transaction(store.sessions) as session:
        text = "Sorry Jane, a new one is on its way."
        draft = replies.draft_reply(session, case_id=case_id, author="ana", text=text, now=at)
        replies.send(session, reply_id=draft.id, by="ana", now=at)
        reply_id = draft.id
    assert deliver_due(store.sessions, senders=senders, now=at, policy=POLICY).sent  # the reply itself
    assert len(x.posted) == 1 and subscriber.of("reply.sent") == []
    deliver_due(store.sessions, senders=senders, now=at, policy=POLICY)  # the event it caused
    (sent,) = subscriber.of("reply.sent")
    assert sent["data"]["reply_id"] == reply_id and sent["data"]["external_id"] == "x-1"

    # Nothing left, nothing twice: a further round delivers nothing and the subscriber saw no repeat.
    assert deliver_due(store.sessions, senders=senders, now=at + timedelta(hours=1), policy=POLICY).claimed == 0
    assert subscriber.repeats == 0 and len(subscriber.events) == 3
    assert {m.status for m in _messages(store)} == {"sent"}
