"""Generic JSON Lines and CSV files with the fields `id, channel, author, text, created_at` and optional others."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import orjson

from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.common import head_is_json_lines, load_json, read_lines, require_object
from groundswell.channels.generic.fields import post_from_record
from groundswell.errors import ParseError

_CORE_FIELDS = frozenset({"id", "channel", "text", "created_at"})


class JsonLinesConnector:
    name: ClassVar[str] = "jsonl"
    # Not .json: a .json file is usually one document (an API page), which a platform connector claims.
    suffixes: ClassVar[tuple[str, ...]] = (".jsonl", ".ndjson")

    def read(self, path: Path) -> Iterator[RawRecord]:
        return read_lines(path)

    def parse(self, record: RawRecord) -> list[PostIn]:
        return [post_from_record(require_object(load_json(record)))]

    def sniff(self, head: str) -> bool:
        if not head_is_json_lines(head):
            return False
        try:
            first = orjson.loads(head.lstrip().split("\n", 1)[0])
        except orjson.JSONDecodeError:
            return False
        return isinstance(first, dict) and first.keys() >= _CORE_FIELDS


class CsvConnector:
    name: ClassVar[str] = "csv"
    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".tsv")

    def read(self, path: Path) -> Iterator[RawRecord]:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, None)
            if header is None:
                return
            header = [h.strip() for h in header]
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                # The row exactly as a CSV line, and the header alongside so the row can be read alone.
                yield RawRecord(
                    source=str(path),
                    position=reader.line_num,
                    raw=_csv_line(row, delimiter),
                    context={"header": header},
                    decoded=_row_fields(header, row, reader.line_num),
                )

    def parse(self, record: RawRecord) -> list[PostIn]:
        if isinstance(record.decoded, ParseError):
            raise record.decoded
        return [post_from_record(record.decoded)]

    def sniff(self, head: str) -> bool:
        first = head.split("\n", 1)[0]
        if first.lstrip().startswith(("{", "[", "<")):
            return False
        for delimiter in (",", "\t"):
            columns = {c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter))}
            if columns >= _CORE_FIELDS:
                return True
        return False


def _row_fields(header: list[str], row: list[str], line: int) -> dict[str, str] | ParseError:
    """The row as a dict; missing trailing cells are empty (as spreadsheets write them), extra ones an error."""
    if len(row) > len(header):
        return ParseError(f"row at line {line} has {len(row)} cells but the header has {len(header)}: quote commas")
    return dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))


def _csv_line(row: list[str], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(row)
    return buffer.getvalue()
