from __future__ import annotations

from collections.abc import Iterator

import pytest

from groundswell.channels.reddit.sender import RedditSender
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, RetryableSendError
from tests.support.fake_channel_apis import FakeApiServer
from tests.support.fake_channel_apis.reddit import FakeReddit
from tests.support.replay_server import Response


@pytest.fixture
def reddit(fake_api: FakeApiServer) -> FakeReddit:
    fake = FakeReddit(fake_api)
    fake.add_submission("t3_1c8x0a1", "PulsePad died after the update")
    return fake


@pytest.fixture
def sender(reddit: FakeReddit, fake_api: FakeApiServer) -> Iterator[RedditSender]:
    sender = RedditSender(reddit.client_id, reddit.client_secret, reddit.username, reddit.password,
                          user_agent=reddit.user_agent, base_url=fake_api.url)  # fmt: skip
    yield sender
    sender.close()


def _reply(
    key: str = "r-1", text: str = "Sorry! A fix ships **today**: https://voltline.example/fix", **kw: object
) -> OutgoingMessage:
    fields: dict[str, object] = {"in_reply_to": "t3_1c8x0a1"}
    fields.update(kw)
    return OutgoingMessage(id=1, idempotency_key=key, channel="reddit", text=text, **fields)  # type: ignore[arg-type]


def test_comment_reply(sender: RedditSender, reddit: FakeReddit, fake_api: FakeApiServer) -> None:
    receipt = sender.send(_reply())
    (request,) = fake_api.calls("POST", "/api/comment")
    assert request.headers["authorization"] == "Bearer reddit-token-1"
    (comment,) = reddit.comments
    assert (comment["parent_id"], comment["body"]) == ("t3_1c8x0a1", _reply().text)
    assert receipt.external_id == comment["name"]
    assert receipt.url == f"https://www.reddit.com{comment['permalink']}"
    sender.send(_reply(key="r-2", text="And one more thing"))
    assert reddit.tokens_issued == 1  # the token is kept until it expires


def test_find_sent_reads_the_account_comments(sender: RedditSender, reddit: FakeReddit) -> None:
    assert sender.find_sent(_reply()) is None
    receipt = sender.send(_reply())
    assert sender.find_sent(_reply()) == receipt
    assert sender.find_sent(_reply(text="other")) is None
    reddit.add_submission("t3_other", "other thread")
    assert sender.find_sent(_reply(in_reply_to="t3_other")) is None


def test_private_message(sender: RedditSender, reddit: FakeReddit, fake_api: FakeApiServer) -> None:
    message = _reply(key="pm", visibility="private", recipient="u/ana_b", text="Could you send your order number?",
                     extra={"subject": "Your PulsePad"})  # fmt: skip
    assert sender.find_sent(message) is None
    receipt = sender.send(message)
    (sent,) = reddit.messages
    assert (sent["dest"], sent["subject"], sent["body"]) == ("ana_b", "Your PulsePad", message.text)
    assert receipt.external_id == sent["name"]
    assert sender.find_sent(message) == receipt


def test_refusals_and_outages(sender: RedditSender, reddit: FakeReddit, fake_api: FakeApiServer) -> None:
    reddit.locked.add("t3_1c8x0a1")
    with pytest.raises(PermanentSendError, match="THREAD_LOCKED"):
        sender.send(_reply())
    reddit.locked.clear()
    rate = Response(200, {"json": {"errors": [["RATELIMIT", "you are doing that too much", "ratelimit"]]}})
    fake_api.fail_next("POST", "/api/comment", rate, Response(500, "oops", content_type="text/plain"))
    with pytest.raises(RetryableSendError, match="RATELIMIT"):
        sender.send(_reply())
    with pytest.raises(RetryableSendError, match="500"):
        sender.send(_reply())
    # A revoked token: a new one is taken and the request repeated once.
    fake_api.fail_next("POST", "/api/comment", Response(401, {"message": "Unauthorized", "error": 401}))
    sender.send(_reply())
    assert reddit.tokens_issued == 2 and len(reddit.comments) == 1
    wrong = RedditSender(reddit.client_id, reddit.client_secret, reddit.username, "nope",
                         user_agent=reddit.user_agent, base_url=fake_api.url)  # fmt: skip
    with pytest.raises(PermanentSendError, match="invalid_grant"):
        wrong.send(_reply())
