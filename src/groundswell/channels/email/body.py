"""The readable body of an e-mail: the text part (or the HTML part as text), without quoted history.

Customers reply on top of the whole earlier conversation; the post keeps only what they wrote this
time, while the record's raw source keeps everything.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from typing import Any

from groundswell.channels.common import html_to_text

# The line that introduces a quote: "On Mon, 3 Mar 2025 at 10:00, Ana <ana@example.com> wrote:",
# and its German and French forms. Mail clients wrap it, so it may run over two lines.
_ATTRIBUTION = re.compile(r"^(On|Am|Le)\s.+\s(wrote|schrieb|a écrit)\s?:\s*$", re.IGNORECASE | re.DOTALL)
_ATTRIBUTION_START = re.compile(r"^(On|Am|Le)\s", re.IGNORECASE)
# Outlook does not quote with ">": it appends the earlier message below a separator.
_FORWARDED_HISTORY = re.compile(r"^-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$", re.IGNORECASE)
_SIGNATURE = ("-- ", "--")
_C1_CONTROLS = re.compile("[\x80-\x9f]")


def body_text(message: EmailMessage) -> str:
    """The text/plain body, else the text/html body as plain text; empty when there is neither."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return repair_windows_1252(_part_text(part))
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return repair_windows_1252(html_to_text(_part_text(part)))
    return ""


def repair_windows_1252(text: str) -> str:
    """Text labelled ISO-8859-1 that was really written in Windows-1252, as many mail clients do.

    Its curly quotes and dashes decode to C1 control characters, which real text never contains,
    so their presence is the tell; browsers and mail readers make the same substitution.
    """
    if not _C1_CONTROLS.search(text):
        return text
    try:
        return text.encode("latin-1").decode("cp1252")
    except UnicodeError:
        return text


def _part_text(part: Message) -> str:
    try:
        content: Any = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, KeyError):
        pass  # an unknown or lying charset: fall back to UTF-8 with replacement characters below
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def strip_quoted(text: str) -> str:
    """The text without quoted earlier messages, their attribution line, and the signature."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line in _SIGNATURE or _FORWARDED_HISTORY.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        if _is_attribution(lines, index):
            continue
        if index > 0 and _is_attribution(lines, index - 1) and not _ATTRIBUTION.match(lines[index - 1]):
            continue  # the second half of a wrapped attribution line
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _is_attribution(lines: list[str], index: int) -> bool:
    """Whether the line at `index` (alone, or wrapped onto the next line) introduces a quote."""
    line = lines[index]
    if not _ATTRIBUTION_START.match(line):
        return False
    if _ATTRIBUTION.match(line):
        return _quote_follows(lines, index + 1)
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return bool(_ATTRIBUTION.match(f"{line} {following}")) and _quote_follows(lines, index + 2)


def _quote_follows(lines: list[str], index: int) -> bool:
    # "On Monday my friend wrote:" in a customer's own words is not followed by a quote.
    for line in lines[index:]:
        if line.strip():
            return line.lstrip().startswith(">")
    return True
