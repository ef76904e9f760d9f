from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from groundswell.cli.common import Store
from groundswell.config import get_settings
from groundswell.db.engine import write_transaction
from groundswell.errors import ConfigurationError, Conflict
from groundswell.outbox import service
from tests.support.cli import invoke, invoke_json
from tests.support.fake_channel_apis import FakeApiServer
from tests.support.fake_channel_apis.x import FakeX
from tests.support.replay_server import Response

PARENT = "1630000000000000001"


@pytest.fixture
def x(fake_api: FakeApiServer, monkeypatch: pytest.MonkeyPatch, store: Store) -> FakeX:
    fake = FakeX(fake_api)
    fake.add_customer_tweet(PARENT, "@voltline where is my bag?")
    monkeypatch.setenv("GROUNDSWELL_X_USER_TOKEN", fake.token)
    monkeypatch.setenv("GROUNDSWELL_X_BASE_URL", fake_api.url)
    get_settings.cache_clear()
    return fake


def _enqueue(store: Store, key: str, text: str) -> int:
    # Queued a minute ago, so that it is due for a worker reading the real clock.
    queued = datetime.now(UTC) - timedelta(minutes=1)
    with write_transaction(store.sessions) as session:
        return service.enqueue(session, idempotency_key=key, channel="x", text=text, in_reply_to=PARENT, now=queued).id


def test_run_once_delivers_and_list_shows_it(store: Store, x: FakeX) -> None:
    message_id = _enqueue(store, "k1", "We found your bag!")
    report = invoke_json("outbox", "run", "--once")
    assert report["sent"] == [message_id] and report["round"] == 1
    (posted,) = x.posted
    listed = invoke_json("outbox", "list", "--status", "sent")["messages"]
    assert [(m["id"], m["external_id"], m["attempts"]) for m in listed] == [(message_id, posted["id"], 1)]
    assert invoke_json("outbox", "list", "--status", "pending")["messages"] == []
    shown = invoke_json("outbox", "show", str(message_id))
    assert shown["external_url"] == f"https://x.com/i/web/status/{posted['id']}"
    table = invoke("outbox", "list")
    assert table.exit_code == 0 and "1 message(s)" in table.stdout and "sent" in table.stdout


def test_dead_message_is_shown_retried_and_delivered(store: Store, x: FakeX, fake_api: FakeApiServer) -> None:
    message_id = _enqueue(store, "k2", "Sorry about that")
    fake_api.fail_next("POST", "/2/tweets", Response(403, {"title": "Forbidden", "detail": "You are suspended"}))
    assert invoke_json("outbox", "run", "--once")["dead"] == [message_id]
    shown = invoke_json("outbox", "show", str(message_id))
    assert shown["status"] == "dead" and "You are suspended" in shown["last_error"]
    assert invoke_json("outbox", "retry", str(message_id), "--by", "ana@voltline.example")["status"] == "pending"
    report = invoke_json("outbox", "run", "--once")
    assert report["sent"] == [message_id] and report["recovered"] == []
    assert len(x.posted) == 1
    with pytest.raises(Conflict, match="only a dead message"):
        invoke("outbox", "retry", str(message_id), "--by", "ana")


def test_cancel(store: Store, x: FakeX) -> None:
    message_id = _enqueue(store, "k3", "Never mind")
    result = invoke("outbox", "cancel", str(message_id), "--by", "ana", "--reason", "solved by phone")
    assert result.exit_code == 0, result.output
    assert invoke_json("outbox", "run", "--once")["claimed"] == 0
    assert x.posted == []


def test_missing_credentials_are_named(store: Store) -> None:
    with pytest.raises(ConfigurationError, match=r"no channel has delivery credentials.*GROUNDSWELL_SMTP_HOST"):
        invoke("outbox", "run", "--once")


def test_a_named_channel_needs_its_credentials(store: Store, x: FakeX) -> None:
    with pytest.raises(ConfigurationError, match="GROUNDSWELL_REDDIT_USERNAME, GROUNDSWELL_REDDIT_PASSWORD"):
        invoke("outbox", "run", "--once", "--channel", "x", "--channel", "reddit")
