from __future__ import annotations

from pathlib import Path

import pytest

from groundswell.channels.email.sender import SmtpSender, message_id, reply_subject
from groundswell.outbox.senders import OutgoingMessage, PermanentSendError, RetryableSendError
from tests.support.smtp_server import smtp_server

FROM = "Voltline Care <care@voltline.example>"


def _reply(key: str = "mail-1", recipient: str = "ana@example.com", **kw: object) -> OutgoingMessage:
    fields: dict[str, object] = {
        "in_reply_to": "CAF=abc123@mail.example.com",
        "extra": {"subject": "My order #4411 never arrived", "references": ["<root@mail.example.com>"]},
    }
    fields.update(kw)
    return OutgoingMessage(id=7, idempotency_key=key, channel="email", text="Dear Ana,\n\nYour parcel left today.\n",
                           recipient=recipient, **fields)  # type: ignore[arg-type]  # fmt: skip


def test_reply_threads_under_the_customer_message(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        sender = SmtpSender(server.host, server.port, from_address=FROM, starttls=False)
        receipt = sender.send(_reply())
    (got,) = server.sink.received
    assert got.mail_from == "care@voltline.example" and got.rcpt_tos == ["ana@example.com"]
    mail = got.message
    assert mail["Subject"] == "Re: My order #4411 never arrived"
    assert mail["In-Reply-To"] == "<CAF=abc123@mail.example.com>"
    assert mail["References"] == "<root@mail.example.com> <CAF=abc123@mail.example.com>"
    assert mail["Message-ID"] == message_id("mail-1", FROM)
    assert mail.get_content().replace("\r\n", "\n") == "Dear Ana,\n\nYour parcel left today.\n"
    assert receipt.external_id == message_id("mail-1", FROM).strip("<>")
    assert sender.find_sent(_reply()) is None  # SMTP cannot look back


def test_every_attempt_carries_the_same_message_id(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        sender = SmtpSender(server.host, server.port, from_address=FROM, starttls=False)
        sender.send(_reply())
        sender.send(_reply())
        sender.send(_reply(key="mail-2"))
    ids = [r.message["Message-ID"] for r in server.sink.received]
    assert ids[0] == ids[1] != ids[2]


def test_starttls_and_login(tmp_path: Path) -> None:
    with smtp_server(tmp_path, tls=True, login=("care", "s3cret")) as server:
        sender = SmtpSender(server.host, server.port, from_address=FROM, username="care", password="s3cret",
                            ssl_context=server.client_context())  # fmt: skip
        sender.send(_reply())
        assert server.sink.logins == ["care"] and server.sink.tls_used == [True]
        wrong = SmtpSender(server.host, server.port, from_address=FROM, username="care", password="nope",
                           ssl_context=server.client_context())  # fmt: skip
        with pytest.raises(PermanentSendError, match="535"):
            wrong.send(_reply())
        plain = SmtpSender(server.host, server.port, from_address=FROM, starttls=False)
        with pytest.raises(PermanentSendError, match="530"):  # the server insists on STARTTLS first
            plain.send(_reply())
        untrusted = SmtpSender(server.host, server.port, from_address=FROM, username="care", password="s3cret")
        with pytest.raises(RetryableSendError, match="CERTIFICATE_VERIFY_FAILED"):
            untrusted.send(_reply())


def test_refusals_are_final_or_temporary_by_their_code(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        server.sink.refuse["gone@example.com"] = "550 5.1.1 no such user"
        server.sink.refuse["busy@example.com"] = "451 4.7.1 greylisted, try again later"
        sender = SmtpSender(server.host, server.port, from_address=FROM, starttls=False)
        with pytest.raises(PermanentSendError, match="no such user"):
            sender.send(_reply(recipient="gone@example.com"))
        with pytest.raises(RetryableSendError, match="greylisted"):
            sender.send(_reply(recipient="busy@example.com"))
        port = server.port
    with pytest.raises(RetryableSendError, match="cannot deliver"):
        SmtpSender("127.0.0.1", port, from_address=FROM, starttls=False, timeout=5).send(_reply())


def test_subjects() -> None:
    assert reply_subject("Re: order") == "Re: order"
    assert reply_subject("RE:  order\n  4411") == "RE: order 4411"
    assert reply_subject("") == "Re: your message"
