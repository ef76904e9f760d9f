"""Splits an RSS 1.0, RSS 2.0 or Atom document into its entries, each kept as the exact bytes received.

Each `<item>`/`<entry>` is cut out of the document by byte offsets, so its raw text is the entry as
the feed wrote it. Namespace prefixes such as `dc:` or `thr:` are usually declared on the root
element, so the declarations in scope travel with each entry in its context, together with the
feed's title and link, and `wrap_entry` turns an entry back into a one-entry feed for parsing.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from xml.sax.saxutils import quoteattr

from groundswell.errors import ParseError

ATOM_NS = "http://www.w3.org/2005/Atom"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1_NS = "http://purl.org/rss/1.0/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# The namespaces whose `item` or `entry` elements are feed entries ("" is RSS 2.0's none).
_ENTRY_NAMESPACES = frozenset({"", ATOM_NS, RSS1_NS, "http://my.netscape.com/rdf/simple/0.9/"})
_ROOT_FORMATS = {" rss": "rss20", f"{RDF_NS} RDF": "rss10", f"{ATOM_NS} feed": "atom"}
_CHUNK = 64 * 1024
_FIRST_ELEMENT = re.compile(r"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")


class FeedSyntaxError(ParseError):
    """The document stopped being well-formed XML, or is no feed at all (`is_feed` False);
    `offset` is where the unread rest begins."""

    def __init__(self, message: str, offset: int, *, is_feed: bool) -> None:
        super().__init__(message)
        self.offset = offset
        self.is_feed = is_feed


@dataclass(slots=True)
class FeedEntry:
    raw: str
    context: dict[str, Any]


@dataclass
class _State:
    """What the expat callbacks learn while the document streams past."""

    buffer: bytearray = field(default_factory=bytearray)
    buffer_start: int = 0  # document offset of buffer[0]
    encoding: str = "utf-8"
    format: str | None = None
    namespaces: dict[str, str] = field(default_factory=dict)  # prefix ("" = default) -> URI
    stack: list[str] = field(default_factory=list)
    entry_start: int | None = None
    entry_depth: int = 0
    feed_title: str | None = None
    feed_link: str | None = None
    language: str | None = None
    capturing: str | None = None  # "title", "link" or "language" while reading the feed's own
    text: list[str] = field(default_factory=list)
    ready: list[FeedEntry] = field(default_factory=list)
    last_event: int = 0  # document offset where the latest callback's markup began

    def context(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "namespaces": dict(self.namespaces),
            "feed_title": self.feed_title,
            "feed_link": self.feed_link,
            "language": self.language,
        }


def sniff_feed(head: str) -> bool:
    """Whether a document begins like an RSS 2.0, RSS 1.0 or Atom feed."""
    match = _FIRST_ELEMENT.search(head)
    if match is None or head[: match.start()].strip().startswith(("{", "[")):
        return False
    root = match.group(1)
    return (
        root == "rss"
        or (root == "RDF" and RSS1_NS in head)
        or (root == "feed" and (ATOM_NS in head or "purl.org/atom/ns#" in head))
    )


def split_feed(source: BinaryIO, max_entries: int | None = None) -> Iterator[FeedEntry]:
    """The entries of a feed in document order, streamed. Raises FeedSyntaxError (after the
    entries before the problem) when the document is not a well-formed feed."""
    state = _State()
    parser = _make_parser(state)
    emitted = 0
    while True:
        chunk = source.read(_CHUNK)
        state.buffer += chunk
        problem: FeedSyntaxError | None = None
        try:
            parser.Parse(chunk, not chunk)
        except xml.parsers.expat.ExpatError as exc:
            resume = state.buffer_start if state.entry_start is None else state.entry_start
            problem = FeedSyntaxError(
                f"the feed is not well-formed XML ({exc}); entries from byte {resume} on "
                "were not read: fix the document and import it again",
                resume,
                is_feed=state.format is not None,
            )
        for entry in state.ready:  # entries completed before any problem are good
            yield entry
            emitted += 1
            if max_entries is not None and emitted >= max_entries:
                return
        state.ready.clear()
        if problem is not None:
            raise problem
        _trim(state)
        if not chunk:
            break
    if state.format is None:
        raise FeedSyntaxError(
            "not an RSS or Atom feed: the root element must be <rss>, <rdf:RDF> or an Atom <feed>",
            0,
            is_feed=False,
        )


def _trim(state: _State) -> None:
    """Forget the bytes no entry can still need: before the latest event, when no entry is open
    (a start tag split across chunks is only reported once complete, so it lies after that)."""
    if state.entry_start is None and state.last_event > state.buffer_start:
        del state.buffer[: state.last_event - state.buffer_start]
        state.buffer_start = state.last_event


def wrap_entry(raw: str, context: dict[str, Any]) -> bytes:
    """A one-entry feed around an entry's raw XML, with the namespaces the feed declared."""
    namespaces = dict(context.get("namespaces") or {})
    feed_format = context.get("format") or ("atom" if raw.lstrip().startswith("<entry") else "rss20")
    if feed_format == "atom":
        namespaces.setdefault("", ATOM_NS)
        prefix = _prefix_for(namespaces, ATOM_NS)
        root, inner = f"{prefix}feed", raw
    elif feed_format == "rss10":
        namespaces.setdefault("rdf", RDF_NS)
        namespaces.setdefault("", RSS1_NS)
        root, inner = f"{_prefix_for(namespaces, RDF_NS)}RDF", raw
    else:
        root, inner = "rss", f"<channel>{raw}</channel>"
    declarations = "".join(
        f" xmlns{':' + prefix if prefix else ''}={quoteattr(uri)}" for prefix, uri in namespaces.items()
    )
    version = ' version="2.0"' if root == "rss" else ""
    document = f'<?xml version="1.0" encoding="utf-8"?>\n<{root}{version}{declarations}>{inner}</{root}>'
    return document.encode("utf-8")


def _prefix_for(namespaces: dict[str, str], uri: str) -> str:
    prefix = next((p for p, u in namespaces.items() if u == uri), "")
    return f"{prefix}:" if prefix else ""


def _make_parser(state: _State) -> xml.parsers.expat.XMLParserType:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def declare(version: str, encoding: str | None, standalone: int) -> None:
        if encoding:
            state.encoding = encoding

    def refuse_entities(*_: Any) -> None:
        # Entity declarations are how XML bombs and external-file reads start; feeds need none.
        raise xml.parsers.expat.ExpatError("entity declarations are not allowed in a feed")

    def namespace(prefix: str | None, uri: str) -> None:
        if state.entry_start is None:  # declarations inside an entry stay in its raw text
            state.namespaces[prefix or ""] = uri

    def start(name: str, attributes: dict[str, str]) -> None:
        _start(state, parser, name, attributes)

    def end(name: str) -> None:
        _end(state, parser, name)

    def characters(data: str) -> None:
        state.last_event = parser.CurrentByteIndex
        if state.capturing:
            state.text.append(data)

    parser.XmlDeclHandler = declare
    parser.EntityDeclHandler = refuse_entities
    parser.StartNamespaceDeclHandler = namespace
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def _start(state: _State, parser: xml.parsers.expat.XMLParserType, name: str, attributes: dict[str, str]) -> None:
    if not state.stack:
        state.format = _ROOT_FORMATS.get(name if " " in name else f" {name}")
        state.language = attributes.get(f"{XML_NS} lang")  # Atom's xml:lang on <feed>
    state.last_event = parser.CurrentByteIndex
    parent = state.stack[-1] if state.stack else ""
    state.stack.append(name)
    if state.entry_start is not None:
        state.entry_depth += 1
        return
    uri, _, local = name.rpartition(" ")
    if state.format and local in ("item", "entry") and uri in _ENTRY_NAMESPACES:
        state.entry_start, state.entry_depth = parser.CurrentByteIndex, 1
        return
    feed_level = parent.rpartition(" ")[2] == "channel" or parent == f"{ATOM_NS} feed"
    if feed_level and local == "title" and state.feed_title is None:
        state.capturing, state.text = "title", []
    elif feed_level and local == "language" and state.language is None:  # RSS <language>, <dc:language>
        state.capturing, state.text = "language", []
    elif feed_level and local == "link" and state.feed_link is None:
        if uri == ATOM_NS:
            if attributes.get("rel", "alternate") == "alternate":
                state.feed_link = attributes.get("href")
        else:
            state.capturing, state.text = "link", []


def _end(state: _State, parser: xml.parsers.expat.XMLParserType, name: str) -> None:
    state.last_event = parser.CurrentByteIndex
    state.stack.pop()
    if state.entry_start is not None:
        state.entry_depth -= 1
        if state.entry_depth == 0:
            _cut_entry(state, parser.CurrentByteIndex)
        return
    if state.capturing:
        value = "".join(state.text).strip() or None
        if state.capturing == "title":
            state.feed_title = value
        elif state.capturing == "language":
            state.language = value
        else:
            state.feed_link = value
        state.capturing = None


def _cut_entry(state: _State, end_tag_index: int) -> None:
    """The entry's bytes run from its start tag to the `>` closing its end tag (or its `/>`)."""
    assert state.entry_start is not None
    begin = state.entry_start - state.buffer_start
    close = state.buffer.index(b">", end_tag_index - state.buffer_start) + 1
    raw = bytes(state.buffer[begin:close]).decode(state.encoding, errors="replace")
    state.ready.append(FeedEntry(raw=raw, context=state.context()))
    state.entry_start = None
    del state.buffer[:close]
    state.buffer_start += close
