"""Bodies of the /me API: who you are, and your API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from groundswell.web.api.schemas.common import Name, UtcTime


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    employee: str | None = Field(description="The employee handle your actions carry, when linked.")
    permissions: list[str] = Field(description="What this request's credentials allow (role and token scope).")
    token_scopes: list[str] | None = Field(description="The scopes of the token used, or null for a browser.")
    last_login_at: datetime | None
    created_at: datetime


class TokenView(BaseModel):
    """An API token as listed: never its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewToken(TokenView):
    token: str = Field(description="The secret: shown this once, store it now.")


class TokenIn(BaseModel):
    name: Name = Field(max_length=128, description="What will use the token.")
    scopes: list[Literal["read", "write"]] = Field(default=["read"], min_length=1, max_length=2)
    expires_at: UtcTime | None = None
