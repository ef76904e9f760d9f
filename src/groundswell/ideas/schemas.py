"""What the ideas board returns: reports of a collection run and of closing the loop, and views of ideas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class CollectReport(BaseModel):
    posts: int = 0  # suggestion posts taken in this run
    created: list[int] = Field(default_factory=list)  # ideas started
    joined: dict[int, int] = Field(default_factory=dict)  # idea id -> posts that joined it
    embedded: int = 0  # posts whose embedding was computed here (none stored)


class Notified(BaseModel):
    """What happened to one customer when an idea changed status."""

    author_id: int
    customer: str
    channel: str
    outcome: str  # queued, already_told, unreachable, refused
    outbox_message_id: int | None = None
    reason: str | None = None


class LoopReport(BaseModel):
    idea_id: int
    status: str
    template: str
    notified: list[Notified] = Field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for n in self.notified if n.outcome == outcome)


class StatusChange(BaseModel):
    idea_id: int
    before: str
    after: str
    loop: LoopReport | None = None


class IdeaSummary(BaseModel):
    id: int
    title: str
    status: str
    owner: str | None
    product: str | None
    topic: str | None
    customers: int
    votes: int
    posts: int
    reach: int
    trend: dict[str, int]
    key_phrases: list[str]
    merged_into: int | None
    created_at: datetime


class IdeaPostView(BaseModel):
    post_id: int
    channel: str
    external_id: str
    customer: str | None
    text: str
    created_at: datetime
    similarity: float


class IdeaView(IdeaSummary):
    posts_list: list[IdeaPostView]
    voters: list[dict[str, str]]
    comments: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    merged_from: list[int]
