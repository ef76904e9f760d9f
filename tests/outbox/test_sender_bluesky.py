from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.channels.bluesky.sender import BlueskySender, record_key
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, RetryableSendError
from tests.support.fake_channel_apis import FakeApiServer
from tests.support.fake_channel_apis.bluesky import DID, TID, FakeBluesky
from tests.support.replay_server import Response

QUEUED = datetime(2025, 3, 3, 10, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def pds(fake_api: FakeApiServer) -> FakeBluesky:
    return FakeBluesky(fake_api)


@pytest.fixture
def sender(pds: FakeBluesky, fake_api: FakeApiServer) -> Iterator[BlueskySender]:
    sender = BlueskySender(pds.handle, pds.password, base_url=fake_api.url)
    yield sender
    sender.close()


def _reply(
    in_reply_to: str, key: str = "b-1", text: str = "So sorry! We are looking into it.", **kw: object
) -> OutgoingMessage:
    return OutgoingMessage(id=1, idempotency_key=key, channel="bluesky", text=text, in_reply_to=in_reply_to,
                           created_at=QUEUED, **kw)  # type: ignore[arg-type]  # fmt: skip


def test_reply_in_a_thread_names_root_and_parent(
    sender: BlueskySender, pds: FakeBluesky, fake_api: FakeApiServer
) -> None:
    root = pds.add_customer_post("3lroot22222ab", "my pulsepad will not charge")
    parent = pds.add_customer_post("3lparent222ab", "still broken, @voltline?", reply_to={"root": root, "parent": root})
    receipt = sender.send(_reply(parent["uri"]))
    (request,) = fake_api.calls("POST", "/xrpc/com.atproto.repo.createRecord")
    body = request.json()
    assert request.headers["authorization"] == "Bearer jwt-0"
    assert body["rkey"] == record_key(_reply(parent["uri"]))
    assert body["record"]["reply"] == {"root": root, "parent": parent}
    assert receipt.external_id == f"at://{DID}/app.bsky.feed.post/{body['rkey']}"
    assert receipt.url == f"https://bsky.app/profile/voltline.bsky.social/post/{body['rkey']}"


def test_reply_refs_from_the_message_skip_the_lookup(
    sender: BlueskySender, pds: FakeBluesky, fake_api: FakeApiServer
) -> None:
    root = pds.add_customer_post("3lroot22222ab", "my pulsepad will not charge")
    extra = {"parent_cid": root["cid"], "root_uri": root["uri"], "root_cid": root["cid"]}
    sender.send(_reply(root["uri"], extra=extra))
    assert fake_api.calls("GET", "/xrpc/com.atproto.repo.getRecord") == []
    assert pds.posted[0]["value"]["reply"] == {"root": root, "parent": root}


def test_a_second_send_of_the_same_message_finds_the_first(sender: BlueskySender, pds: FakeBluesky) -> None:
    root = pds.add_customer_post("3lroot22222ab", "hello?")
    assert sender.find_sent(_reply(root["uri"])) is None
    first = sender.send(_reply(root["uri"]))
    assert sender.find_sent(_reply(root["uri"])) == first
    # The retry hits the same record key; the server refuses (500), and the sender finds its own post.
    assert sender.send(_reply(root["uri"])) == first
    assert len(pds.posted) == 1
    with pytest.raises(PermanentSendError, match="already holds another post"):
        sender.find_sent(_reply(root["uri"], text="A different answer"))


def test_an_expired_session_signs_in_again(sender: BlueskySender, pds: FakeBluesky) -> None:
    root = pds.add_customer_post("3lroot22222ab", "hello?")
    sender.send(_reply(root["uri"], key="one"))
    pds.expire_session()
    sender.send(_reply(root["uri"], key="two"))
    assert pds.sessions == 2 and len(pds.posted) == 2


def test_errors_are_classified(sender: BlueskySender, pds: FakeBluesky, fake_api: FakeApiServer) -> None:
    root = pds.add_customer_post("3lroot22222ab", "hello?")
    with pytest.raises(PermanentSendError, match="no longer exists"):
        sender.send(_reply(f"at://{DID}/app.bsky.feed.post/3lgone22222ab"))
    with pytest.raises(PermanentSendError, match="300 graphemes"):
        sender.send(_reply(root["uri"], text="x" * 301))
    fake_api.fail_next(
        "POST", "/xrpc/com.atproto.repo.createRecord", Response(502, "bad gateway", content_type="text/plain")
    )
    with pytest.raises(RetryableSendError, match="502"):
        sender.send(_reply(root["uri"]))
    with pytest.raises(PermanentSendError, match="not a Bluesky post URI"):
        sender.send(_reply("https://bsky.app/profile/x/post/1"))
    wrong = BlueskySender(pds.handle, "wrong", base_url=fake_api.url)
    with pytest.raises(PermanentSendError, match=r"refused the credentials \(401\)"):
        wrong.send(_reply(root["uri"]))


def test_private_reply_is_a_chat_message(sender: BlueskySender, pds: FakeBluesky, fake_api: FakeApiServer) -> None:
    root = pds.add_customer_post("3lroot22222ab", "lost my bag")
    message = _reply(root["uri"], key="dm", text="Could you DM us your tag number?", visibility="private",
                     recipient="@ana.bsky.social")  # fmt: skip
    assert sender.find_sent(message) is None
    receipt = sender.send(message)
    (messages,) = pds.chats.values()
    assert [m["text"] for m in messages] == ["Could you DM us your tag number?"]
    assert receipt.external_id == messages[0]["id"] and receipt.url is None
    assert sender.find_sent(message) == receipt
    assert pds.posted == []  # nothing public
    with pytest.raises(PermanentSendError, match="Unable to resolve handle"):
        sender.send(_reply(root["uri"], key="dm2", visibility="private", recipient="nobody.bsky.social"))


@given(st.text(min_size=1, max_size=60), st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2100, 1, 1)))
def test_record_keys_are_valid_tids_that_keep_time_order(key: str, when: datetime) -> None:
    queued = when.replace(tzinfo=UTC)
    message = OutgoingMessage(id=1, idempotency_key=key, channel="bluesky", text="t", created_at=queued)
    later = OutgoingMessage(id=2, idempotency_key=key + "!", channel="bluesky", text="t",
                            created_at=queued + timedelta(milliseconds=1))  # fmt: skip
    assert TID.fullmatch(record_key(message))
    assert record_key(message) == record_key(message)
    assert record_key(message) < record_key(later)  # TIDs sort by time as strings
