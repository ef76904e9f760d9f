"""Splits an X file into one raw record per tweet, whatever the layout:

- JSON lines: one v2 page per line (what the poller and twarc2 save), or one v1.1 tweet per line;
- one JSON document: a v2 page or single lookup, a v1.1 search response, or a single v1.1 tweet;
- a JSON array of tweets, streamed with ijson;
- a Twitter archive's `tweets.js` (`window.YTD.tweets.part0 = [...]`), streamed the same way.

Records are numbered 1, 2, 3... in file order, one number per tweet (a page line yields several).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from groundswell.channels.base import RawRecord
from groundswell.channels.common import dump_json
from groundswell.channels.x import v2
from groundswell.errors import ParseError

ARCHIVE_PREFIX = b"window.YTD."
_BOM = b"\xef\xbb\xbf"
_PREFIX_LIMIT = 512  # `window.YTD.<name>.part<N> = ` is far shorter than this


def read_file(path: Path) -> Iterator[RawRecord]:
    numbers = itertools.count(1)
    for record in _records(path):
        record.position = next(numbers)
        yield record


def _records(path: Path) -> Iterator[RawRecord]:
    source = str(path)
    with path.open("rb") as handle:
        start = _skip_blank(handle)
        first = handle.read(len(ARCHIVE_PREFIX))
        handle.seek(start)
        if first.startswith(ARCHIVE_PREFIX):
            _skip_archive_prefix(handle, path)
            account = read_account(path)
            yield from _array(handle, source, {"account": account} if account else None)
        elif first.startswith(b"["):
            yield from _array(handle, source, None)
        elif _first_line_is_json(handle, start):
            yield from _lines(handle, source)
        else:
            yield from _document(handle.read(), source)


def _skip_blank(handle: IO[bytes]) -> int:
    """Position of the first character that is not whitespace or a byte order mark."""
    head = handle.read(4096)
    body = head[len(_BOM) :] if head.startswith(_BOM) else head
    offset = len(head) - len(body.lstrip())
    handle.seek(offset)
    return offset


def _skip_archive_prefix(handle: IO[bytes], path: Path) -> None:
    start = handle.tell()
    head = handle.read(_PREFIX_LIMIT)
    equals = head.find(b"=")
    if equals < 0:
        raise ParseError(f"{path} starts like a Twitter archive file but has no '= [' after window.YTD...")
    handle.seek(start + equals + 1)


def read_account(path: Path) -> dict[str, Any] | None:
    """The archive owner from `account.js` beside `tweets.js`: archive tweets do not name their author."""
    account_file = path.with_name("account.js")
    if not account_file.is_file():
        return None
    text = account_file.read_bytes()
    try:
        items = orjson.loads(text[text.find(b"=") + 1 :])
    except orjson.JSONDecodeError:
        return None
    if isinstance(items, list) and items and isinstance(items[0], dict):
        account = items[0].get("account")
        return account if isinstance(account, dict) else None
    return None


def _array(handle: IO[bytes], source: str, context: dict[str, Any] | None) -> Iterator[RawRecord]:
    count = 0
    try:
        for item in ijson.items(handle, "item", use_float=True):
            count += 1
            yield RawRecord(source=source, position=0, raw=dump_json(item), context=context, decoded=item)
    except ijson.JSONError as exc:
        # The rest of the file cannot be read; say so in a record rather than stop without a word.
        problem = ParseError(f"invalid JSON after item {count} of the array, the rest is unreadable: {exc}")
        yield RawRecord(source=source, position=0, raw="", context=context, decoded=problem)


def _first_line_is_json(handle: IO[bytes], start: int) -> bool:
    """Whether the file is JSON lines: its first line is a whole JSON document by itself."""
    line = handle.readline()
    handle.seek(start)
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def _lines(handle: IO[bytes], source: str) -> Iterator[RawRecord]:
    for number, line in enumerate(handle, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = ParseError(f"line {number} is not valid UTF-8 ({exc.reason} at byte {exc.start})")
            yield RawRecord(source, 0, stripped.decode("utf-8", errors="replace"), decoded=problem)
            continue
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            yield RawRecord(source, 0, text, decoded=ParseError(f"invalid JSON at line {number}: {exc}"))
            continue
        yield from _expand(value, text, source)


def _document(data: bytes, source: str) -> Iterator[RawRecord]:
    text = data.decode("utf-8", errors="replace").strip()
    if not text:
        return
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        yield RawRecord(source, 0, text, decoded=ParseError(f"invalid JSON document: {exc}"))
        return
    yield from _expand(value, text, source)


def _expand(value: Any, text: str, source: str) -> Iterator[RawRecord]:
    """The tweets of one decoded document or line: a v2 page, a v1.1 search response, or a tweet."""
    if v2.is_page(value):
        yield from v2.page_records(value, source, raw_page=text)
    elif isinstance(value, dict) and isinstance(value.get("statuses"), list):
        for status in value["statuses"]:
            yield RawRecord(source, 0, dump_json(status), decoded=status)
    elif isinstance(value, list):
        for item in value:
            yield RawRecord(source, 0, dump_json(item), decoded=item)
    else:
        yield RawRecord(source, 0, text, decoded=value)
