from __future__ import annotations

from datetime import datetime
from typing import Any

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


class PostDetail(PostSummary):
    """One post with everything stored about it but its raw payload: columns, enrichments, and its case."""

    language: str | None = None
    product: str | None = None
    rating: float | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    visibility: str = "public"
    reply_to_external_id: str | None = None
    attributes: dict[str, Any] = {}
    ingested_at: datetime
    case_id: int | None = None
    enrichments: dict[str, Any] = {}
