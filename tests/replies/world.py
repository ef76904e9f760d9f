"""A small stored world for reply tests, written straight to the tables: employees, a customer, a case with
posts and their enrichments. (Building it through intake would make every reply test depend on routing.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from groundswell.models import Author, Case, CasePost, Conversation, Employee, Enrichment, Post

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# handle -> (role, trainee, active)
STAFF = {
    "ana": ("agent", False, True),
    "tom": ("agent", True, True),  # a trainee
    "sue": ("manager", False, True),
    "tia": ("manager", True, True),  # a trainee manager: cannot approve
    "max": ("admin", False, True),
    "bob": ("agent", False, True),
    "old": ("manager", False, False),  # left the company
}


@dataclass
class World:
    case_id: int
    customer_id: int
    post_ids: list[int]


def no_offence(_text: str) -> float:
    return 0.01


def add_staff(session: Session) -> None:
    for handle, (role, trainee, active) in STAFF.items():
        session.add(
            Employee(
                handle=handle, display_name=handle.title(), role=role, trainee=trainee, active=active,
                skills={}, max_open_cases=10, created_at=T0, updated_at=T0,
            )
        )  # fmt: skip
    session.flush()


def add_case(
    session: Session,
    *,
    channel: str = "mastodon",
    handle: str = "jane@mastodon.example",
    followers: int | None = 120,
    texts: tuple[str, ...] = ("My order never arrived and I was charged twice!",),
    sentiment: str | None = "negative",
    emotion: str | None = "anger",
    urgency: float | None = 0.4,
    tags: list[str] | None = None,
    routing: dict[str, Any] | None = None,
    requires_approval: bool = False,
    approver_role: str | None = None,
    status: str = "open",
    attributes: dict[str, Any] | None = None,
) -> World:
    author = Author(
        channel=channel, external_id=f"acct-{handle}", handle=handle, display_name="Jane Doe", followers=followers,
        first_seen_at=T0, updated_at=T0,
    )  # fmt: skip
    session.add(author)
    session.flush()
    root = f"{channel}-{author.id}-1"
    conversation = Conversation(
        channel=channel, root_external_id=root, started_at=T0, last_post_at=T0, post_count=len(texts)
    )
    session.add(conversation)
    session.flush()
    case = Case(
        kind="general", status=status, priority="p3", channel=channel, subject=texts[0][:200], customer_id=author.id,
        tags=tags or [], routing=routing or {}, requires_approval=requires_approval, approver_role=approver_role,
        opened_at=T0, updated_at=T0,
    )  # fmt: skip
    session.add(case)
    session.flush()
    post_ids = []
    for n, text in enumerate(texts, 1):
        at = T0 + timedelta(minutes=n)
        post = Post(
            channel=channel, external_id=f"{channel}-{author.id}-{n}", conversation_id=conversation.id,
            author_id=author.id, text=text, language="en", created_at=at, visibility="public",
            attributes=attributes or {}, raw="{}", source_format="test", ingested_at=at,
        )  # fmt: skip
        session.add(post)
        session.flush()
        post_ids.append(post.id)
        session.add(CasePost(case_id=case.id, post_id=post.id, added_at=at))
        stored = {
            "sentiment": {"label": sentiment, "scores": {sentiment: 0.9}} if sentiment else None,
            "emotion": {"label": emotion, "scores": {emotion: 0.8}} if emotion else None,
            "urgency": {"score": urgency, "level": "high", "signals": []} if urgency is not None else None,
        }
        for name, value in stored.items():
            if value is not None:
                session.add(Enrichment(post_id=post.id, enricher=name, version="t", value=value, enriched_at=at))
    session.flush()
    return World(case_id=case.id, customer_id=author.id, post_ids=post_ids)
