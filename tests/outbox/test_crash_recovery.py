"""Exactly-once delivery across a crash at the worst moment: the remote service accepted the reply, and
the worker died before it recorded that. The next run, once the lease ran out, must find the reply with
find_sent and mark it sent without posting again: each fake service counts exactly one post."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from groundswell.channels.bluesky.sender import BlueskySender
from groundswell.channels.mastodon.sender import MastodonSender
from groundswell.channels.reddit.sender import RedditSender
from groundswell.channels.x.sender import XSender
from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.outbox import service
from groundswell.outbox.senders import OutgoingMessage, Receipt, Sender
from groundswell.outbox.worker import deliver_due
from tests.support.fake_channel_apis import FakeApiServer
from tests.support.fake_channel_apis.bluesky import FakeBluesky
from tests.support.fake_channel_apis.mastodon import FakeMastodon
from tests.support.fake_channel_apis.reddit import FakeReddit
from tests.support.fake_channel_apis.x import FakeX
from tests.support.outbox_senders import SimulatedCrash

NOW = datetime.now(UTC).replace(microsecond=0)
LEASE = timedelta(minutes=5)


@dataclass
class CrashAfterSend:
    """The real sender, and then the process "dies": the remote has the post, the database does not know."""

    inner: Sender
    channel: str = field(init=False)

    def __post_init__(self) -> None:
        self.channel = self.inner.channel

    def send(self, message: OutgoingMessage) -> Receipt:
        self.inner.send(message)
        raise SimulatedCrash("the worker died after the remote service accepted the reply")

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        return self.inner.find_sent(message)


@dataclass
class Channel:
    sender: Sender
    in_reply_to: str
    posts: Callable[[], int]
    extra: Callable[[], None] = lambda: None
    recipient: str | None = None  # set for a direct message


def _x(api: FakeApiServer) -> Channel:
    fake = FakeX(api)
    fake.add_customer_tweet("1630000000000000001", "@voltline lost my bag at DEN")
    return Channel(XSender(fake.token, base_url=api.url), "1630000000000000001", lambda: len(fake.posted))


def _mastodon(api: FakeApiServer) -> Channel:
    fake = FakeMastodon(api)
    fake.add_customer_status("111000000000000042", "@voltline charger died")
    # Past Mastodon's one-hour idempotency window, only find_sent can tell.
    return Channel(MastodonSender(api.url, fake.token), "111000000000000042", lambda: len(fake.posted),
                   extra=fake.idempotency.clear)  # fmt: skip


def _bluesky(api: FakeApiServer) -> Channel:
    fake = FakeBluesky(api)
    root = fake.add_customer_post("3lroot22222ab", "pulsepad will not charge")
    return Channel(BlueskySender(fake.handle, fake.password, base_url=api.url), root["uri"], lambda: len(fake.posted))


def _reddit(api: FakeApiServer) -> Channel:
    fake = FakeReddit(api)
    fake.add_submission("t3_1c8x0a1", "PulsePad died")
    sender = RedditSender(fake.client_id, fake.client_secret, fake.username, fake.password,
                          user_agent=fake.user_agent, base_url=api.url)  # fmt: skip
    return Channel(sender, "t3_1c8x0a1", lambda: len(fake.comments))


def _x_dm(api: FakeApiServer) -> Channel:
    channel = _x(api)
    x = channel.sender
    assert isinstance(x, XSender)
    return Channel(x, channel.in_reply_to, lambda: len(api.calls("POST", r"/2/dm_conversations/with/\d+/messages")),
                   recipient="ana_b")  # fmt: skip


CHANNELS = {
    "x": _x, "mastodon": _mastodon, "bluesky": _bluesky, "reddit": _reddit,
    "x-dm": _x_dm,
}  # fmt: skip


@pytest.mark.parametrize("name", list(CHANNELS))
def test_a_crash_after_the_remote_accepted_never_posts_twice(store: Store, fake_api: FakeApiServer, name: str) -> None:
    channel = CHANNELS[name](fake_api)
    with write_transaction(store.sessions) as session:
        message_id = service.enqueue(
            session, idempotency_key=f"reply:{name}", channel=channel.sender.channel, now=NOW,
            text="So sorry! We are on it: https://voltline.example/help", in_reply_to=channel.in_reply_to,
            visibility="private" if channel.recipient else "public", recipient=channel.recipient,
        ).id  # fmt: skip
    on = channel.sender.channel

    with pytest.raises(SimulatedCrash):
        deliver_due(store.sessions, senders={on: CrashAfterSend(channel.sender)}, now=NOW, lease=LEASE)
    assert channel.posts() == 1
    channel.extra()
    senders = {on: channel.sender}
    assert (
        deliver_due(store.sessions, senders=senders, now=NOW + LEASE - timedelta(seconds=1), lease=LEASE).claimed == 0
    )
    report = deliver_due(store.sessions, senders=senders, now=NOW + LEASE, lease=LEASE)
    assert report.sent == report.recovered == [message_id]
    assert channel.posts() == 1
    with store.sessions() as session:
        row = service.get_message(session, message_id)
        assert (row.status, row.attempts) == ("sent", 2)
        assert row.external_id


def test_a_killed_worker_process_is_recovered_by_the_next_run(
    store: Store, fake_api: FakeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real command, killed with SIGKILL by the fake X the moment it has stored the tweet."""
    x = FakeX(fake_api)
    x.add_customer_tweet("1630000000000000001", "@voltline lost my bag at DEN")
    queued = datetime.now(UTC) - timedelta(minutes=1)
    with write_transaction(store.sessions) as session:
        message_id = service.enqueue(session, idempotency_key="reply:killed", channel="x", text="Found it!",
                                     in_reply_to="1630000000000000001", now=queued).id  # fmt: skip
    monkeypatch.setenv("GROUNDSWELL_X_USER_TOKEN", x.token)
    monkeypatch.setenv("GROUNDSWELL_X_BASE_URL", fake_api.url)
    monkeypatch.setenv("GROUNDSWELL_OUTBOX_LEASE_SECONDS", "2")
    worker = subprocess.Popen([sys.executable, "-m", "groundswell", "outbox", "run", "--once"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    x.after_post = lambda: os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=120)
    assert worker.returncode == -signal.SIGKILL
    x.after_post = None
    assert len(x.posted) == 1
    with store.sessions() as session:
        assert service.get_message(session, message_id).status == "sending"

    time.sleep(2.1)  # the dead worker's lease runs out
    rerun = subprocess.run([sys.executable, "-m", "groundswell", "outbox", "run", "--once", "--json"],
                           capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert '"recovered": [' + str(message_id) + "]" in rerun.stdout
    assert len(x.posted) == 1
    with store.sessions() as session:
        row = service.get_message(session, message_id)
        assert (row.status, row.attempts, row.external_id) == ("sent", 2, x.posted[0]["id"])
