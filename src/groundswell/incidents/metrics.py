"""Figures during and after an incident, hour by hour.

The window starts at the incident's opening, or earlier at the start of the first linked alert (the crisis
began before anyone opened the incident), and ends at its resolution or `now`. For each hour:

- volume: the posts in the incident's scope (brand, product, topic or location: see `in_scope`);
- negative share and anger share: among those posts with a stored sentiment / emotion (`enrichments`);
- reach: the sum of the followers of the distinct authors who posted in that hour;
- alerts: linked alerts detected in that hour.

Over the whole window: the same figures (reach counts each author once), and the response times of the linked
cases (first response minus opening, in minutes: median and 90th percentile, and how many are unanswered).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.incidents import repository
from groundswell.models import Author, Case, Enrichment, Incident, Post
from groundswell.replies.rules import label_of

MAX_HOURS = 24 * 14  # a fortnight of hourly buckets; a longer incident keeps its last fortnight
_CHUNK = 500


class HourFigures(BaseModel):
    hour: int  # hours from the window's start
    start: datetime
    posts: int
    negative_share: float | None
    anger_share: float | None
    reach: int
    alerts: int


class ResponseTimes(BaseModel):
    cases: int
    answered: int
    median_minutes: float | None
    p90_minutes: float | None


class IncidentMetrics(BaseModel):
    incident_id: int
    scope_kind: str | None
    scope: str | None
    start: datetime
    end: datetime
    hours: list[HourFigures]
    posts: int
    negative_share: float | None
    anger_share: float | None
    reach: int
    authors: int
    alerts: int
    responses: ResponseTimes


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def in_scope(scope_kind: str | None, scope: str | None, post: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    """Whether a post (brand, product, location columns) with its enrichments belongs to the scope."""
    if not scope_kind or not scope:
        return False
    wanted = scope.casefold()
    if scope_kind in ("brand", "product"):
        return str(post.get(scope_kind) or "").casefold() == wanted
    if scope_kind == "topic":
        return any(_name(t) == wanted for t in stored.get("topics") or [])
    if scope_kind == "location":
        if str(post.get("location") or "").casefold() == wanted:
            return True
        return any(wanted in (_name(p), str(p.get("code") or "").casefold()) for p in _dicts(stored.get("locations")))
    return False


def metrics(session: Session, *, incident_id: int, now: datetime | None = None) -> IncidentMetrics:
    when = now or datetime.now(UTC)
    incident = repository.get_incident(session, incident_id)
    alerts = repository.alerts(session, repository.linked_ids(session, incident_id, "alert"))
    start = min([incident.opened_at, *(a.start for a in alerts)])
    end = max(incident.resolved_at or when, start + timedelta(hours=1))
    start = max(start, end - timedelta(hours=MAX_HOURS))
    posts = _scope_posts(session, incident, start, end)
    buckets = math.ceil((end - start) / timedelta(hours=1))
    hours = []
    for hour in range(buckets):
        lower = start + timedelta(hours=hour)
        chosen = [p for p in posts if lower <= p["created_at"] < lower + timedelta(hours=1)]
        detected = sum(1 for a in alerts if lower <= a.detected_at < lower + timedelta(hours=1))
        hours.append(_figures(hour, lower, chosen, detected))
    whole = _figures(0, start, posts, len(alerts))
    return IncidentMetrics(
        incident_id=incident.id, scope_kind=incident.scope_kind, scope=incident.scope, start=start, end=end,
        hours=hours, posts=whole.posts, negative_share=whole.negative_share, anger_share=whole.anger_share,
        reach=whole.reach, authors=len({p["author_id"] for p in posts if p["author_id"] is not None}),
        alerts=len(alerts), responses=_responses(session, repository.linked_ids(session, incident_id, "case")),
    )  # fmt: skip


def _figures(hour: int, start: datetime, posts: Sequence[Mapping[str, Any]], alerts: int) -> HourFigures:
    sentiments = [p["sentiment"] for p in posts if p["sentiment"] is not None]
    emotions = [p["emotion"] for p in posts if p["emotion"] is not None]
    followers = {p["author_id"]: p["followers"] or 0 for p in posts if p["author_id"] is not None}
    return HourFigures(
        hour=hour, start=start, posts=len(posts),
        negative_share=_share(sentiments, ("negative", "very_negative")), anger_share=_share(emotions, ("anger",)),
        reach=sum(followers.values()), alerts=alerts,
    )  # fmt: skip


def _share(labels: Sequence[str], wanted: Iterable[str]) -> float | None:
    if not labels:
        return None
    chosen = set(wanted)
    return round(sum(1 for label in labels if label in chosen) / len(labels), 4)


def _scope_posts(session: Session, incident: Incident, start: datetime, end: datetime) -> list[dict[str, Any]]:
    stmt = (
        select(Post.id, Post.created_at, Post.author_id, Post.brand, Post.product, Post.location, Author.followers)
        .outerjoin(Author, Author.id == Post.author_id)
        .where(Post.created_at >= start, Post.created_at < end)
        .order_by(Post.created_at, Post.id)
    )
    if incident.scope_kind in ("brand", "product") and incident.scope:
        column = Post.brand if incident.scope_kind == "brand" else Post.product
        stmt = stmt.where(func.lower(column) == incident.scope.lower())
    rows = [dict(row._mapping) for row in session.execute(stmt)]
    stored = _enrichments(session, [r["id"] for r in rows])
    chosen = []
    for row in rows:
        values = stored.get(row["id"], {})
        if in_scope(incident.scope_kind, incident.scope, row, values):
            row["sentiment"] = label_of(values.get("sentiment"))
            row["emotion"] = label_of(values.get("emotion"))
            chosen.append(row)
    return chosen


def _enrichments(session: Session, post_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    names = ("sentiment", "emotion", "topics", "locations")
    found: dict[int, dict[str, Any]] = {}
    for begin in range(0, len(post_ids), _CHUNK):
        chunk = list(post_ids[begin : begin + _CHUNK])
        stmt = select(Enrichment.post_id, Enrichment.enricher, Enrichment.value).where(
            Enrichment.post_id.in_(chunk), Enrichment.enricher.in_(names)
        )
        for post_id, enricher, value in session.execute(stmt):
            found.setdefault(post_id, {})[enricher] = value
    return found


def _responses(session: Session, case_ids: Sequence[int]) -> ResponseTimes:
    cases = list(session.scalars(select(Case).where(Case.id.in_(list(case_ids))))) if case_ids else []
    minutes = [(c.first_response_at - c.opened_at) / timedelta(minutes=1) for c in cases if c.first_response_at]
    median = percentile(minutes, 50)
    p90 = percentile(minutes, 90)
    return ResponseTimes(
        cases=len(cases), answered=len(minutes), median_minutes=None if median is None else round(median, 1),
        p90_minutes=None if p90 is None else round(p90, 1),
    )  # fmt: skip


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or "").casefold()
    return str(value).casefold()


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
