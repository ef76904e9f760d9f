"""A small, fully known store for dashboard tests: posts on two channels and two brands with sentiment,
emotion, intent and topic enrichments, and cases with teams, assignees, response times and SLA clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from groundswell.analytics import rollup
from groundswell.models import Case, Conversation, Employee, Enrichment, Post, SlaClockRecord, Team

END = datetime(2025, 3, 14, 21, 0, tzinfo=UTC)  # the newest post is at END - 1 hour


def _post(session: Session, n: int, *, channel: str, brand: str, at: datetime) -> Post:
    conversation = Conversation(channel=channel, root_external_id=f"root-{n}", started_at=at, last_post_at=at,
                                post_count=1)  # fmt: skip
    session.add(conversation)
    session.flush()
    post = Post(channel=channel, external_id=f"p-{n}", conversation_id=conversation.id, text=f"post {n}",
                created_at=at, brand=brand, raw="{}", source_format="test", ingested_at=at, attributes={})  # fmt: skip
    session.add(post)
    session.flush()
    return post


def _enrich(session: Session, post: Post, enricher: str, value: Any) -> None:
    row = Enrichment(post_id=post.id, enricher=enricher, version="test", value=value, enriched_at=post.created_at)
    session.add(row)


def load(session: Session) -> dict[str, Any]:
    """Six posts in the last 3 days before END (and one 20 days earlier), three cases. Returns what was made."""
    plan = [  # (hours before END, channel, brand, sentiment, emotion, intents, topics)
        (1, "x", "voltline", "negative", "anger", ["complaint"], ["battery", "delivery"]),
        (2, "x", "voltline", "negative", "anger", ["complaint", "question"], ["battery"]),
        (5, "mastodon", "voltline", "positive", "joy", ["praise"], ["battery"]),
        (26, "x", "rival", "neutral", "neutral", ["question"], []),
        (30, "mastodon", "voltline", "positive", "joy", ["suggestion"], ["app"]),
        (50, "x", "rival", "negative", "sadness", ["complaint"], ["delivery"]),
        (20 * 24, "x", "voltline", "negative", "anger", ["complaint"], ["battery"]),  # outside 7 days
    ]
    posts = []
    for n, (hours, channel, brand, sentiment, emotion, intents, topics) in enumerate(plan):
        post = _post(session, n, channel=channel, brand=brand, at=END - timedelta(hours=hours))
        _enrich(session, post, "sentiment", {"label": sentiment, "scores": {sentiment: 0.9}})
        _enrich(session, post, "emotion", {"label": emotion, "scores": {emotion: 0.8}})
        _enrich(session, post, "intent", intents)
        _enrich(session, post, "topics", [{"name": t, "score": 0.7} for t in topics])
        posts.append(post)
    session.flush()
    rollup.rebuild(session)  # rows added through the ORM bypass the store steps that keep the rollup
    team = Team(name="care", description="", strategy="least_loaded", created_at=END, updated_at=END)
    session.add(team)
    session.flush()
    alice = Employee(handle="alice", display_name="Alice", team_id=team.id, skills={}, created_at=END, updated_at=END)
    session.add(alice)
    session.flush()
    opened = [END - timedelta(hours=10), END - timedelta(hours=9), END - timedelta(hours=40)]
    cases = [
        # answered after 2 h, resolved after 6 h; assigned to alice
        Case(channel="x", status="resolved", team_id=team.id, assignee_id=alice.id, opened_at=opened[0],
             first_response_at=opened[0] + timedelta(hours=2), resolved_at=opened[0] + timedelta(hours=6)),
        # answered after 4 h, still open; assigned to alice
        Case(channel="x", status="open", team_id=team.id, assignee_id=alice.id, opened_at=opened[1],
             first_response_at=opened[1] + timedelta(hours=4)),
        # no team, never answered
        Case(channel="mastodon", status="new", opened_at=opened[2]),
    ]  # fmt: skip
    for item in cases:
        item.updated_at = item.opened_at
        item.tags = []
        item.routing = {}
        session.add(item)
    session.flush()
    for item, state in zip(cases, ("met", "breached", "running"), strict=True):
        session.add(SlaClockRecord(case_id=item.id, clock="first_response", policy="standard",
                                   started_at=item.opened_at, due_at=item.opened_at + timedelta(hours=3),
                                   target_seconds=10800.0, calendar={}, pauses=[], state=state))  # fmt: skip
    session.flush()
    return {"posts": posts, "cases": cases, "team": team, "employee": alice}


def load_ideas(session: Session, posts: list[Post]) -> dict[str, Any]:
    """Two ideas over the loaded posts (one planned, with a comment) and a department with two insights."""
    from groundswell.models import Department, Idea, IdeaComment, IdeaPost, Insight

    ideas = [
        Idea(title="Longer battery for the PulsePad", key_phrases=["battery life"], product="PulsePad",
             status="planned", centroid=[], created_at=END, updated_at=END),
        Idea(title="Dark mode in the app", key_phrases=["dark mode"], status="new", centroid=[],
             created_at=END, updated_at=END),
    ]  # fmt: skip
    session.add_all(ideas)
    session.flush()
    for idea, members in ((ideas[0], posts[:3]), (ideas[1], posts[4:5])):
        for post in members:
            session.add(IdeaPost(idea_id=idea.id, post_id=post.id, similarity=0.9, added_at=END))
    session.add(IdeaComment(idea_id=ideas[0].id, author="alice", text="Hardware team is on it", created_at=END))
    design = Department(name="product design", description="", subscriptions={}, digest_recipients=[],
                        created_at=END, updated_at=END)  # fmt: skip
    session.add_all([design, Department(name="pricing", description="", subscriptions={}, digest_recipients=[],
                                        created_at=END, updated_at=END)])  # fmt: skip
    session.flush()
    week = [END - timedelta(days=7), END]
    older = [END - timedelta(days=14), END - timedelta(days=7)]
    for title, (start, end), url in (
        ("Battery complaints doubled", week, "https://x.example/p-0"),
        ("Delivery delays", older, "javascript:alert(1)"),
    ):
        session.add(Insight(department_id=design.id, kind="topic", fingerprint=title, title=title,
                            summary=f"{title}: 3 customers", trend={}, post_ids=[posts[0].id], customers=3, reach=40,
                            sentiment={"negative": 0.75, "positive": 0.25},
                            details={"key_phrases": ["battery life"], "links": [{"post_id": posts[0].id, "url": url}]},
                            period_start=start, period_end=end, created_at=END))  # fmt: skip
    session.flush()
    return {"ideas": ideas, "department": design}
