"""RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds, blog comment feeds included.

Each `<item>`/`<entry>` is one record whose raw text is the entry's XML as received; feedparser reads
it. Comments find their article two ways: the Atom threading extension (RFC 4685,
`<thr:in-reply-to ref=...>`), and the `#comment-N` fragment WordPress puts on a comment's guid and
link (the guid without it is the article's guid, which is the article's external id here).
"""

from __future__ import annotations

import calendar
import re
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import feedparser

from groundswell.channels.base import AuthorIn, PostIn, RawRecord
from groundswell.channels.common import html_to_text, parse_time
from groundswell.channels.rss.feed_xml import FeedSyntaxError, sniff_feed, split_feed, wrap_entry
from groundswell.errors import ParseError

CHANNEL = "rss"
THREAD_NS = "http://purl.org/syndication/thread/1.0"
_COMMENT_FRAGMENT = re.compile(r"#comment-\d+$")
_RSS_AUTHOR = re.compile(r"^\s*([^\s()]+@[^\s()]+)\s*\((.+)\)\s*$")  # RSS 2.0: "email (Name)"
# The most of a broken document's unread rest that is kept with its quarantined record.
_MAX_REST = 1_000_000


class RssConnector:
    name: ClassVar[str] = CHANNEL
    suffixes: ClassVar[tuple[str, ...]] = (".rss", ".atom", ".rdf", ".xml")

    def read(self, path: Path) -> Iterator[RawRecord]:
        source = str(path)
        position = 0
        with path.open("rb") as handle:
            try:
                for entry in split_feed(handle):
                    position += 1
                    yield RawRecord(source=source, position=position, raw=entry.raw, context=entry.context)
            except FeedSyntaxError as problem:
                # The unread rest is quarantined with the reason, so no entry vanishes silently.
                handle.seek(problem.offset)
                rest = handle.read(_MAX_REST).decode("utf-8", errors="replace")
                yield RawRecord(source=source, position=position + 1, raw=rest, decoded=problem)

    def parse(self, record: RawRecord) -> list[PostIn]:
        if isinstance(record.decoded, ParseError):
            raise record.decoded
        context = dict(record.context or {})
        document = wrap_entry(record.raw, context)
        try:
            # Checked here because feedparser would quietly guess its way through broken XML.
            in_reply_to = _in_reply_to(ElementTree.fromstring(document))
        except ElementTree.ParseError as exc:
            raise ParseError(f"not a feed entry: the entry is not well-formed XML ({exc})") from None
        base = record.source if record.source.startswith(("http://", "https://")) else context.get("feed_link")
        headers = {"content-type": "application/xml", "content-location": base or ""}
        parsed = feedparser.parse(document, response_headers=headers)
        if not parsed.entries:
            raise ParseError("not a feed entry: each record must be one <item> or <entry> element")
        return [_post(parsed.entries[0], in_reply_to, context)]

    def sniff(self, head: str) -> bool:
        return sniff_feed(head.lstrip("\ufeff"))


def _post(entry: Mapping[str, Any], in_reply_to: dict[str, str] | None, context: Mapping[str, Any]) -> PostIn:
    link = entry.get("link") or None
    external_id = (entry.get("id") or "").strip() or link
    if not external_id:
        raise ParseError("missing id: the entry has no <guid>/<id> and no <link> to identify it by")
    reply_to, thread = _threading(external_id, link, in_reply_to)
    title = html_to_text(entry.get("title") or "") or None
    text = _text(entry) or ("" if thread else title or "")
    if not text:
        raise ParseError(f"missing text: entry {external_id} has no content, description or summary")
    attributes = {
        "feed_title": context.get("feed_title"),
        "feed_link": context.get("feed_link"),
        "tags": [tag["term"] for tag in entry.get("tags") or [] if tag.get("term")] or None,
        "comments_url": entry.get("comments"),
        "in_reply_to_url": (in_reply_to or {}).get("href"),
    }
    return PostIn(
        channel=CHANNEL,
        external_id=external_id,
        text=text,
        title=title,
        created_at=_created_at(entry, external_id),
        author=_author(entry),
        url=link,
        language=_language(entry) or context.get("language"),
        reply_to_external_id=reply_to,
        thread_external_id=thread,
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


def _threading(external_id: str, link: str | None, in_reply_to: dict[str, str] | None) -> tuple[str | None, str | None]:
    """The parent and the article of a comment entry; (None, None) for an article."""
    ref = (in_reply_to or {}).get("ref")
    if ref:
        # A reply to a comment names the comment; its article is that id without #comment-N.
        return ref, _COMMENT_FRAGMENT.sub("", ref)
    for candidate in (external_id, link):
        if candidate and _COMMENT_FRAGMENT.search(candidate):
            # WordPress RSS names no parent comment, so the article is the best known parent.
            article = _COMMENT_FRAGMENT.sub("", candidate)
            return article, article
    return None, None


def _in_reply_to(root: ElementTree.Element) -> dict[str, str] | None:
    """The entry's `thr:in-reply-to` attributes (RFC 4685), whatever prefix the feed gave it."""
    element = root.find(f".//{{{THREAD_NS}}}in-reply-to")
    return dict(element.attrib) if element is not None else None


def _text(entry: Mapping[str, Any]) -> str:
    # Full content (content:encoded, Atom content) over the summary, which blogs often truncate.
    for detail in [*(entry.get("content") or []), entry.get("summary_detail") or {}]:
        value = detail.get("value") or ""
        text = html_to_text(value) if "html" in (detail.get("type") or "html") else value.strip()
        if text:
            return text
    return ""


def _language(entry: Mapping[str, Any]) -> str | None:
    details = [*(entry.get("content") or []), entry.get("summary_detail") or {}]
    return next((d["language"] for d in details if d.get("language")), None)


def _created_at(entry: Mapping[str, Any], external_id: str) -> datetime:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if isinstance(parsed, time.struct_time):  # feedparser normalises these to UTC
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        if entry.get(key):
            return parse_time(entry[key], field=f"{key} date of {external_id}")
    raise ParseError(
        f"missing date: entry {external_id} has no <pubDate>, <published>, <updated> or <dc:date>; "
        "add one so the post can be placed in time"
    )


def _author(entry: Mapping[str, Any]) -> AuthorIn | None:
    detail = dict(entry.get("author_detail") or {})
    rss_author = _RSS_AUTHOR.match(entry.get("author") or "")
    if rss_author:
        # feedparser's own split of "email (Name)" cuts addresses with long top-level domains short.
        detail.update(email=rss_author.group(1), name=rss_author.group(2).strip())
    name = detail.get("name") or None
    email, uri = detail.get("email") or None, detail.get("href") or None
    handle = name or uri or email
    if not handle:
        return None
    # The name first: a commenter's uri is often just the blog's home page, and services such as
    # Blogger give every commenter the same no-reply e-mail address.
    return AuthorIn(external_id=handle, handle=handle, display_name=name, url=uri)
