"""Bodies of the posts API: a batch of records to ingest, and what became of each record."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from groundswell.ingest.http_batch import MAX_RECORDS


class PostBatch(BaseModel):
    records: list[Any] = Field(
        min_length=1,
        max_length=MAX_RECORDS,
        description="Generic post records: id, channel, author, text, created_at, and optional fields such as "
        "title, url, brand, product, rating, location, language, reply_to, conversation_id (others are kept "
        "as attributes). A record that cannot become a post (not an object, a field missing...) is quarantined "
        "with its reason and reported in `results`; the others are stored.",
        examples=[[{"id": "42", "channel": "x", "author": "jane", "text": "My order is late",
                    "created_at": "2026-03-02T09:00:00Z"}]],
    )  # fmt: skip


class RecordResult(BaseModel):
    index: int = Field(description="The record's position in `records`, from 0.")
    status: Literal["created", "duplicate", "rejected"]
    channel: str | None = None
    external_id: str | None = None
    post_id: int | None = None
    error: str | None = Field(default=None, description="Why a rejected record could not become a post.")


class BatchResult(BaseModel):
    ingest_run_id: int
    read: int
    created: int
    duplicates: int
    rejected: int
    results: list[RecordResult]
