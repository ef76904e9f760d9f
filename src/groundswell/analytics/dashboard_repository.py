"""The dashboard's SQL: every query filters on an indexed time column (posts.created_at, cases.opened_at) and
groups in the database, so a chart reads a few hundred aggregate rows however many posts are stored.

Posts are counted by when they were written; cases, response times and SLA clocks by when the case opened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Executable, and_, case, func, literal, select
from sqlalchemy.orm import Session

from groundswell.analytics.time_range import TimeRange
from groundswell.db.aggregates import json_array_labels, seconds_between, time_bucket
from groundswell.models import Case, Employee, Enrichment, Post, SlaClockRecord, Team

OPEN_STATUSES = ("new", "open", "waiting_on_customer")
NO_LABEL = "(none)"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _rows(session: Session, query: Executable) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(query)]


def _posts_in(window: TimeRange) -> Any:
    return and_(Post.created_at >= window.start, Post.created_at < window.end)


def _cases_in(window: TimeRange) -> Any:
    # Merged cases are closed copies of their survivor: counting them would count one conversation twice.
    return and_(Case.opened_at >= window.start, Case.opened_at < window.end, Case.merged_into_id.is_(None))


def _enrichments_of_posts_in(session: Session, window: TimeRange, enricher: str) -> Any:
    """The join condition from posts in the range to their `enricher` row. The post-id bounds are redundant
    (every post in the range has an id between them) but let PostgreSQL read the range's enrichments through the
    (post_id, enricher) index instead of hashing every row of the enricher: posts are stored roughly in time
    order, so at 1,000,000 posts a week's sentiment went from 575 ms to 230 ms (warm). The bounds are looked up
    first, so the planner sees their values."""
    low, high = session.execute(select(func.min(Post.id), func.max(Post.id)).where(_posts_in(window))).one()
    return and_(Enrichment.post_id == Post.id, Enrichment.enricher == enricher,
                Enrichment.post_id.between(low or 0, high or 0))  # fmt: skip


def newest_post_at(session: Session) -> datetime | None:
    value: datetime | None = session.scalar(select(func.max(Post.created_at)))
    return value


def post_count(session: Session, window: TimeRange) -> int:
    return int(session.scalar(select(func.count()).select_from(Post).where(_posts_in(window))) or 0)


def volume_by_channel(session: Session, window: TimeRange) -> list[tuple[str, str, int]]:
    """(bucket, channel, posts)."""
    bucket = time_bucket(_dialect(session), Post.created_at, window.unit).label("bucket")
    query = select(bucket, Post.channel, func.count()).where(_posts_in(window)).group_by(bucket, Post.channel)
    return [(str(b), str(c), int(n)) for b, c, n in _rows(session, query)]


def label_trend(session: Session, window: TimeRange, enricher: str) -> list[tuple[str, str, int]]:
    """(bucket, label, posts) for a single-label enricher such as sentiment or emotion."""
    bucket = time_bucket(_dialect(session), Post.created_at, window.unit).label("bucket")
    label = Enrichment.value["label"].as_string().label("label")
    query = (
        select(bucket, label, func.count())
        .join(Enrichment, _enrichments_of_posts_in(session, window, enricher))
        .where(_posts_in(window))
        .group_by(bucket, label)
    )
    return [(str(b), str(lab) if lab else NO_LABEL, int(n)) for b, lab, n in _rows(session, query)]


def top_labels(
    session: Session, window: TimeRange, enricher: str, *, key: str | None, limit: int
) -> list[tuple[str, int]]:
    """(label, posts) of a multi-label enricher (intent: a list of names; topics: a list of {name, score}),
    most posts first."""
    items, label = json_array_labels(_dialect(session), Enrichment.value, key)
    count = func.count()
    query = (
        select(label.label("label"), count)
        .select_from(Post)
        .join(Enrichment, _enrichments_of_posts_in(session, window, enricher))
        .join(items, literal(True))
        .where(_posts_in(window))
        .group_by(label)
        .order_by(count.desc(), label)
        .limit(limit)
    )
    return [(str(lab), int(n)) for lab, n in _rows(session, query) if lab]


def posts_by_brand(session: Session, window: TimeRange) -> list[tuple[str, str, int]]:
    """(brand, sentiment, posts): each brand's voice and its mood. Posts without a brand are left out."""
    sentiment = Enrichment.value["label"].as_string().label("sentiment")
    query = (
        select(Post.brand, sentiment, func.count())
        .outerjoin(Enrichment, _enrichments_of_posts_in(session, window, "sentiment"))
        .where(_posts_in(window), Post.brand.is_not(None))
        .group_by(Post.brand, sentiment)
    )
    return [(str(b), str(s) if s else NO_LABEL, int(n)) for b, s, n in _rows(session, query)]


def response_times(session: Session, window: TimeRange) -> list[tuple[str, float | None, int, float | None, int]]:
    """(bucket, mean seconds to first response, cases answered, mean seconds to resolution, cases resolved)."""
    dialect = _dialect(session)
    bucket = time_bucket(dialect, Case.opened_at, window.unit).label("bucket")
    first = seconds_between(dialect, Case.opened_at, Case.first_response_at)
    resolved = seconds_between(dialect, Case.opened_at, Case.resolved_at)
    query = (
        select(
            bucket,
            func.avg(first),
            func.count(Case.first_response_at),
            func.avg(resolved),
            func.count(Case.resolved_at),
        )
        .where(_cases_in(window))
        .group_by(bucket)
    )
    return [
        (str(b), None if f is None else float(f), int(nf), None if r is None else float(r), int(nr))
        for b, f, nf, r, nr in _rows(session, query)
    ]


def sla_states(session: Session, window: TimeRange) -> list[tuple[str, str, str, int]]:
    """(clock, policy, state, clocks) of the cases opened in the range."""
    query = (
        select(SlaClockRecord.clock, SlaClockRecord.policy, SlaClockRecord.state, func.count())
        .join(Case, Case.id == SlaClockRecord.case_id)
        .where(_cases_in(window))
        .group_by(SlaClockRecord.clock, SlaClockRecord.policy, SlaClockRecord.state)
    )
    return [(str(c), str(p), str(s), int(n)) for c, p, s, n in _rows(session, query)]


def _open_or_done() -> Any:
    return case((Case.status.in_(OPEN_STATUSES), "open"), else_="resolved").label("state")


def cases_by_team(session: Session, window: TimeRange) -> list[tuple[str | None, str, int]]:
    """(team name or None for unrouted, open|resolved, cases)."""
    state = _open_or_done()
    query = (
        select(Team.name, state, func.count())
        .select_from(Case)
        .outerjoin(Team, Team.id == Case.team_id)
        .where(_cases_in(window))
        .group_by(Team.name, state)
    )
    return [(name, str(s), int(n)) for name, s, n in _rows(session, query)]


def cases_by_employee(session: Session, window: TimeRange, *, limit: int) -> list[tuple[str, str, int]]:
    """(employee handle, open|resolved, cases) for the `limit` employees with the most cases in the range."""
    busiest = (
        select(Case.assignee_id)
        .where(_cases_in(window), Case.assignee_id.is_not(None))
        .group_by(Case.assignee_id)
        .order_by(func.count().desc(), Case.assignee_id)
        .limit(limit)
        .subquery()
    )
    state = _open_or_done()
    query = (
        select(Employee.handle, state, func.count())
        .select_from(Case)
        .join(Employee, Employee.id == Case.assignee_id)
        .where(_cases_in(window), Case.assignee_id.in_(select(busiest.c.assignee_id)))
        .group_by(Employee.handle, state)
    )
    return [(str(h), str(s), int(n)) for h, s, n in _rows(session, query)]
