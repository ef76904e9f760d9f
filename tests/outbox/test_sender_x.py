from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from groundswell.channels.x.sender import XSender
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, RetryableSendError
from tests.support.fake_channel_apis import FakeApiServer
from tests.support.fake_channel_apis.x import ME, FakeX
from tests.support.replay_server import Response

QUEUED = datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture
def x(fake_api: FakeApiServer) -> FakeX:
    fake = FakeX(fake_api)
    fake.add_customer_tweet("1630000000000000001", "@voltline my bag never arrived in DEN")
    return fake


@pytest.fixture
def sender(x: FakeX, fake_api: FakeApiServer) -> Iterator[XSender]:
    sender = XSender(x.token, base_url=fake_api.url)
    yield sender
    sender.close()


def _reply(
    key: str = "reply-1", text: str = "Sorry about the bag, Ana: a DM is on its way.", **kw: object
) -> OutgoingMessage:
    fields: dict[str, object] = {"in_reply_to": "1630000000000000001", "created_at": QUEUED}
    fields.update(kw)
    return OutgoingMessage(id=1, idempotency_key=key, channel="x", text=text, **fields)  # type: ignore[arg-type]


def test_public_reply_posts_a_tweet_in_reply(sender: XSender, x: FakeX, fake_api: FakeApiServer) -> None:
    receipt = sender.send(_reply())
    (request,) = fake_api.calls("POST", "/2/tweets")
    assert request.headers["authorization"] == "Bearer x-user-token"
    assert request.json() == {"text": "Sorry about the bag, Ana: a DM is on its way.",
                              "reply": {"in_reply_to_tweet_id": "1630000000000000001"}}  # fmt: skip
    (posted,) = x.posted
    assert receipt.external_id == posted["id"]
    assert receipt.url == f"https://x.com/i/web/status/{posted['id']}"


def test_find_sent_reads_the_account_timeline(sender: XSender, x: FakeX, fake_api: FakeApiServer) -> None:
    assert sender.find_sent(_reply()) is None
    receipt = sender.send(_reply())
    # X stored it with the customer's @mention in front; it is still recognised as this reply.
    assert x.posted[0]["text"].startswith("@ana_b ")
    assert sender.find_sent(_reply()) == receipt
    assert sender.find_sent(_reply(text="Another answer")) is None
    request = fake_api.calls("GET", rf"/2/users/{ME['id']}/tweets")[-1]
    assert request.query["start_time"] == [(QUEUED - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert len(fake_api.calls("GET", "/2/users/me")) == 1  # the account id is looked up once


def test_a_duplicate_refusal_is_recognised_as_already_sent(sender: XSender, x: FakeX) -> None:
    first = sender.send(_reply())
    assert sender.send(_reply()) == first  # X said "duplicate content"; the timeline shows our reply
    assert len(x.posted) == 1


def test_refusals_are_permanent_and_outages_retryable(sender: XSender, fake_api: FakeApiServer) -> None:
    with pytest.raises(PermanentSendError, match="deleted or not visible"):
        sender.send(_reply(in_reply_to="1"))
    fake_api.fail_next("POST", "/2/tweets", Response(401, {"title": "Unauthorized", "status": 401}))
    with pytest.raises(PermanentSendError, match=r"refused the credentials \(401\)"):
        sender.send(_reply())
    reset = str(int(time.time()) + 600)
    limited = Response(429, {"title": "Too Many Requests"}, headers={"x-rate-limit-reset": reset})
    fake_api.fail_next("POST", "/2/tweets", Response(503, {"title": "Service Unavailable"}), limited)
    with pytest.raises(RetryableSendError, match="503"):
        sender.send(_reply())
    with pytest.raises(RetryableSendError, match="rate limited") as caught:
        sender.send(_reply())
    assert caught.value.retry_after is not None and 590 <= caught.value.retry_after.total_seconds() <= 600


def test_private_reply_is_a_direct_message(sender: XSender, x: FakeX, fake_api: FakeApiServer) -> None:
    message = _reply(key="dm-1", text="Could you send us your bag tag number?", visibility="private",
                     recipient="@ana_b")  # fmt: skip
    assert sender.find_sent(message) is None
    receipt = sender.send(message)
    (request,) = fake_api.calls("POST", r"/2/dm_conversations/with/1600000000000000002/messages")
    assert request.json() == {"text": "Could you send us your bag tag number?"}
    assert receipt.external_id == x.dm_events[0]["id"] and receipt.url is None
    assert sender.find_sent(message) == receipt
    with pytest.raises(PermanentSendError, match="no user @nobody"):
        sender.send(_reply(key="dm-2", visibility="private", recipient="nobody"))
