"""Stored posts with their enrichments for the department tests, written straight to the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.models import Author, Conversation, Enrichment, Post

WEEK = datetime(2026, 3, 2, tzinfo=UTC)  # Monday of ISO week 2026-W10
PREVIOUS_WEEK = datetime(2026, 2, 23, tzinfo=UTC)

DOCUMENT: dict[str, Any] = {
    "departments": [
        {"name": "product design", "recipients": ["design@voltline.example"], "split_by": "product",
         "subscriptions": {"intents": ["suggestion"]}},
        {"name": "pricing", "recipients": ["pricing@voltline.example", "cfo@voltline.example"],
         "subscriptions": {"topics": ["Billing & Payments"]}},
        {"name": "marketing", "recipients": ["marketing@voltline.example"],
         "subscriptions": {"sentiment_changes": [{"product": "PulsePad", "min_posts": 20, "min_change": 0.1,
                                                  "alpha": 0.01}]}},
    ]
}  # fmt: skip


class World:
    """Adds customers (one author per handle, reused) and their posts."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.authors: dict[str, Author] = {}
        self.count = session.scalar(select(func.count()).select_from(Post)) or 0
        self.authors = {a.handle: a for a in session.scalars(select(Author))}

    def author(self, handle: str, followers: int) -> Author:
        if handle not in self.authors:
            author = Author(channel="mastodon", external_id=handle, handle=handle, followers=followers,
                            first_seen_at=WEEK, updated_at=WEEK)  # fmt: skip
            self.session.add(author)
            self.session.flush()
            self.authors[handle] = author
        return self.authors[handle]

    def post(
        self, handle: str, at: datetime, text: str, *, followers: int = 100, product: str | None = "PulsePad",
        sentiment: str = "neutral", intents: list[str] | None = None, topics: dict[str, float] | None = None,
        url: str | None = None,
    ) -> Post:  # fmt: skip
        self.count += 1
        n = self.count
        author = self.author(handle, followers)
        conversation = Conversation(channel="mastodon", root_external_id=f"p{n}", started_at=at, last_post_at=at,
                                    post_count=1)  # fmt: skip
        self.session.add(conversation)
        self.session.flush()
        post = Post(channel="mastodon", external_id=f"p{n}", conversation_id=conversation.id, author_id=author.id,
                    text=text, language="en", created_at=at, brand="Voltline", product=product, url=url,
                    visibility="public", attributes={}, raw="{}", source_format="test", ingested_at=at)  # fmt: skip
        self.session.add(post)
        self.session.flush()
        values: dict[str, Any] = {
            "sentiment": {"label": sentiment, "scores": {sentiment: 0.9}},
            "intent": intents or ["other"],
            "topics": [{"name": name, "score": score} for name, score in (topics or {}).items()],
        }
        for name, value in values.items():
            self.session.add(Enrichment(post_id=post.id, enricher=name, version="t", value=value, enriched_at=at))
        self.session.flush()
        return post
