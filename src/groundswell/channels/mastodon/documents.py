"""Reading API responses saved to a file: a top-level JSON array (streamed), JSON lines, or one JSON document.

Mastodon and Bluesky exports come in all three shapes, and a line or document may hold a whole API page
(a search response, a thread) rather than a single post. This module only splits the file into decoded
documents; each connector expands its own page shapes into posts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import ijson
import orjson

from groundswell.channels.base import RawRecord
from groundswell.channels.common import dump_json
from groundswell.errors import ParseError

_PEEK_BYTES = 65_536
_BOM = b"\xef\xbb\xbf"

# One post-shaped item found in a document, with shared context from the enclosing page (or None).
Item = tuple[Any, Mapping[str, Any] | None]
Expander = Callable[[Any], list[Item]]


class DocumentKind(Enum):
    ARRAY_ITEM = "array item"  # one element of a top-level JSON array; position is the item number
    LINE = "line"  # one JSON lines record; position is the line number
    WHOLE = "document"  # the whole file is one JSON document (a saved API response)


@dataclass(slots=True)
class JsonDocument:
    kind: DocumentKind
    position: int
    raw: str  # the document's own text (the line or file as received; compact JSON for an array item)
    value: Any  # the decoded JSON, or a ParseError saying why it could not be decoded


def read_records(path: Path, expand: Expander) -> Iterator[RawRecord]:
    """Raw records for every post-shaped item in the file, pages expanded by the connector's `expand`.

    An item that is a whole line or array element keeps its text as received; an item taken out of a
    larger page keeps its compact JSON. Positions are line numbers for JSON lines (the items of a page
    on one line share it) and running item numbers otherwise.
    """
    source = str(path)
    counter = 0
    for document in read_json_documents(path):
        items = [(document.value, None)] if isinstance(document.value, ParseError) else expand(document.value)
        for item, context in items:
            counter += 1
            position = document.position if document.kind is DocumentKind.LINE else counter
            raw = document.raw if item is document.value else dump_json(item)
            yield RawRecord(source=source, position=position, raw=raw, context=context, decoded=item)


def read_json_documents(path: Path) -> Iterator[JsonDocument]:
    with path.open("rb") as handle:
        peek = handle.read(_PEEK_BYTES)
    text = peek.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        yield from _array_items(path)
    elif _first_line_is_json(text):
        yield from _lines(path)
    else:
        yield _whole_document(path)


def _first_line_is_json(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return True


def _array_items(path: Path) -> Iterator[JsonDocument]:
    """Stream the items of a top-level array (or of several concatenated arrays, one page per line)."""
    number = 0
    with path.open("rb") as handle:
        try:
            for item in ijson.items(handle, "item", multiple_values=True, use_float=True):
                number += 1
                yield JsonDocument(DocumentKind.ARRAY_ITEM, number, dump_json(item), item)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            # A truncated or corrupt array: report it as one failing record rather than losing it.
            problem = ParseError(
                f"invalid JSON after item {number} of the array in {path.name}: {exc}; "
                "the file is truncated or corrupt, re-export it"
            )
            yield JsonDocument(DocumentKind.ARRAY_ITEM, number + 1, f"<invalid JSON after item {number}>", problem)


def _lines(path: Path) -> Iterator[JsonDocument]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.strip().removeprefix(_BOM)
            if not stripped:
                continue
            text = stripped.decode("utf-8", errors="replace")
            value: Any
            try:
                value = orjson.loads(stripped)
            except orjson.JSONDecodeError as exc:
                value = ParseError(f"invalid JSON at line {number}: {exc}")
            yield JsonDocument(DocumentKind.LINE, number, text, value)


def _whole_document(path: Path) -> JsonDocument:
    data = path.read_bytes().removeprefix(_BOM)
    text = data.decode("utf-8", errors="replace").strip()
    value: Any
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        value = ParseError(f"invalid JSON in {path.name}: {exc}; expected an API response, an array or JSON lines")
    return JsonDocument(DocumentKind.WHOLE, 1, text, value)


def as_object(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: for optional nested objects."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """`value` when it is a JSON array, else an empty one: for optional arrays."""
    return value if isinstance(value, list) else []
