"""Read-only views of the ideas board: the list (sorted by customers, reach or trend) and one idea in full."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.ideas import repository
from groundswell.ideas.rules import parse_status, trend
from groundswell.ideas.schemas import IdeaPostView, IdeaSummary, IdeaView
from groundswell.ideas.service import get_idea
from groundswell.models import Author, Post
from groundswell.models.idea import Idea, IdeaPost

SORTS = ("customers", "reach", "trend", "votes", "newest")


def summary(session: Session, idea: Idea, *, now: datetime) -> IdeaSummary:
    rows = repository.posts_of(session, [idea.id])
    authors = {author.id: author for _, _, author in rows if author is not None}
    recent, previous = trend((post.created_at for _, post, _ in rows), now)
    owner = repository.department_names(session, [idea.owner_department_id]) if idea.owner_department_id else {}
    return IdeaSummary(
        id=idea.id, title=idea.title, status=idea.status, owner=owner.get(idea.owner_department_id or 0),
        product=idea.product, topic=idea.topic, customers=len(authors),
        votes=len(repository.votes_of(session, idea.id)), posts=len(rows),
        reach=sum(a.followers or 0 for a in authors.values()),
        trend={"last_7_days": recent, "previous_7_days": previous, "change": recent - previous},
        key_phrases=list(idea.key_phrases or []), merged_into=idea.merged_into_id, created_at=idea.created_at,
    )  # fmt: skip


def list_ideas(
    session: Session, *, now: datetime, status: str | None = None, sort: str = "customers", include_merged: bool = False
) -> list[IdeaSummary]:
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    wanted = parse_status(status) if status else None
    items = [summary(session, idea, now=now) for idea in repository.ideas(session, status=wanted,
                                                                           include_merged=include_merged)]  # fmt: skip
    keys: dict[str, Any] = {
        "customers": lambda s: (-s.customers, -s.votes, s.id),
        "reach": lambda s: (-s.reach, -s.customers, s.id),
        "trend": lambda s: (-s.trend["change"], -s.trend["last_7_days"], s.id),
        "votes": lambda s: (-s.votes, -s.customers, s.id),
        "newest": lambda s: (-s.created_at.timestamp(), -s.id),
    }
    return sorted(items, key=keys[sort])


def show_idea(session: Session, *, idea_id: int, now: datetime) -> IdeaView:
    idea = get_idea(session, idea_id)
    group = repository.merged_group(session, idea.id)
    base = summary(session, idea, now=now)
    posts = [_post_view(link, post, author) for link, post, author in repository.posts_of(session, [idea.id])]
    voters = [{"kind": v.voter_kind, "voter": v.voter} for v in repository.votes_of(session, idea.id)]
    comments = [{"author": c.author, "text": c.text, "at": c.created_at.isoformat()}
                for c in repository.comments_of(session, idea.id)]  # fmt: skip
    notifications = [
        {"idea_id": n.idea_id, "author_id": n.author_id, "status": n.status, "outbox_message_id": n.outbox_message_id,
         "outcome": n.details.get("outcome"), "reason": n.details.get("reason"), "channel": n.details.get("channel"),
         "at": n.created_at.isoformat()}
        for n in repository.notifications_of(session, group)
    ]  # fmt: skip
    return IdeaView(**base.model_dump(), posts_list=posts, voters=voters, comments=comments,
                    notifications=notifications, merged_from=[i for i in group if i != idea.id])  # fmt: skip


def _post_view(link: IdeaPost, post: Post, author: Author | None) -> IdeaPostView:
    return IdeaPostView(
        post_id=post.id, channel=post.channel, external_id=post.external_id, text=post.text,
        customer=author.handle if author else None, created_at=post.created_at, similarity=link.similarity,
    )  # fmt: skip
