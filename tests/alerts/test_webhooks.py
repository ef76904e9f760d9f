"""The alert senders against real local receivers: a signed-webhook endpoint that checks the HMAC, Slack and
Teams incoming webhooks that check their payloads, and the aiosmtpd SMTP server; then end to end from an
Alert row through on_alerts and the outbox worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.support.alert_rows import T0, add_alert, recur
from tests.support.fake_alert_receivers import ALERT_FIELDS, WEBHOOK_PATH, AlertReceivers
from tests.support.fake_channel_apis import fake_api_server
from tests.support.replay_server import Response
from tests.support.smtp_server import smtp_server

from groundswell.alerts import notify
from groundswell.alerts.routes import parse_routes
from groundswell.cli.common import Store
from groundswell.config import Settings
from groundswell.errors import ConfigurationError
from groundswell.outbox.alert_email import NotificationSmtpSender
from groundswell.outbox.configured import configured_senders
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, RetryableSendError, Sender
from groundswell.outbox.webhooks import SlackSender, TeamsSender, WebhookSender, signature, verify_signature
from groundswell.outbox.worker import deliver_due

SECRET = "whsec-" + "k" * 26


@pytest.fixture
def receivers() -> Iterator[AlertReceivers]:
    with fake_api_server() as server:
        yield AlertReceivers(server, SECRET).install()
        assert server.problems == [], "the receivers refused requests:\n" + "\n".join(server.problems)


def message(channel: str, url: str, payload: Any, key: str = "alert:1:0:x") -> OutgoingMessage:
    return OutgoingMessage(id=1, idempotency_key=key, channel=channel, text="alert", recipient=url,
                           extra={"payload": payload})  # fmt: skip


def test_signature_round_trip_and_rejections() -> None:
    body, now = b'{"a":1}', time.time()
    header = signature(SECRET, str(int(now)), body)
    assert verify_signature(SECRET, timestamp=str(int(now)), body=body, header=header, now=now)
    assert not verify_signature(SECRET, timestamp=str(int(now)), body=b'{"a":2}', header=header, now=now)
    assert not verify_signature("other-secret-16chars", timestamp=str(int(now)), body=body, header=header, now=now)
    assert not verify_signature(SECRET, timestamp=str(int(now)), body=body, header=header, now=now + 301)
    assert not verify_signature(SECRET, timestamp="yesterday", body=body, header=header, now=now)


def test_webhook_is_signed_over_the_body_as_sent(receivers: AlertReceivers) -> None:
    sender = WebhookSender({receivers.webhook_url: SECRET})
    payload = {
        "event": "alert.notification",
        "idempotency_key": "alert:1:0:x",
        "alert": dict.fromkeys(ALERT_FIELDS, "é ✓"),
    }
    receipt = sender.send(message("webhook", receivers.webhook_url, payload))
    assert receipt.external_id == "alert:1:0:x"
    assert list(receivers.webhooks) == ["alert:1:0:x"]
    assert sender.find_sent(message("webhook", receivers.webhook_url, payload)) is None


def test_a_receiver_with_another_secret_refuses(receivers: AlertReceivers) -> None:
    sender = WebhookSender({receivers.webhook_url: "not-the-receivers-secret"})
    with pytest.raises(PermanentSendError, match="answered 400"):
        sender.send(message("webhook", receivers.webhook_url, {"event": "alert.notification"}))
    assert receivers.webhooks == {}
    assert any("signature does not match" in p for p in receivers.server.problems)
    receivers.server.problems.clear()


def test_a_webhook_without_a_known_secret_is_dead_at_once(receivers: AlertReceivers) -> None:
    with pytest.raises(PermanentSendError, match="no signing secret for webhook"):
        WebhookSender({}).send(message("webhook", receivers.webhook_url, {}))
    assert receivers.server.requests == []


@pytest.mark.parametrize(
    ("response", "error", "retry_after"),
    [
        (Response(429, {"error": "slow"}, headers={"Retry-After": "90"}), RetryableSendError, timedelta(seconds=90)),
        (Response(503, "maintenance", content_type="text/plain"), RetryableSendError, None),
        (Response(404, "no_service", content_type="text/plain"), PermanentSendError, None),
        (Response(410, "channel_is_archived", content_type="text/plain"), PermanentSendError, None),
        (Response(403, "invalid_token", content_type="text/plain"), PermanentSendError, None),
    ],
)  # fmt: skip
def test_http_errors_are_retryable_or_permanent(
    receivers: AlertReceivers, response: Response, error: type[Exception], retry_after: timedelta | None
) -> None:
    receivers.server.fail_next("POST", r"/services/.*", response)
    with pytest.raises(error) as caught:
        SlackSender().send(message("slack", receivers.slack_url, {"text": "x", "blocks": []}))
    assert getattr(caught.value, "retry_after", None) == retry_after


def test_an_unreachable_receiver_is_retryable() -> None:
    with fake_api_server() as server:
        url = server.url + "/hook"
    with pytest.raises(RetryableSendError, match="cannot reach"):
        TeamsSender().send(message("teams", url, {"@type": "MessageCard"}))


def test_email_notification_is_a_fresh_message(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        sender = NotificationSmtpSender(
            server.host, server.port, from_address="alerts@voltline.example", starttls=False
        )
        note = OutgoingMessage(id=7, idempotency_key="alert:3:1:leads/a@x.example", channel="email",
                               text="[HIGH] volume_spike", recipient="a@x.example",
                               extra={"notification": True, "subject": "groundswell alert: [HIGH] spike"})  # fmt: skip
        reply = OutgoingMessage(id=8, idempotency_key="reply:1", channel="email", text="Thanks",
                                recipient="c@x.example", in_reply_to="m1@x.example",
                                extra={"subject": "My order"})  # fmt: skip
        sender.send(note)
        sender.send(reply)
    alert_mail, reply_mail = (r.message for r in server.sink.received)
    assert alert_mail["Subject"] == "groundswell alert: [HIGH] spike"
    assert alert_mail["Auto-Submitted"] == "auto-generated" and alert_mail["In-Reply-To"] is None
    assert alert_mail.get_content().strip() == "[HIGH] volume_spike"
    assert reply_mail["Subject"] == "Re: My order" and reply_mail["In-Reply-To"] == "<m1@x.example>"


def test_configured_senders_need_the_routes_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="cannot deliver to webhook: set GROUNDSWELL_ALERT_ROUTES"):
        configured_senders(Settings(), ["webhook"])
    routes = tmp_path / "routes.yaml"
    routes.write_text(
        "targets: [{name: p, kind: webhook, url: 'https://h.example/x', secret_env: GS_TEST_HOOK_SECRET}]\n"
        "routes: [{name: r, levels: [{targets: [p]}]}]\n"
    )
    monkeypatch.setenv("GS_TEST_HOOK_SECRET", SECRET)
    senders = configured_senders(Settings(alert_routes=routes), ["webhook", "slack", "teams"])
    assert [type(s).__name__ for s in senders.values()] == ["WebhookSender", "SlackSender", "TeamsSender"]
    email = configured_senders(Settings(smtp_host="127.0.0.1", smtp_from="a@x.example"), ["email"])["email"]
    assert isinstance(email, NotificationSmtpSender)


def end_to_end_routes(receivers: AlertReceivers) -> Any:
    return parse_routes({
        "base_url": "https://gs.example",
        "targets": [
            {"name": "pager", "kind": "webhook", "url": receivers.webhook_url, "secret": SECRET},
            {"name": "room", "kind": "slack", "url": receivers.slack_url},
            {"name": "execs", "kind": "teams", "url": receivers.teams_url},
            {"name": "leads", "kind": "email", "addresses": ["lead@voltline.example"]},
        ],
        "routes": [{"name": "brand", "levels": [
            {"targets": ["pager", "room", "execs"]}, {"after_minutes": 15, "targets": ["leads"]}]}],
    })  # fmt: skip


def test_end_to_end_one_signed_request_per_receiver(store: Store, receivers: AlertReceivers, tmp_path: Path) -> None:
    config = end_to_end_routes(receivers)
    with smtp_server(tmp_path) as mail:
        senders: dict[str, Sender] = {
            "webhook": WebhookSender({receivers.webhook_url: SECRET}), "slack": SlackSender(), "teams": TeamsSender(),
            "email": NotificationSmtpSender(mail.host, mail.port, from_address="alerts@x.example", starttls=False),
        }  # fmt: skip
        with store.sessions.begin() as session:
            alert = add_alert(session)
            notify.on_alerts(session, alerts=[alert], config=config, now=T0)
        # The detector sees the same spike 50 more times; each run notifies and delivers what is due.
        for i in range(1, 51):
            at = T0 + timedelta(seconds=6 * i)
            with store.sessions.begin() as session:
                again = recur(session, session.get_one(type(alert), alert.id), at=at)
                notify.on_alerts(session, alerts=[again], config=config, now=at)
            if i % 10 == 0:
                deliver_due(store.sessions, senders=senders, now=at)
        assert (len(receivers.webhooks), len(receivers.slack), len(receivers.teams)) == (1, 1, 1)
        assert receivers.webhook_repeats == 0 and mail.sink.received == []
        hook = next(iter(receivers.webhooks.values()))
        assert hook["alert"]["scope"] == "Voltline" and hook["alert"]["severity"] == "high"
        assert "Voltline" in receivers.slack[0]["text"] and receivers.teams[0]["themeColor"] == "E01E5A"
        # Nobody acknowledges: 15 minutes later the leads get one e-mail, then someone acknowledges.
        later = T0 + timedelta(minutes=20)
        with store.sessions.begin() as session:
            notify.escalate_due(session, config=config, now=later)
        report = deliver_due(store.sessions, senders=senders, now=later)
        assert len(report.sent) == 1 and len(mail.sink.received) == 1
        assert mail.sink.received[0].message["Subject"].startswith("groundswell alert: [HIGH] volume_spike")
        with store.sessions.begin() as session:
            notify.acknowledge(session, alert_id=alert.id, by="dana", now=later)
            assert notify.escalate_due(session, config=config, now=later + timedelta(hours=3)) == []
        assert deliver_due(store.sessions, senders=senders, now=later + timedelta(hours=3)).sent == []
    assert len(receivers.server.calls("POST", WEBHOOK_PATH)) == 1


def test_a_retried_webhook_keeps_its_key_and_the_receiver_drops_the_copy(
    store: Store, receivers: AlertReceivers
) -> None:
    config = end_to_end_routes(receivers)
    senders = {"webhook": WebhookSender({receivers.webhook_url: SECRET})}
    with store.sessions.begin() as session:
        notify.on_alerts(session, alerts=[add_alert(session)], config=config, now=T0)
    receivers.server.fail_next("POST", WEBHOOK_PATH, Response(502, "bad gateway", content_type="text/plain"))
    assert len(deliver_due(store.sessions, senders=senders, now=T0).retrying) == 1
    assert len(deliver_due(store.sessions, senders=senders, now=T0 + timedelta(minutes=5)).sent) == 1
    calls = receivers.server.calls("POST", WEBHOOK_PATH)
    assert len(calls) == 2 and len({c.headers["idempotency-key"] for c in calls}) == 1
    assert len(receivers.webhooks) == 1
