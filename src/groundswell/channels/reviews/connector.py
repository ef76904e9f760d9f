"""Product reviews from CSV, TSV, JSON lines or a JSON array, as review datasets and shops export them.

The layout (Amazon Customer Reviews TSV, Amazon Reviews 2023 JSON lines, or a plain export) is told
from the field names of each record; see `fields.py` for the mapping.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import ijson
import orjson

from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.common import dump_json, load_json, read_lines
from groundswell.channels.reviews.fields import (
    AMAZON_2023_FIELDS,
    AMAZON_TSV_COLUMNS,
    BODY_FIELDS,
    RATING_FIELDS,
    post_from_review,
)
from groundswell.errors import ParseError


class ReviewsConnector:
    name: ClassVar[str] = "reviews"
    # None claimed: .csv/.json belong to the generic connectors unless the content says "review".
    suffixes: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path) -> Iterator[RawRecord]:
        first = _first_character(path)
        if first == "[":
            return _read_json_array(path)
        if first == "{":
            return read_lines(path)
        return _read_delimited(path)

    def parse(self, record: RawRecord) -> list[PostIn]:
        decoded = record.decoded
        if decoded is None and record.context and "header" in record.context:
            # A row handed over without its decoded cells (re-parsed from storage): split it again.
            decoded = _row_fields(record.context["header"], record.raw, record.context, record.position)
        if isinstance(decoded, ParseError):
            raise decoded
        data = decoded if decoded is not None else load_json(record)
        if not isinstance(data, dict):
            raise ParseError(f"expected a JSON object for each review, got {type(data).__name__}")
        return [post_from_review(data)]

    def sniff(self, head: str) -> bool:
        text = head.lstrip("\ufeff").lstrip()
        if text.startswith("["):
            return _is_review_fields(_first_array_item_keys(text))
        if text.startswith("{"):
            try:
                first = orjson.loads(text.split("\n", 1)[0])
            except orjson.JSONDecodeError:
                return False
            return isinstance(first, dict) and _is_review_fields(first)
        header_line = text.split("\n", 1)[0].rstrip("\r")
        delimiter = "\t" if "\t" in header_line else ","
        return _is_review_fields(next(csv.reader([header_line], delimiter=delimiter), []))


def _is_review_fields(names: Any) -> bool:
    """Review-specific field sets only: files with a `channel` column are the generic connector's."""
    fields = {str(name).strip().lower() for name in names}
    if "channel" in fields:
        return False
    if fields >= AMAZON_TSV_COLUMNS or fields >= AMAZON_2023_FIELDS:
        return True
    has_rating = any(name in fields for name in RATING_FIELDS)
    has_body = any(name in fields for name in BODY_FIELDS)
    has_id = "id" in fields or "review_id" in fields
    return has_rating and has_body and has_id


def _first_array_item_keys(text: str) -> list[str]:
    """The keys of the first object in a JSON array, read from a head that may be cut off anywhere."""
    keys: list[str] = []
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(text.encode("utf-8"))):
            if prefix == "item" and event == "map_key":
                keys.append(value)
            elif prefix == "item" and event == "end_map":
                break
    except ijson.JSONError:
        pass  # the head ends mid-document; the keys seen so far are enough to decide
    return keys


def _first_character(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")[:1]


def _read_json_array(path: Path) -> Iterator[RawRecord]:
    """Items of a top-level JSON array, streamed so that a large export never sits in memory."""
    position = 0
    with path.open("rb") as handle:
        try:
            for position, item in enumerate(_array_items(handle), start=1):
                yield RawRecord(source=str(path), position=position, raw=dump_json(item), decoded=item)
        except ijson.JSONError as exc:
            # Whatever follows the break cannot be split into items; it is quarantined as one record.
            problem = ParseError(f"invalid JSON after item {position}: {exc}; the rest of the file is unread")
            yield RawRecord(source=str(path), position=position + 1, raw=str(exc), decoded=problem)


def _array_items(handle: BinaryIO) -> Iterator[Any]:
    return ijson.items(handle, "item", use_float=True)  # type: ignore[no-any-return]


def _read_delimited(path: Path) -> Iterator[RawRecord]:
    with path.open("rb") as handle:
        lines = _decoded_lines(handle)
        header_line = next(lines, None)
        if header_line is None:
            return
        header_text = header_line[1].lstrip("\ufeff").rstrip("\r\n")
        delimiter = "\t" if "\t" in header_text else ","
        header = [name.strip() for name in _split(header_text, delimiter)]
        context = {"header": header, "delimiter": delimiter}
        rows = _tsv_rows(lines) if delimiter == "\t" else _csv_rows(lines)
        for position, raw, problem in rows:
            if not raw.strip():
                continue
            decoded: Any = problem or _row_fields(header, raw, context, position)
            yield RawRecord(source=str(path), position=position, raw=raw, context=context, decoded=decoded)


def _decoded_lines(handle: BinaryIO) -> Iterator[tuple[int, str, ParseError | None]]:
    """Each line with its number; a line that is not UTF-8 carries the error, so its row is quarantined."""
    for number, line in enumerate(handle, start=1):
        try:
            yield number, line.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            problem = ParseError(f"line {number} is not valid UTF-8 ({exc.reason} at byte {exc.start})")
            yield number, line.decode("utf-8", errors="replace"), problem


def _tsv_rows(lines: Iterator[tuple[int, str, ParseError | None]]) -> Iterator[tuple[int, str, Any]]:
    # TSV has no quoting: the Amazon dataset has bare quotes inside titles, so a row is one line.
    for number, line, problem in lines:
        yield number, line.rstrip("\r\n"), problem


def _csv_rows(lines: Iterator[tuple[int, str, ParseError | None]]) -> Iterator[tuple[int, str, Any]]:
    """Rows of a CSV file, each with its exact source text, even when a quoted cell spans lines."""
    pending: list[str] = []
    start = 0
    problem: ParseError | None = None
    for number, line, line_problem in lines:
        if not pending:
            start, problem = number, None
        pending.append(line)
        problem = problem or line_problem
        text = "".join(pending)
        if _quotes_balanced(text):
            pending = []
            yield start, text.rstrip("\r\n"), problem
    if pending:
        yield (
            start,
            "".join(pending).rstrip("\r\n"),
            ParseError(f"row starting at line {start} has an unclosed quote: the file ends inside a quoted cell"),
        )


def _quotes_balanced(text: str) -> bool:
    # An escaped quote is written twice, so an even count means every quoted cell is closed.
    return text.count('"') % 2 == 0


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return line.split("\t")
    return next(csv.reader([line], delimiter=delimiter, strict=False), [])


def _row_fields(header: list[str], raw: str, context: Any, position: int) -> dict[str, str] | ParseError:
    delimiter = str(context.get("delimiter", ",")) if hasattr(context, "get") else ","
    if delimiter == "\t":
        cells = raw.split("\t")
    else:
        cells = next(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter), [])
    if len(cells) != len(header):
        return ParseError(
            f"row at line {position} has {len(cells)} cells but the header has {len(header)}: "
            "check for a stray delimiter or an unquoted line break"
        )
    return dict(zip(header, cells, strict=True))
