"""Shapes every API module shares: a page of a list, a problem (RFC 9457), and text and time parameters that
the database can always take (no NUL characters; times in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from annotated_types import Ge, Le
from pydantic import AfterValidator, BaseModel, Field, StringConstraints


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


def _utc(value: datetime) -> datetime:
    """Aware UTC; a time without an offset is read as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None


T = TypeVar("T")

# Names, handles and short labels (every such column holds at most 255 characters).
Name = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(_no_nul)]
# Free text: notes, replies, reasons, search queries.
Text = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)]
UtcTime = Annotated[datetime, AfterValidator(_utc)]
# A row id: bounded like the database's integer column, so a huge number is a 422, never an overflow.
Id = Annotated[int, Ge(1), Le(2**31 - 1)]
Limit = Annotated[int, Field(ge=1, le=200, description="Items per page (1 to 200).")]


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (media type application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None


class Page(BaseModel, Generic[T]):
    """One page of a list. Pass `next_cursor` back as `cursor` for the next page (also in the Link header,
    rel="next"); it is null on the last page."""

    items: list[T]
    next_cursor: str | None = None


def _problem(description: str) -> dict[str, Any]:
    # `model` registers the Problem schema; `content` says the media type it comes in.
    return {
        "model": Problem,
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


# The errors every authenticated API operation may answer with, documented once.
PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: _problem("The body is not valid JSON."),
    401: _problem("Not signed in: send 'Authorization: Bearer <token>'."),
    403: _problem("The role, or the token's scope, does not allow this."),
    404: _problem("No such item."),
    409: _problem("The item is in a state that does not allow this."),
    412: _problem("If-Match did not match the current ETag: read the item again."),
    422: _problem("The request is invalid: see detail and errors."),
}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (If-None-Match matched)."}}
