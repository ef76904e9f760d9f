"""Helpers that several connectors share: channel names, times, numbers, coordinates, HTML and JSON."""

from __future__ import annotations

import email.utils
import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from groundswell.channels.base import RawRecord
from groundswell.errors import ParseError

# Canonical channel names. A record naming a channel outside this list (and outside the
# GROUNDSWELL_EXTRA_CHANNELS setting) is quarantined rather than guessed at.
KNOWN_CHANNELS = frozenset(
    {
        "x",
        "mastodon",
        "bluesky",
        "reddit",
        "rss",
        "reviews",
        "email",
        "facebook",
        "instagram",
        "threads",
        "youtube",
        "tiktok",
        "linkedin",
        "forum",
        "web",
        "chat",
        "sms",
        "whatsapp",
    }
)
CHANNEL_ALIASES = {
    "twitter": "x",
    "tweet": "x",
    "x.com": "x",
    "fediverse": "mastodon",
    "bsky": "bluesky",
    "blog": "rss",
    "atom": "rss",
    "feed": "rss",
    "review": "reviews",
    "mail": "email",
    "e-mail": "email",
    "fb": "facebook",
    "ig": "instagram",
    "yt": "youtube",
}

_extra_channels: frozenset[str] = frozenset()


def set_extra_channels(names: str) -> None:
    """Accept in-house channel names (from settings) besides the built-in ones."""
    global _extra_channels
    _extra_channels = frozenset(n.strip().lower() for n in names.split(",") if n.strip())


def canonical_channel(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ParseError("missing channel: every record needs a 'channel' such as x, mastodon or reddit")
    key = name.strip().lower()
    key = CHANNEL_ALIASES.get(key, key)
    if key in KNOWN_CHANNELS or key in _extra_channels:
        return key
    raise ParseError(
        f"unknown channel {name!r}: use one of {', '.join(sorted(KNOWN_CHANNELS))}, "
        "or add it to GROUNDSWELL_EXTRA_CHANNELS"
    )


_default_tz: Any = UTC


def set_default_timezone(name: str) -> None:
    global _default_tz
    _default_tz = UTC if name.upper() == "UTC" else ZoneInfo(name)


_TWITTER_V1_FORMAT = "%a %b %d %H:%M:%S %z %Y"


def parse_time(value: object, *, field: str = "created_at") -> datetime:
    """Read a timestamp in any format the channels use and return it as aware UTC.

    Accepts ISO 8601 (with or without offset, 'Z'), RFC 2822 (e-mail, RSS), the X v1.1 format
    ('Wed Oct 10 20:19:24 +0000 2018'), and Unix epoch seconds or milliseconds.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_epoch(float(value))
    elif isinstance(value, str) and value.strip():
        moment = _parse_time_text(value.strip(), field)
    else:
        raise ParseError(f"missing {field}: every post needs a time, e.g. 2015-02-24T11:35:00-08:00")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_default_tz)
    return moment.astimezone(UTC)


def _parse_time_text(text: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_epoch(float(text))
    try:
        return datetime.strptime(text, _TWITTER_V1_FORMAT)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    raise ParseError(f"unparseable {field} {text!r}: use ISO 8601 such as 2015-02-24T11:35:00-08:00")


def _from_epoch(seconds: float) -> datetime:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)


def to_int(value: object) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(float(value)) if isinstance(value, str) else int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def to_float(value: object) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def to_bool(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "t"}:
        return True
    if text in {"0", "false", "no", "n", "f"}:
        return False
    return None


def parse_coordinates(value: object) -> tuple[float | None, float | None]:
    """Latitude and longitude from '[lat, lon]' text, a [lat, lon] list, {'lat','lon'} or GeoJSON.

    (0, 0) is how several exports write "unknown", so it is read as unknown.
    """
    lat: float | None
    lon: float | None
    if value is None or value == "":
        return None, None
    if isinstance(value, str):
        text = value
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            parts = text.strip("[]() ").split(",")
            value = parts if len(parts) == 2 else None
    if isinstance(value, dict):
        if value.get("type") == "Point" and isinstance(value.get("coordinates"), list):
            lon, lat = (to_float(v) for v in value["coordinates"][:2])  # GeoJSON is lon, lat
        else:
            lat = to_float(value.get("lat", value.get("latitude")))
            lon = to_float(value.get("lon", value.get("lng", value.get("longitude"))))
    elif isinstance(value, list | tuple) and len(value) == 2:
        lat, lon = to_float(value[0]), to_float(value[1])
    else:
        return None, None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None, None
    return lat, lon


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in ("p", "div", "blockquote"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Readable text from HTML: tags dropped, entities decoded, paragraphs kept as line breaks."""
    if "<" not in markup:
        return html.unescape(markup).strip()
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "".join(extractor.parts)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def require_text(value: object, *, field: str = "text") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParseError(f"missing {field}: a post needs non-empty text")
    return value


def require_id(value: object, *, field: str = "id") -> str:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ParseError(f"missing {field}: every record needs an id unique within its channel")
    if not isinstance(value, str | int):
        raise ParseError(f"invalid {field} {value!r}: use a string or an integer")
    return str(value).strip()


def load_json(record: RawRecord) -> Any:
    """The record decoded as JSON, or a ParseError naming the problem and the position."""
    if record.decoded is not None:
        if isinstance(record.decoded, ParseError):
            raise record.decoded
        return record.decoded
    try:
        return orjson.loads(record.raw)
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON at line {record.position}: {exc}") from None


def require_object(data: Any, what: str = "record") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ParseError(f"expected a JSON object for each {what}, got {type(data).__name__}")
    return data


def read_lines(path: Path, source: str | None = None) -> Iterator[RawRecord]:
    """One raw record per non-blank line, streamed. Lines that are not UTF-8 become records
    that fail to parse, so they are quarantined rather than dropped."""
    src = source or str(path)
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.strip()
            if not stripped:
                continue
            try:
                yield RawRecord(source=src, position=number, raw=stripped.decode("utf-8"))
            except UnicodeDecodeError as exc:
                text = stripped.decode("utf-8", errors="replace")
                problem = ParseError(f"line {number} is not valid UTF-8 ({exc.reason} at byte {exc.start})")
                yield RawRecord(source=src, position=number, raw=text, decoded=problem)


def dump_json(value: Any) -> str:
    """Compact JSON text, used to keep one item of a larger document as its raw payload."""
    return orjson.dumps(value).decode("utf-8")


def head_is_json_lines(head: str) -> bool:
    first = head.lstrip().split("\n", 1)[0].strip()
    return first.startswith("{") and first.endswith("}")
