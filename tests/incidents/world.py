"""A small stored world for incident tests, written straight to the tables: staff, a brand's customer posts
(some angry, over a few hours) with their enrichments, a case holding some of them, and an alert on the brand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from groundswell.incidents.playbooks import Playbook, load_playbook
from groundswell.models import Alert, Author, Case, CasePost, Conversation, Enrichment, Post
from tests.replies.world import add_staff

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "playbooks"
BRAND = "Voltline"


def outage_playbook() -> Playbook:
    return load_playbook(EXAMPLES / "service-outage.yaml")


def scandal_playbook() -> Playbook:
    return load_playbook(EXAMPLES / "leak-or-scandal.yaml")


@dataclass
class Crisis:
    post_ids: list[int] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)
    alert_id: int = 0
    other_post_id: int = 0


def add_post(
    session: Session,
    *,
    n: int,
    at: datetime,
    brand: str | None = BRAND,
    followers: int = 100,
    sentiment: str = "negative",
    emotion: str = "anger",
    text: str = "the app is down again",
    topics: list[str] | None = None,
) -> Post:
    author = Author(channel="mastodon", external_id=f"acct-{n}", handle=f"user{n}@example.social",
                    followers=followers, first_seen_at=at, updated_at=at)  # fmt: skip
    session.add(author)
    session.flush()
    conversation = Conversation(channel="mastodon", root_external_id=f"p{n}", started_at=at, last_post_at=at,
                                post_count=1)  # fmt: skip
    session.add(conversation)
    session.flush()
    post = Post(channel="mastodon", external_id=f"p{n}", conversation_id=conversation.id, author_id=author.id,
                text=text, language="en", created_at=at, brand=brand, visibility="public", attributes={}, raw="{}",
                source_format="test", ingested_at=at)  # fmt: skip
    session.add(post)
    session.flush()
    values = {
        "sentiment": {"label": sentiment, "scores": {sentiment: 0.9}},
        "emotion": {"label": emotion, "scores": {emotion: 0.8}},
        "topics": [{"name": t, "score": 0.9} for t in topics or []],
    }
    for name, value in values.items():
        session.add(Enrichment(post_id=post.id, enricher=name, version="t", value=value, enriched_at=at))
    session.flush()
    return post


def add_case(session: Session, post_ids: list[int], *, opened_at: datetime, responded_after: timedelta | None) -> int:
    case = Case(kind="general", status="open", priority="p2", channel="mastodon", brand=BRAND, subject="down",
                tags=[], routing={}, opened_at=opened_at, updated_at=opened_at,
                first_response_at=opened_at + responded_after if responded_after is not None else None)  # fmt: skip
    session.add(case)
    session.flush()
    for post_id in post_ids:
        session.add(CasePost(case_id=case.id, post_id=post_id, added_at=opened_at))
    session.flush()
    return case.id


def add_alert(session: Session, *, post_ids: list[int], scope: str = BRAND, severity: str = "high",
              kind: str = "volume_spike", at: datetime = T0) -> int:  # fmt: skip
    alert = Alert(kind=kind, scope_kind="brand", scope=scope, fingerprint=f"{kind}:brand:{scope}", start=at,
                  detected_at=at + timedelta(minutes=20), last_detected_at=at + timedelta(minutes=20),
                  severity=severity, score=7.5, reach=5000, summary=f"{len(post_ids)} posts about {scope} in 20 min",
                  key_phrases=["app down", "cannot log in"], post_ids=post_ids, details={}, occurrences=1,
                  status="open", escalation_level=0, created_at=at + timedelta(minutes=20))  # fmt: skip
    session.add(alert)
    session.flush()
    return alert.id


def add_crisis(session: Session) -> Crisis:
    """Staff; 12 angry Voltline posts in the first 20 minutes after T0, then 6 calmer ones in the next two
    hours; two cases holding some of them (one answered after 10 minutes, one after 50); an alert on the
    first 12; and one post about another brand."""
    add_staff(session)
    crisis = Crisis()
    for n in range(12):
        post = add_post(session, n=n, at=T0 + timedelta(minutes=n), followers=100 * (n + 1))
        crisis.post_ids.append(post.id)
    for n in range(12, 18):
        calm = n % 2 == 0
        sentiment, emotion = ("neutral", "neutral") if calm else ("negative", "sadness")
        at = T0 + timedelta(minutes=30 + 15 * (n - 12))
        post = add_post(session, n=n, at=at, followers=50, sentiment=sentiment, emotion=emotion)
        crisis.post_ids.append(post.id)
    crisis.other_post_id = add_post(session, n=99, at=T0 + timedelta(minutes=5), brand="Othercorp").id
    crisis.case_ids.append(add_case(session, crisis.post_ids[0:2], opened_at=T0, responded_after=timedelta(minutes=10)))
    crisis.case_ids.append(
        add_case(
            session, crisis.post_ids[5:6], opened_at=T0 + timedelta(minutes=5), responded_after=timedelta(minutes=50)
        )
    )
    crisis.alert_id = add_alert(session, post_ids=crisis.post_ids[:12])
    return crisis
