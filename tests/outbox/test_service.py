from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.models import AuditEntry, OutboxMessage
from groundswell.outbox import service

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def _enqueue(store: Store, key: str = "reply-1", **kwargs: object) -> int:
    fields: dict[str, object] = {"channel": "x", "text": "Sorry about your bag, we are on it.", "in_reply_to": "1"}
    fields.update(kwargs)
    with write_transaction(store.sessions) as session:
        return service.enqueue(session, idempotency_key=key, now=NOW, **fields).id  # type: ignore[arg-type]


def test_enqueue_is_idempotent_on_the_key(store: Store) -> None:
    first = _enqueue(store)
    second = _enqueue(store)
    assert first == second
    with store.sessions() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert len(rows) == 1
        row = rows[0]
        assert (row.status, row.attempts, row.next_attempt_at, row.visibility) == ("pending", 0, NOW, "public")
        actions = session.scalars(select(AuditEntry.action)).all()
    assert actions == ["outbox.enqueue"]  # the repeat changed nothing, so it logged nothing


@pytest.mark.parametrize(
    ("change", "named"),
    [({"text": "Another text"}, "text"), ({"in_reply_to": "2"}, "in_reply_to"), ({"channel": "mastodon"}, "channel")],
)
def test_same_key_with_another_message_is_a_conflict(store: Store, change: dict[str, str], named: str) -> None:
    _enqueue(store)
    with pytest.raises(Conflict, match=named):
        _enqueue(store, **change)


def test_enqueue_checks_the_target(store: Store) -> None:
    with pytest.raises(InvalidInput, match="recipient"):
        _enqueue(store, channel="email", in_reply_to="abc@example.com")
    with pytest.raises(InvalidInput, match="fullname"):
        _enqueue(store, channel="reddit", in_reply_to=None)
    with pytest.raises(InvalidInput, match="recipient"):
        _enqueue(store, visibility="private")
    with pytest.raises(InvalidInput, match="cannot deliver"):
        _enqueue(store, channel="fax")
    with pytest.raises(InvalidInput, match="empty"):
        _enqueue(store, text="   ")
    # "direct" is how Mastodon calls it; stored as private
    message_id = _enqueue(
        store, channel="mastodon", visibility="direct", in_reply_to="109", recipient="ana@mastodon.social", key="dm"
    )
    with store.sessions() as session:
        assert service.get_message(session, message_id).visibility == "private"


def test_retry_and_cancel_follow_the_status(store: Store) -> None:
    message_id = _enqueue(store)
    with write_transaction(store.sessions) as session, pytest.raises(Conflict, match="only a dead message"):
        service.retry_dead(session, message_id=message_id, actor="ana")
    with write_transaction(store.sessions) as session:
        row = service.get_message(session, message_id)
        row.status, row.attempts, row.last_error = "dead", 8, "503 from api.x.com"
    with write_transaction(store.sessions) as session:
        row = service.retry_dead(session, message_id=message_id, actor="ana", now=NOW)
        assert (row.status, row.attempts, row.last_error) == ("pending", 0, "503 from api.x.com")
    with write_transaction(store.sessions) as session:
        service.cancel(session, message_id=message_id, actor="ana", reason="customer called instead")
    with write_transaction(store.sessions) as session, pytest.raises(Conflict, match="cancelled"):
        service.cancel(session, message_id=message_id, actor="ana")
    with store.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["outbox.enqueue", "outbox.retry", "outbox.cancel"]
        assert entries[1].before == {"status": "dead", "attempts": 8, "last_error": "503 from api.x.com"}
        assert entries[2].after == {"status": "cancelled", "reason": "customer called instead"}
        assert audit_log.verify(session).ok


def test_list_and_get(store: Store) -> None:
    ids = [_enqueue(store, key=f"k{n}", in_reply_to=str(n)) for n in range(3)]
    with store.sessions() as session:
        assert [m.id for m in service.list_messages(session)] == ids[::-1]
        assert [m.id for m in service.list_messages(session, status="pending", limit=2)] == ids[:0:-1]
        assert service.list_messages(session, status="sent") == []
        with pytest.raises(InvalidInput, match="unknown outbox status"):
            service.list_messages(session, status="lost")
        with pytest.raises(NotFound, match="outbox list"):
            service.get_message(session, 999)
