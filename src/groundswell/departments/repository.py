"""Queries for departments and their insights, and the posts of a period with the enrichments insights need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from groundswell.departments.rules import PostFacts
from groundswell.models import Author, Department, Enrichment, Insight, Post

ENRICHERS = ("sentiment", "intent", "topics", "embedding")


def department_by_name(session: Session, name: str) -> Department | None:
    return session.scalars(select(Department).where(Department.name == name.strip().lower())).one_or_none()


def departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


def insights_of(session: Session, department_id: int, start: datetime, end: datetime) -> list[Insight]:
    """The department's insights for exactly this period, most customers first."""
    query = (
        select(Insight)
        .where(Insight.department_id == department_id, Insight.period_start == start, Insight.period_end == end)
        .order_by(Insight.customers.desc(), Insight.id)
    )
    return list(session.scalars(query))


def insight_by_fingerprint(session: Session, department_id: int, fingerprint: str) -> Insight | None:
    query = select(Insight).where(Insight.department_id == department_id, Insight.fingerprint == fingerprint)
    return session.scalars(query).one_or_none()


def delete_insights(session: Session, ids: Collection[int]) -> None:
    if ids:
        session.execute(delete(Insight).where(Insight.id.in_(list(ids))))


def _value(enricher: str, value: Any) -> Any:
    if enricher == "sentiment":
        return value.get("label") if isinstance(value, dict) else value
    if enricher == "intent":
        labels = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        return frozenset(str(v) for v in labels)
    if enricher == "topics":
        items = value if isinstance(value, list) else []
        return {str(t["name"]): float(t.get("score", 1.0)) for t in items if isinstance(t, dict) and "name" in t}
    return tuple(float(x) for x in value) if isinstance(value, list) and value else None


def post_facts(
    session: Session, start: datetime, end: datetime, *, brands: Collection[str] = (), embeddings: bool = True
) -> list[PostFacts]:
    """The posts created in [start, end) (of these brands, when given), with author reach and enrichments."""
    where = [Post.created_at >= start, Post.created_at < end]
    if brands:
        where.append(Post.brand.in_(list(brands)))
    rows = session.execute(
        select(
            Post.id,
            Post.created_at,
            Post.author_id,
            Author.followers,
            Post.likes,
            Post.reposts,
            Post.replies,
            Post.text,
            Post.brand,
            Post.product,
            Post.url,
        )
        .outerjoin(Author, Author.id == Post.author_id)
        .where(*where)
        .order_by(Post.created_at, Post.id)
    ).all()
    wanted = [e for e in ENRICHERS if embeddings or e != "embedding"]
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    enriched = session.execute(
        select(Enrichment.post_id, Enrichment.enricher, Enrichment.value)
        .join(Post, Post.id == Enrichment.post_id)
        .where(*where, Enrichment.enricher.in_(wanted))
    )
    for post_id, enricher, value in enriched:
        values[post_id][enricher] = _value(enricher, value)
    facts = []
    for r in rows:
        found = values.get(r.id, {})
        facts.append(
            PostFacts(
                id=r.id,
                created_at=r.created_at,
                author=f"a{r.author_id}" if r.author_id else f"p{r.id}",
                followers=r.followers or 0,
                engagement=(r.likes or 0) + (r.reposts or 0) + (r.replies or 0),
                text=r.text,
                brand=r.brand,
                product=r.product,
                url=r.url,
                sentiment=found.get("sentiment"),
                intents=found.get("intent") or frozenset(),
                topics=found.get("topics") or {},
                embedding=found.get("embedding"),
            )
        )
    return facts
