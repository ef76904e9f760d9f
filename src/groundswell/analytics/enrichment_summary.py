"""What the stored enrichment says about the posts, in aggregate: the sentiment split, intents, topics,
languages, the most urgent posts and the places mentioned most.

Read-only. The values are JSON documents whose shape differs per enricher, so they are counted in Python
rather than with dialect-specific JSON SQL: one pass over a few thousand rows per enricher is quick, and
only the enrichers summarised here are read (never the embeddings).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.enrich.enrichers.language import UNDETERMINED
from groundswell.models import Enrichment, Post

_STREAM_ROWS = 1000


class LabelCounts(BaseModel):
    """How many posts carry each label, most frequent first. `posts` is the number of posts with a result
    for the enricher; `unlabelled` those whose result gave no label (no topic, undetermined language)."""

    posts: int = 0
    counts: dict[str, int] = {}
    unlabelled: int = 0

    def share(self, count: int) -> float:
        """`count` as a percentage of the posts with a result."""
        return 100.0 * count / self.posts if self.posts else 0.0


class UrgentPost(BaseModel):
    post_id: int
    score: float
    level: str
    signals: list[str]
    text: str
    channel: str
    created_at: datetime


class PlaceCount(BaseModel):
    name: str
    kind: str
    country: str | None
    admin: str | None
    posts: int

    @property
    def label(self) -> str:
        """The name with its region and country ("Back Bay, MA, US"), where known and not the name itself.
        A numeric region (a GeoNames admin1 code outside a few countries) says nothing to a reader."""
        admin = self.admin if self.admin and not self.admin.isdigit() else None
        parts = [self.name, *(part for part in (admin, self.country) if part and part != self.name)]
        return ", ".join(parts)


class EnrichmentSummary(BaseModel):
    enriched_posts: int
    sentiment: LabelCounts
    intents: LabelCounts
    topics: LabelCounts
    languages: LabelCounts
    most_urgent: list[UrgentPost]
    places: list[PlaceCount]


def enrichment_summary(session: Session, *, urgent: int = 5, places: int = 5) -> EnrichmentSummary:
    """The summary of every stored post's current enrichment. Posts without a result for an enricher are
    left out of its counts. Places are those named in the posts' texts (not the authors' profiles), each
    counted once per post."""
    enriched = session.execute(select(func.count(func.distinct(Enrichment.post_id)))).scalar_one()
    return EnrichmentSummary(
        enriched_posts=int(enriched),
        sentiment=_label_counts(
            _labels(value.get("label") if value else None for value in _values(session, "sentiment"))
        ),
        intents=_label_counts(_values(session, "intent")),
        topics=_label_counts([topic["name"] for topic in value or ()] for value in _values(session, "topics")),
        languages=_label_counts(
            _labels(None if value == UNDETERMINED else value for value in _values(session, "language"))
        ),
        most_urgent=_most_urgent(session, limit=urgent),
        places=_places(session, limit=places),
    )


def _values(session: Session, enricher: str) -> Iterator[Any]:
    stmt = select(Enrichment.value).where(Enrichment.enricher == enricher).execution_options(yield_per=_STREAM_ROWS)
    yield from session.scalars(stmt)


def _labels(values: Iterator[Any]) -> Iterator[list[str]]:
    """A single-label result as a list of zero or one label."""
    return ([value] if value else [] for value in values)


def _label_counts(label_lists: Iterator[list[str]]) -> LabelCounts:
    counts: Counter[str] = Counter()
    posts = unlabelled = 0
    for labels in label_lists:
        posts += 1
        if not labels:
            unlabelled += 1
        counts.update(set(labels))
    ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return LabelCounts(posts=posts, counts=ordered, unlabelled=unlabelled)


def _most_urgent(session: Session, *, limit: int) -> list[UrgentPost]:
    stmt = (
        select(Enrichment.post_id, Enrichment.value)
        .where(Enrichment.enricher == "urgency")
        .execution_options(yield_per=_STREAM_ROWS)
    )
    scored = [(float(value["score"]), post_id, value) for post_id, value in session.execute(stmt) if value]
    top = sorted(scored, key=lambda item: (-item[0], item[1]))[:limit]
    if not top:
        return []
    posts = {
        row.id: row
        for row in session.execute(
            select(Post.id, Post.text, Post.channel, Post.created_at).where(Post.id.in_([pid for _, pid, _ in top]))
        )
    }
    return [
        UrgentPost(
            post_id=post_id,
            score=score,
            level=str(value.get("level", "")),
            signals=[str(signal["signal"]) for signal in value.get("signals", ())],
            text=posts[post_id].text,
            channel=posts[post_id].channel,
            created_at=posts[post_id].created_at,
        )
        for score, post_id, value in top
    ]


def _places(session: Session, *, limit: int) -> list[PlaceCount]:
    counts: Counter[tuple[str, str, str | None, str | None]] = Counter()
    for value in _values(session, "locations"):
        counts.update(
            {
                (place["name"], place.get("kind", ""), place.get("country"), place.get("admin"))
                for place in value or ()
                if place.get("source") == "text"
            }
        )
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))[:limit]
    return [
        PlaceCount(name=name, kind=kind, country=country, admin=admin, posts=count)
        for (name, kind, country, admin), count in top
    ]
