"""The e-mail connector: mbox archives and .eml files, threading, quote stripping, charsets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.email.body import repair_windows_1252, strip_quoted
from groundswell.channels.email.connector import EmailConnector
from groundswell.channels.registry import detect_connector
from groundswell.errors import ParseError

FIXTURES = Path(__file__).parents[2] / "src/groundswell/channels/email/fixtures"
MBOX = FIXTURES / "voltline_support.mbox"
EML = FIXTURES / "pulsepad_return_request.eml"
connector = EmailConnector()


def mbox_records() -> list[RawRecord]:
    return list(connector.read(MBOX))


def mbox_post(position: int) -> PostIn:
    [post] = connector.parse(mbox_records()[position - 1])
    return post


def test_mbox_is_read_message_by_message() -> None:
    found = mbox_records()
    assert [r.position for r in found] == [1, 2, 3, 4, 5, 6, 7]
    assert all(r.source == str(MBOX) for r in found)
    # raw is the message source itself, without the mbox "From " separator line.
    assert found[0].raw.startswith("Return-Path: <care@voltline.example>\nMessage-ID:")
    assert found[6].raw.startswith("Message-ID: <bad-date-1@mail.example.org>")


def test_customer_message_field_by_field() -> None:
    post = mbox_post(2)
    assert post.channel == "email"
    assert post.external_id == "CAF1maja.7731@mail.example.com"
    assert post.title == "PulsePad 16 – pad 7 défectueux"  # RFC 2047 encoded UTF-8 subject
    assert post.text == (
        "Hello Voltline,\n\npad 7 on my PulsePad 16 stopped working after two weeks. The other pads are "
        "fine. Receipt attached – order VL-20931.\n\nMaja"
    )  # the text/plain alternative, quoted-printable decoded, not the HTML one
    assert post.created_at == datetime(2025, 3, 3, 17, 40, 2, tzinfo=UTC)
    assert post.author is not None
    assert post.author.external_id == post.author.handle == "maja.lofgren@mail.example.com"
    assert post.author.display_name == "Maja Löfgren"
    assert post.language == "en-GB"
    assert post.visibility == "private"
    assert post.reply_to_external_id is None
    assert post.thread_external_id == post.external_id  # starts its own thread
    assert post.attributes == {
        "to": ["care@voltline.example"],
        "cc": ["erik.lofgren@mail.example.com"],
        "mailbox": "care@voltline.example",
        "attachments": [{"filename": "receipt-VL-20931.pdf", "content_type": "application/pdf", "size": 79}],
    }


def test_attachment_content_stays_in_raw_only() -> None:
    record = mbox_records()[1]
    assert "application/pdf" in record.raw and "JVBERi0xLjQ" in record.raw  # base64 of "%PDF-1.4"
    post = connector.parse(record)[0]
    assert "JVBERi0xLjQ" not in str(post.attributes) and "PDF-1.4" not in post.text


def test_reply_before_its_parent_is_threaded() -> None:
    reply, parent = mbox_post(1), mbox_post(2)
    assert reply.reply_to_external_id == reply.thread_external_id == parent.external_id
    assert reply.author is not None and reply.author.handle == "care@voltline.example"
    assert reply.attributes["references"] == ["CAF1maja.7731@mail.example.com"]


def test_quotes_and_signature_are_stripped_from_text_but_kept_in_raw() -> None:
    record = mbox_records()[0]
    post = connector.parse(record)[0]
    assert post.text == (
        "Hi Maja,\n\nSorry to hear pad 7 stopped responding. Could you send us a short video of\n"
        "the pad with the test screen open (hold SHIFT + PLAY at power-on)?"
    )
    for kept in ("wrote:", "> pad 7 on my PulsePad 16", "-- \nVoltline Care"):
        assert kept in record.raw


def test_follow_up_in_latin1_with_wrapped_attribution_and_mbox_from_escape() -> None:
    record = mbox_records()[2]
    post = connector.parse(record)[0]
    # The 8-bit ISO-8859-1 body decodes; ">From now on" was only the mbox's escape, not a quote.
    assert post.text == (
        "Tack! Här är videon: https://video.example.com/v/pad7\nFrom now on I will test every pad before a gig."
    )
    assert "H\ufffdr \ufffdr" in record.raw  # raw is the source as UTF-8 with replacements
    assert post.title == "Re: PulsePad 16 – pad 7 défectueux"  # Windows-1252 dash labelled ISO-8859-1
    assert post.reply_to_external_id == "care-7731.1@support.voltline.example"
    assert post.thread_external_id == "CAF1maja.7731@mail.example.com"  # the first id in References


def test_html_only_message_in_windows_1252() -> None:
    post = mbox_post(4)
    assert post.title == "PulsePad Mini – firmware 1.3"  # base64 encoded-word
    assert post.text == ("Hi,\n\nAfter the firmware 1.3 update my PulsePad Mini shows “Error 42” at boot.\n\nRavi")
    assert post.created_at == datetime(2025, 3, 5, 12, 30, tzinfo=UTC)
    assert post.author is not None and post.author.handle == "ravi.k@mail.example.net"
    assert post.thread_external_id == post.external_id == "20250305073000.4411@mail.example.net"


def test_outlook_reply_with_in_reply_to_only() -> None:
    post = mbox_post(5)
    assert post.text == "Rolling back to 1.2 worked, thanks."  # the "Original Message" history is cut
    assert post.reply_to_external_id == post.thread_external_id == "care-8002.1@support.voltline.example"


def test_malformed_messages_are_refused_with_reasons() -> None:
    records = mbox_records()
    with pytest.raises(ParseError, match="missing Message-ID"):
        connector.parse(records[5])
    with pytest.raises(ParseError, match="unparseable Date header 'yesterday afternoon'"):
        connector.parse(records[6])


def test_eml_file_field_by_field() -> None:
    [record] = connector.read(EML)
    assert record.position == 1
    assert record.raw == EML.read_bytes().decode("utf-8")  # CRLF line endings kept as received
    [post] = connector.parse(record)
    assert post.external_id == "CAB9dev.8133@mail.example.net"
    assert post.title == "Re: Return request RMA-8120 (PulsePad Mini)"
    assert post.text == "Photo of the charging port attached. The RMA label worked, box goes out Monday."
    assert post.created_at == datetime(2025, 3, 7, 16, 20, 5, tzinfo=UTC)
    assert post.author is not None
    assert (post.author.handle, post.author.display_name) == ("dev.patel@mail.example.net", "Patel, Dev")
    assert post.reply_to_external_id == "care-8120.2@support.voltline.example"
    assert post.thread_external_id == "CAB9dev.8120@mail.example.net"  # from a folded References header
    assert post.attributes == {
        "to": ["returns@voltline.example"],
        "cc": ["care@voltline.example"],
        "mailbox": "returns@voltline.example",
        "references": ["CAB9dev.8120@mail.example.net", "care-8120.2@support.voltline.example"],
        "attachments": [{"filename": "charging-port.jpg", "content_type": "image/jpeg", "size": 22}],
    }


def test_stored_raw_parses_again_without_the_decoded_message() -> None:
    stored = mbox_records()[1]
    again = RawRecord(source=stored.source, position=stored.position, raw=stored.raw)
    assert connector.parse(again) == connector.parse(stored)


def write_eml(tmp_path: Path, headers: str, body: str = "Is the PulsePad in stock?\n") -> RawRecord:
    path = tmp_path / "message.eml"
    path.write_text(headers + "\n" + body)
    [record] = connector.read(path)
    return record


def test_missing_date_is_refused(tmp_path: Path) -> None:
    headers = "Message-ID: <x1@mail.example.com>\nFrom: a@mail.example.com\nSubject: Stock\n"
    record = write_eml(tmp_path, headers)
    with pytest.raises(ParseError, match="missing Date header"):
        connector.parse(record)


def test_message_without_text_or_subject_is_refused(tmp_path: Path) -> None:
    headers = "Message-ID: <x2@mail.example.com>\nFrom: a@mail.example.com\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n"
    with pytest.raises(ParseError, match=r"missing text: message x2@mail\.example\.com"):
        connector.parse(write_eml(tmp_path, headers, body="> only a quote\n"))


def test_subject_stands_in_for_an_empty_body(tmp_path: Path) -> None:
    headers = (
        "Message-ID: <x3@mail.example.com>\nFrom: a@mail.example.com\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n"
        "Subject: Call me back about order VL-1\n"
    )
    [post] = connector.parse(write_eml(tmp_path, headers, body=""))
    assert post.text == "Call me back about order VL-1"
    assert post.author is not None and post.author.display_name is None


def test_strip_quoted_keeps_own_words_that_look_like_an_attribution() -> None:
    text = "On Monday my friend wrote: get the PulsePad.\nOn Monday my friend wrote:\nI did."
    assert strip_quoted(text) == text
    assert strip_quoted("Thanks!\n\nLe 3 mars 2025, Voltline a écrit :\n> Bonjour\n") == "Thanks!"
    assert strip_quoted("Done.\n--\nsent from my phone") == "Done."


def test_repair_windows_1252_only_touches_c1_controls() -> None:
    assert repair_windows_1252("\x93quoted\x94 \x96 dash") == "“quoted” – dash"
    assert repair_windows_1252("déjà vu") == "déjà vu"


@pytest.mark.parametrize("path", [MBOX, EML])
def test_sniff_recognises_mail_files(path: Path) -> None:
    assert connector.sniff(path.read_bytes()[:16384].decode("utf-8", errors="replace"))


@pytest.mark.parametrize(
    "head",
    [
        '{"id": "1", "channel": "x", "author": "ana", "text": "hi", "created_at": "2024-01-01"}\n',
        "id,channel,author,text,created_at\n1,x,ana,hi,2024-01-01\n",
        "marketplace\tcustomer_id\treview_id\tstar_rating\nUS\t1\tR1\t5\n",
        "Subject: one header is not a message\nthen prose\n",
        "Note: meeting\nTodo: call Voltline\n\nbody",
        "From here on, prose.",
        "",
    ],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert not connector.sniff(head)


@pytest.mark.parametrize("path", [MBOX, EML], ids=lambda p: p.name)
def test_auto_detection_picks_the_email_connector(path: Path) -> None:
    assert detect_connector(path).name == "email"
