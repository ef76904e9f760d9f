"""Entity tags: every JSON answer of an item or a list carries an `ETag` (a hash of the body itself), a GET
with a matching `If-None-Match` gets 304 with no body, and a change with `If-Match` is refused with 412 when
someone changed the item meanwhile."""

from __future__ import annotations

import hashlib

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from groundswell.errors import PreconditionFailed


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _listed(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match / If-Match header names `etag` (weak comparison, as RFC 9110 asks for GET)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def json_response(
    request: Request, model: BaseModel, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = model.model_dump_json().encode()
    etag = etag_of(body)
    all_headers = {"ETag": etag} | (headers or {})
    if request.method in {"GET", "HEAD"} and _listed(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=all_headers)
    return Response(body, status_code=status_code, media_type="application/json", headers=all_headers)


def check_if_match(request: Request, current: BaseModel) -> None:
    """Refuse a change whose If-Match names another version than the current one (no If-Match: no check)."""
    header = request.headers.get("if-match")
    if header is None:
        return
    etag = etag_of(current.model_dump_json().encode())
    if not _listed(header, etag):
        raise PreconditionFailed(
            f"the item changed since you read it (its ETag is now {etag}): read it again and reapply your change"
        )
