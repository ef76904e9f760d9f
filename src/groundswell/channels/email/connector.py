"""E-mail to the brand's customer-care mailboxes, from mbox archives or single .eml files.

Threads follow the headers mail clients write: In-Reply-To names the parent message and the first
id in References the message that started the conversation. E-mail is private correspondence.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser, Parser
from pathlib import Path
from typing import Any, ClassVar

from groundswell.channels.base import AuthorIn, PostIn, RawRecord
from groundswell.channels.common import parse_time
from groundswell.channels.email.body import body_text, repair_windows_1252, strip_quoted
from groundswell.errors import ParseError

CHANNEL = "email"
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# The separator line before each message: "From sender@example.com Mon Mar  3 18:40:02 2025".
_MBOX_FROM_LINE = re.compile(r"From \S+ +[^\n]*\b\d{1,2}:\d{2}")
_MBOX_FROM_ESCAPE = re.compile(rb"(?m)^>(>*From )")
_HEADER_LINE = re.compile(r"^([A-Za-z0-9-]+):[ \t]?")
# Headers that mark the top of a message file, as opposed to any "Name: value" text.
_MESSAGE_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "received",
        "return-path",
        "delivered-to",
        "reply-to",
        "in-reply-to",
        "references",
        "content-type",
        "x-mailer",
    }
)
# Where the delivering server wrote which of the brand's addresses the message came in on.
_MAILBOX_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To")


class EmailConnector:
    name: ClassVar[str] = "email"
    suffixes: ClassVar[tuple[str, ...]] = (".mbox", ".mbx", ".eml")

    def read(self, path: Path) -> Iterator[RawRecord]:
        with path.open("rb") as handle:
            is_mbox = handle.read(5) == b"From "
        return _read_mbox(path) if is_mbox else _read_eml(path)

    def parse(self, record: RawRecord) -> list[PostIn]:
        message = record.decoded
        if not isinstance(message, EmailMessage):
            message = Parser(policy=policy.default).parsestr(record.raw)
        if not isinstance(message, EmailMessage):  # the default policy always builds EmailMessage
            raise ParseError(f"message {record.position} could not be read as an e-mail")
        return [_post_from_message(message)]

    def sniff(self, head: str) -> bool:
        if head.startswith("From "):
            return bool(_MBOX_FROM_LINE.match(head))
        return _starts_with_headers(head)


def _read_mbox(path: Path) -> Iterator[RawRecord]:
    """One record per message. The mailbox module indexes where each message starts, then reads
    them one at a time, so a large archive is never held in memory."""
    box = mailbox.mbox(path, create=False)
    try:
        for position, key in enumerate(box.iterkeys(), start=1):
            yield _record(path, position, box.get_bytes(key), unescape_from=True)
    finally:
        box.close()


def _read_eml(path: Path) -> Iterator[RawRecord]:
    yield _record(path, 1, path.read_bytes())


def _record(path: Path, position: int, source: bytes, *, unescape_from: bool = False) -> RawRecord:
    # Parsed from the bytes, not the text: bodies in Latin-1 or Windows-1252 keep their characters.
    # An mbox writes body lines starting with "From " as ">From " (and ">From " as ">>From ");
    # undone for parsing so that they do not read as quotes, while raw keeps the file's bytes.
    content = _MBOX_FROM_ESCAPE.sub(rb"\1", source) if unescape_from else source
    message = BytesParser(policy=policy.default).parsebytes(content)
    return RawRecord(source=str(path), position=position, raw=source.decode("utf-8", errors="replace"), decoded=message)


def _starts_with_headers(head: str) -> bool:
    header_block = re.split(r"\r?\n\r?\n", head.lstrip("\ufeff"), maxsplit=1)[0]
    names: set[str] = set()
    for number, line in enumerate(header_block.splitlines()):
        if line[:1] in (" ", "\t") and number > 0:
            continue  # a folded continuation of the previous header
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    known = names & _MESSAGE_HEADERS
    return len(known) >= 2 and bool(known & {"from", "message-id", "subject"})


def _post_from_message(message: EmailMessage) -> PostIn:
    external_id = _first_id(_header(message, "Message-ID"))
    if external_id is None:
        raise ParseError("missing Message-ID: every e-mail needs one to be told apart and threaded")
    subject = _header(message, "Subject")
    subject = repair_windows_1252(subject) if subject else None
    references = _ids(_header(message, "References"))
    reply_to = _first_id(_header(message, "In-Reply-To")) or (references[-1] if references else None)
    full_text = body_text(message)
    text = strip_quoted(full_text) or (subject or "")
    if not text.strip():
        raise ParseError(f"missing text: message {external_id} has neither a text body nor a subject")
    language = _header(message, "Content-Language")
    return PostIn(
        channel=CHANNEL,
        external_id=external_id,
        text=text,
        created_at=_created_at(message),
        author=_author(message),
        title=subject,
        language=language.split(",")[0].strip() if language else None,
        reply_to_external_id=reply_to,
        # The first reference is the conversation's first message; without any, this one starts it.
        thread_external_id=references[0] if references else (reply_to or external_id),
        visibility="private",
        attributes=_attributes(message, references),
    )


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError) as exc:
        raise ParseError(f"malformed {name} header: {exc}") from None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _ids(value: str | None) -> list[str]:
    if not value:
        return []
    found = _MESSAGE_ID.findall(value)
    return found or [part.strip("<>") for part in value.split() if part.strip("<>")]


def _first_id(value: str | None) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _created_at(message: EmailMessage) -> datetime:
    example = "use the RFC 5322 form such as 'Mon, 03 Mar 2025 10:15:00 +0100'"
    try:
        header = message.get("Date")
    except (ValueError, TypeError, IndexError, OverflowError) as exc:
        raise ParseError(f"unparseable Date header ({exc}): {example}") from None
    if header is None or not str(header).strip():
        raise ParseError("missing Date header: every e-mail needs the time it was sent")
    moment = getattr(header, "datetime", None)
    if not isinstance(moment, datetime):
        raise ParseError(f"unparseable Date header {str(header)!r}: {example}")
    return parse_time(moment, field="Date")


def _addresses(message: EmailMessage, name: str) -> list[Address]:
    try:
        header = message.get(name)
        return list(getattr(header, "addresses", ()))
    except (ValueError, TypeError, IndexError):
        return []  # an unreadable To or Cc header loses those addresses, not the message


def _author(message: EmailMessage) -> AuthorIn | None:
    senders = _addresses(message, "From")
    if not senders or not senders[0].addr_spec:
        return None
    address = senders[0].addr_spec.lower()
    return AuthorIn(external_id=address, handle=address, display_name=senders[0].display_name or None)


def _attributes(message: EmailMessage, references: list[str]) -> dict[str, Any]:
    recipients = [a.addr_spec.lower() for a in _addresses(message, "To") if a.addr_spec]
    copied = [a.addr_spec.lower() for a in _addresses(message, "Cc") if a.addr_spec]
    delivered_to = next((_first_address(message, name) for name in _MAILBOX_HEADERS if message.get(name)), None)
    attributes: dict[str, Any] = {
        "to": recipients,
        "cc": copied,
        "mailbox": delivered_to or (recipients[0] if recipients else None),
        "references": references,
        "attachments": _attachments(message),
    }
    return {key: value for key, value in attributes.items() if value}


def _first_address(message: EmailMessage, name: str) -> str | None:
    found = _addresses(message, name)
    if found and found[0].addr_spec:
        return found[0].addr_spec.lower()
    value = _header(message, name)
    return value.strip("<>").lower() if value else None


def _attachments(message: EmailMessage) -> list[dict[str, Any]]:
    """Name, type and size of each attachment; the content stays in the raw source only."""
    listed: list[dict[str, Any]] = []
    for part in message.walk():
        if part.is_multipart() or not (part.is_attachment() or part.get_filename()):
            continue
        payload = part.get_payload(decode=True)
        listed.append(
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "size": len(payload) if isinstance(payload, bytes) else None,
            }
        )
    return listed
