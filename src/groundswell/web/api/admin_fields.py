"""Parameter and field types of the administration API (teams, users, rules, templates, webhooks) that every
database takes: ids within a 32-bit INTEGER, and text without NUL characters (PostgreSQL refuses them), so
that out-of-range or malformed input is a 422 rather than a database error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field, StringConstraints

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="the row's id")]
Number = Annotated[int, Field(ge=1, le=MAX_ID)]
PathName = Annotated[str, Path(min_length=1, max_length=128, pattern=NO_NUL)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=NO_NUL)]
Short = Annotated[str, StringConstraints(max_length=320, pattern=NO_NUL)]
Free = Annotated[str, StringConstraints(max_length=20_000, pattern=NO_NUL)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2048, pattern=NO_NUL)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=NO_NUL)]
Document = Annotated[str, StringConstraints(min_length=1, max_length=1_000_000, pattern=NO_NUL)]
Search = Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="words to look for (any case)")]
