from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from groundswell.channels.x.sender import XSender
from groundswell.cli.common import Store
from groundswell.db.engine import make_engine, make_session_factory, write_transaction
from groundswell.governance import audit_log
from groundswell.models import AuditEntry
from groundswell.outbox import repository, service
from groundswell.outbox.rules import RetryPolicy
from groundswell.outbox.senders import PermanentSendError, RetryableSendError
from groundswell.outbox.worker import deliver_due
from tests.support.fake_channel_apis import FakeApiServer
from tests.support.fake_channel_apis.x import FakeX
from tests.support.outbox_senders import MemoryChannel, SimulatedCrash

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def _enqueue(store: Store, key: str, channel: str = "x") -> int:
    with write_transaction(store.sessions) as session:
        return service.enqueue(
            session, idempotency_key=key, channel=channel, text=f"Reply {key}", in_reply_to="1", now=NOW
        ).id


def _message(store: Store, message_id: int) -> dict[str, object]:
    with store.sessions() as session:
        row = service.get_message(session, message_id)
        return {c: getattr(row, c) for c in ("status", "attempts", "next_attempt_at", "last_error", "external_id")}


def _actions(store: Store) -> list[str]:
    with store.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_retryable_failures_back_off_then_succeed(store: Store) -> None:
    channel = MemoryChannel()
    message_id = _enqueue(store, "r1")
    channel.fail("r1", [RetryableSendError("503 from api.x.com"), RetryableSendError("timeout")])
    senders = {"x": channel}

    report = deliver_due(store.sessions, senders=senders, now=NOW)
    assert report.retrying == [message_id]
    assert _message(store, message_id) == {
        "status": "pending", "attempts": 1, "last_error": "503 from api.x.com",
        "next_attempt_at": NOW + timedelta(seconds=30), "external_id": None,
    }  # fmt: skip
    # Not yet due: nothing is claimed.
    assert deliver_due(store.sessions, senders=senders, now=NOW + timedelta(seconds=29)).claimed == 0
    deliver_due(store.sessions, senders=senders, now=NOW + timedelta(seconds=30))
    assert _message(store, message_id)["next_attempt_at"] == NOW + timedelta(seconds=90)  # 30 s + 60 s
    report = deliver_due(store.sessions, senders=senders, now=NOW + timedelta(seconds=90))
    assert report.sent == [message_id] and report.recovered == []
    state = _message(store, message_id)
    assert (state["status"], state["attempts"], state["last_error"], state["external_id"]) == ("sent", 3, None, "x-1")
    assert channel.posts["r1"] == 1
    assert channel.lookups == ["r1", "r1"]  # every attempt after the first looked for an earlier delivery
    assert _actions(store) == ["outbox.enqueue", "outbox.sent"]


def test_permanent_error_dead_letters_at_once_and_retry_delivers(store: Store) -> None:
    channel = MemoryChannel()
    message_id = _enqueue(store, "p1")
    channel.fail("p1", [PermanentSendError("api.x.com answered 403: You are not allowed to reply")])
    report = deliver_due(store.sessions, senders={"x": channel}, now=NOW)
    assert report.dead == [message_id]
    state = _message(store, message_id)
    assert (state["status"], state["attempts"]) == ("dead", 1)
    assert "not allowed to reply" in str(state["last_error"])
    # Dead stays dead, however long one waits.
    assert deliver_due(store.sessions, senders={"x": channel}, now=NOW + timedelta(days=1)).claimed == 0

    with write_transaction(store.sessions) as session:
        service.retry_dead(session, message_id=message_id, actor="ana", now=NOW + timedelta(hours=1))
    report = deliver_due(store.sessions, senders={"x": channel}, now=NOW + timedelta(hours=1))
    assert report.sent == [message_id]
    assert channel.lookups == ["p1"]  # the retried message looked first, since an attempt had failed
    assert channel.posts["p1"] == 1
    assert _actions(store) == ["outbox.enqueue", "outbox.dead", "outbox.retry", "outbox.sent"]
    with store.sessions() as session:
        dead_entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.dead")).one()
        assert dead_entry.after is not None and dead_entry.after["retryable"] is False
        assert audit_log.verify(session).ok


def test_gives_up_after_max_attempts(store: Store) -> None:
    channel = MemoryChannel()
    message_id = _enqueue(store, "m1")
    channel.fail("m1", [RetryableSendError(f"503 number {n}") for n in range(1, 4)])
    policy = RetryPolicy(max_attempts=3, base_delay=timedelta(seconds=10), max_delay=timedelta(seconds=15))
    at = NOW
    for expected_wait in (10, 15):  # the second wait is capped
        assert deliver_due(store.sessions, senders={"x": channel}, now=at, policy=policy).retrying == [message_id]
        at += timedelta(seconds=expected_wait)
        assert _message(store, message_id)["next_attempt_at"] == at
    assert deliver_due(store.sessions, senders={"x": channel}, now=at, policy=policy).dead == [message_id]
    assert _message(store, message_id)["last_error"] == "503 number 3"


def test_retry_after_from_the_remote_service_is_respected(store: Store) -> None:
    channel = MemoryChannel()
    message_id = _enqueue(store, "ra")
    channel.fail("ra", [RetryableSendError("429 rate limited", retry_after=timedelta(minutes=15))])
    deliver_due(store.sessions, senders={"x": channel}, now=NOW)
    assert _message(store, message_id)["next_attempt_at"] == NOW + timedelta(minutes=15)


def test_unexpected_sender_errors_are_retried_not_fatal(store: Store) -> None:
    channel = MemoryChannel()
    first, second = _enqueue(store, "u1"), _enqueue(store, "u2")
    channel.fail("u1", [KeyError("data")])
    report = deliver_due(store.sessions, senders={"x": channel}, now=NOW)
    assert (report.retrying, report.sent) == ([first], [second])
    assert _message(store, first)["last_error"] == "KeyError: 'data'"


def test_crash_after_the_remote_accepted_is_recovered_without_posting_again(store: Store) -> None:
    channel = MemoryChannel()
    message_id = _enqueue(store, "c1")
    channel.crash_after_post.add("c1")
    with pytest.raises(SimulatedCrash):
        deliver_due(store.sessions, senders={"x": channel}, now=NOW, lease=LEASE)
    assert channel.posts["c1"] == 1
    assert _message(store, message_id)["status"] == "sending"
    # While the crashed worker's lease runs, nobody touches the message.
    assert deliver_due(store.sessions, senders={"x": channel}, now=NOW + LEASE / 2, lease=LEASE).claimed == 0
    report = deliver_due(store.sessions, senders={"x": channel}, now=NOW + LEASE, lease=LEASE)
    assert report.sent == report.recovered == [message_id]
    assert channel.posts["c1"] == 1
    state = _message(store, message_id)
    assert (state["status"], state["attempts"], state["external_id"]) == ("sent", 2, "x-1")


def test_channels_without_a_sender_stay_queued(store: Store) -> None:
    x_id, mastodon_id = _enqueue(store, "a", "x"), _enqueue(store, "b", "mastodon")
    report = deliver_due(store.sessions, senders={"x": MemoryChannel("x")}, now=NOW)
    assert report.sent == [x_id]
    assert _message(store, mastodon_id)["status"] == "pending"


def test_an_outcome_is_not_recorded_over_a_later_claim(store: Store) -> None:
    message_id = _enqueue(store, "f1")
    with write_transaction(store.sessions) as session:
        repository.claim_due(session, channels=["x"], now=NOW, limit=10, claimed_until=NOW + LEASE)
    with write_transaction(store.sessions) as session:  # the first worker's lease ran out; a second claims
        (row,) = repository.claim_due(session, channels=["x"], now=NOW + LEASE, limit=10, claimed_until=NOW + 2 * LEASE)
        assert row.attempts == 2
    with write_transaction(store.sessions) as session:
        assert not repository.finish_claim(session, message_id=message_id, attempts=1, values={"status": "sent"})
        assert repository.finish_claim(session, message_id=message_id, attempts=2, values={"status": "sent"})


def test_concurrent_workers_deliver_each_message_exactly_once(store: Store, database_url: str) -> None:
    count, workers = 40, 3
    ids = {_enqueue(store, f"n{n}") for n in range(count)}
    channel = MemoryChannel()
    delivered: list[list[int]] = [[] for _ in range(workers)]
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work(slot: int) -> None:
        engine = make_engine(database_url)  # a worker of its own: its own engine, pool and sessions
        try:
            sessions = make_session_factory(engine)
            start.wait()
            while report := deliver_due(sessions, senders={"x": channel}, now=NOW, limit=3):
                if report.claimed == 0:
                    break
                delivered[slot].extend(report.sent)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    everything = [message_id for part in delivered for message_id in part]
    assert sorted(everything) == sorted(ids)  # each delivered once, by exactly one worker
    assert set(channel.posts.values()) == {1} and len(channel.posts) == count
    assert channel.lookups == []


def test_concurrent_workers_post_each_reply_once_through_a_real_sender(
    store: Store, database_url: str, fake_api: FakeApiServer
) -> None:
    """The same race through the X sender and the fake X API: one POST per message, whoever sends it."""
    x = FakeX(fake_api)
    x.add_customer_tweet("1", "@voltline help")
    count, workers = 12, 2
    with write_transaction(store.sessions) as session:
        for n in range(count):
            service.enqueue(session, idempotency_key=f"t{n}", channel="x", text=f"Answer {n}", in_reply_to="1", now=NOW)
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work() -> None:
        engine = make_engine(database_url)
        sender = XSender(x.token, base_url=fake_api.url)
        try:
            sessions = make_session_factory(engine)
            start.wait()
            while deliver_due(sessions, senders={"x": sender}, now=NOW, limit=2).claimed:
                pass
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            sender.close()
            engine.dispose()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(fake_api.calls("POST", "/2/tweets")) == count == len(x.posted)
    with store.sessions() as session:
        assert {m.status for m in service.list_messages(session)} == {"sent"}
