"""Opaque cursors for keyset pagination, and the answer for one page (body `next_cursor` and a Link header).

A cursor is the sort key of the last item of a page, as base64url JSON: clients pass it back unchanged and
must not build one. Tampered or foreign cursors are a 422, never a 500."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from groundswell.errors import InvalidInput
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import Page

_BAD = "the cursor is not one this API gave out: pass next_cursor back unchanged, or leave it out to start over"


def encode(*values: datetime | int) -> str:
    parts = [v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(orjson.dumps(parts)).decode().rstrip("=")


def _parts(cursor: str, count: int) -> list[Any]:
    try:
        parts = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidInput(_BAD) from None
    if not isinstance(parts, list) or len(parts) != count:
        raise InvalidInput(_BAD)
    return parts


def decode_id(cursor: str | None) -> int | None:
    """The id of a cursor made by `encode(id)`."""
    if cursor is None:
        return None
    (value,) = _parts(cursor, 1)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(_BAD)
    return value


def decode_time_id(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) of a cursor made by `encode(time, id)`."""
    if cursor is None:
        return None
    moment, value = _parts(cursor, 2)
    if not isinstance(moment, str) or not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(_BAD)
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        raise InvalidInput(_BAD) from None
    if parsed.tzinfo is None:
        raise InvalidInput(_BAD)
    return parsed, value


def page_response(request: Request, items: Sequence[BaseModel], *, limit: int, next_cursor: str | None) -> Response:
    """The page as JSON with an ETag; `next_cursor` only when the page is full (there may be more)."""
    cursor = next_cursor if len(items) >= limit else None
    headers = {}
    if cursor is not None:
        url = request.url.include_query_params(cursor=cursor)
        headers["Link"] = f'<{url}>; rel="next"'
    return json_response(request, Page[Any](items=list(items), next_cursor=cursor), headers=headers)
