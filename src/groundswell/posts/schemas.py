from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class PostSummary(BaseModel):
    id: int
    channel: str
    external_id: str
    author: str | None
    created_at: datetime
    text: str
    title: str | None = None
    url: str | None = None
    brand: str | None = None
    conversation_id: int
    score: float | None = None
