from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from groundswell.channels.mastodon.sender import MastodonSender
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, RetryableSendError
from tests.support.fake_channel_apis import FakeApiServer
from tests.support.fake_channel_apis.mastodon import FakeMastodon
from tests.support.replay_server import Response

PARENT = "111000000000000042"


@pytest.fixture
def instance(fake_api: FakeApiServer) -> FakeMastodon:
    fake = FakeMastodon(fake_api)
    fake.add_customer_status(PARENT, "@voltline my charger died after two days")
    return fake


@pytest.fixture
def sender(instance: FakeMastodon, fake_api: FakeApiServer) -> MastodonSender:
    return MastodonSender(fake_api.url, instance.token)


def _reply(key: str = "m-1", text: str = "Sorry to hear that! We will replace it.", **kw: object) -> OutgoingMessage:
    fields: dict[str, object] = {"in_reply_to": PARENT}
    fields.update(kw)
    return OutgoingMessage(id=1, idempotency_key=key, channel="mastodon", text=text, **fields)  # type: ignore[arg-type]


def _fields(body: bytes) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(body.decode()).items()}


def test_public_reply_carries_the_idempotency_key(
    sender: MastodonSender, instance: FakeMastodon, fake_api: FakeApiServer
) -> None:
    receipt = sender.send(_reply())
    (request,) = fake_api.calls("POST", "/api/v1/statuses")
    assert request.headers["authorization"] == "Bearer mastodon-token"
    assert request.headers["idempotency-key"] == "m-1"
    assert _fields(request.body) == {"status": "Sorry to hear that! We will replace it.", "in_reply_to_id": PARENT,
                                     "visibility": "public", "sensitive": "0"}  # fmt: skip
    (posted,) = instance.posted
    assert receipt.external_id == posted["id"] and receipt.url == posted["url"]
    # A retry with the same key gets the same status back, as Mastodon does within the hour.
    assert sender.send(_reply()) == receipt
    assert len(instance.posted) == 1


def test_private_reply_is_a_direct_status_that_mentions_the_recipient(
    sender: MastodonSender, instance: FakeMastodon, fake_api: FakeApiServer
) -> None:
    sender.send(_reply(key="m-dm", text="Please DM us your order number.", visibility="private",
                       recipient="ana@mastodon.social"))  # fmt: skip
    (request,) = fake_api.calls("POST", "/api/v1/statuses")
    assert _fields(request.body)["visibility"] == "direct"
    assert _fields(request.body)["status"] == "@ana@mastodon.social Please DM us your order number."


def test_find_sent_reads_the_account_statuses(sender: MastodonSender, instance: FakeMastodon) -> None:
    assert sender.find_sent(_reply()) is None
    receipt = sender.send(_reply(text="Sorry & thanks, @ana: https://voltline.example/replace?id=1 has the form"))
    # Mastodon keeps the idempotency key for an hour only; after that the statuses are read back.
    instance.idempotency.clear()
    found = sender.find_sent(_reply(text="Sorry & thanks, @ana: https://voltline.example/replace?id=1 has the form"))
    assert found == receipt
    assert sender.find_sent(_reply(text="Something else")) is None
    assert sender.find_sent(_reply(in_reply_to="999")) is None


def test_errors_are_classified(sender: MastodonSender, fake_api: FakeApiServer) -> None:
    with pytest.raises(PermanentSendError, match="404"):
        sender.send(_reply(in_reply_to="123"))
    with pytest.raises(PermanentSendError, match="character limit"):
        sender.send(_reply(text="x" * 501))
    fake_api.fail_next("POST", "/api/v1/statuses", Response(401, {"error": "The access token is invalid"}))
    with pytest.raises(PermanentSendError, match="refused the access token"):
        sender.send(_reply())
    fake_api.fail_next("POST", "/api/v1/statuses", Response(502, "<html>Bad Gateway</html>", content_type="text/html"))
    with pytest.raises(RetryableSendError, match="502"):
        sender.send(_reply())
    fake_api.fail_next("POST", "/api/v1/statuses", Response(429, {"error": "Too many requests"}))
    with pytest.raises(RetryableSendError, match="rate limited"):
        sender.send(_reply())
