"""The dashboard's SQL: every query filters on an indexed time column (cases.opened_at, the rollup's hour,
posts.created_at for the partial hours at a range's ends) and groups in the database, so a chart reads a few
thousand rollup rows at most however many posts are stored. Post charts read the hourly rollup
(`analytics.rollup`), which ingest and enrichment keep exact.

Posts are counted by when they were written; cases, response times and SLA clocks by when the case opened."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Executable, and_, case, func, select, union_all
from sqlalchemy.orm import Session

from groundswell.analytics import rollup
from groundswell.analytics.time_range import TimeRange
from groundswell.db.aggregates import seconds_between, time_bucket
from groundswell.db.base import table_of
from groundswell.models import Case, DashboardRollup, Employee, Post, SlaClockRecord, Team

OPEN_STATUSES = ("new", "open", "waiting_on_customer")
NO_LABEL = "(none)"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _rows(session: Session, query: Executable) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(query)]


def _cases_in(window: TimeRange) -> Any:
    # Merged cases are closed copies of their survivor: counting them would count one conversation twice.
    return and_(Case.opened_at >= window.start, Case.opened_at < window.end, Case.merged_into_id.is_(None))


def _counted(session: Session, window: TimeRange, dimension: str) -> Any:
    """Rollup rows (hour, channel, brand, dimension, label, posts) of `dimension` for the posts in the range:
    the stored rollup for the whole hours inside it, and the same counts computed live from posts and
    enrichments for the partial hours at its ends (a preset ends at a minute, not an hour), so the sums are
    exactly those of counting the range's posts, in a few thousand rollup rows instead of every post."""
    dialect = _dialect(session)
    first_whole = window.start.replace(minute=0, second=0, microsecond=0)
    if first_whole < window.start:
        first_whole += timedelta(hours=1)
    after_whole = window.end.replace(minute=0, second=0, microsecond=0)
    parts: list[Any] = []
    edges = [(window.start, window.end)]
    if first_whole < after_whole:
        stored = table_of(DashboardRollup).c
        parts.append(
            select(*(stored[name] for name in rollup.COLUMNS)).where(
                stored.dimension == dimension,
                stored.hour >= rollup.hour_of(first_whole),
                stored.hour < rollup.hour_of(after_whole),
            )
        )
        edges = [(window.start, first_whole), (after_whole, window.end)]
    for low, high in edges:
        if low < high:
            parts.append(rollup.source(dialect, dimension, and_(Post.created_at >= low, Post.created_at < high)))
    return union_all(*parts).subquery("counted")


def _bucket(counted: Any, unit: str) -> Any:
    """The chart bucket of a rollup hour ("2025-03-14 21"): itself, or its day's first 10 characters."""
    return (counted.c.hour if unit == "hour" else func.substr(counted.c.hour, 1, 10)).label("bucket")


def newest_post_at(session: Session) -> datetime | None:
    value: datetime | None = session.scalar(select(func.max(Post.created_at)))
    return value


def post_count(session: Session, window: TimeRange) -> int:
    counted = _counted(session, window, "volume")
    return int(session.scalar(select(func.coalesce(func.sum(counted.c.posts), 0))) or 0)


def volume_by_channel(session: Session, window: TimeRange) -> list[tuple[str, str, int]]:
    """(bucket, channel, posts)."""
    counted = _counted(session, window, "volume")
    bucket = _bucket(counted, window.unit)
    query = select(bucket, counted.c.channel, func.sum(counted.c.posts)).group_by(bucket, counted.c.channel)
    return [(str(b), str(c), int(n)) for b, c, n in _rows(session, query)]


def label_trend(session: Session, window: TimeRange, dimension: str) -> list[tuple[str, str, int]]:
    """(bucket, label, posts) for a single-label dimension (sentiment, emotion)."""
    counted = _counted(session, window, dimension)
    bucket = _bucket(counted, window.unit)
    query = select(bucket, counted.c.label, func.sum(counted.c.posts)).group_by(bucket, counted.c.label)
    return [(str(b), str(lab) if lab else NO_LABEL, int(n)) for b, lab, n in _rows(session, query)]


def top_labels(session: Session, window: TimeRange, dimension: str, *, limit: int) -> list[tuple[str, int]]:
    """(label, posts) of a list dimension (intent, topic: a post counts once for each label it lists), most
    posts first."""
    counted = _counted(session, window, dimension)
    total = func.sum(counted.c.posts)
    query = (
        select(counted.c.label, total).group_by(counted.c.label).order_by(total.desc(), counted.c.label).limit(limit)
    )
    return [(str(lab), int(n)) for lab, n in _rows(session, query) if lab]


def posts_by_brand(session: Session, window: TimeRange) -> list[tuple[str, str, int]]:
    """(brand, sentiment, posts): each brand's voice and its mood; posts without a sentiment are "(none)".
    Posts without a brand are left out."""
    moods = _counted(session, window, "sentiment")
    query = (
        select(moods.c.brand, moods.c.label, func.sum(moods.c.posts))
        .where(moods.c.brand.is_not(None))
        .group_by(moods.c.brand, moods.c.label)
    )
    rows = [(str(b), str(s) if s else NO_LABEL, int(n)) for b, s, n in _rows(session, query)]
    volume = _counted(session, window, "volume")
    totals = (
        select(volume.c.brand, func.sum(volume.c.posts)).where(volume.c.brand.is_not(None)).group_by(volume.c.brand)
    )
    with_mood: dict[str, int] = {}
    for brand, _, n in rows:
        with_mood[brand] = with_mood.get(brand, 0) + n
    for brand, n in _rows(session, totals):
        unread = int(n) - with_mood.get(str(brand), 0)
        if unread:
            rows.append((str(brand), NO_LABEL, unread))
    return rows


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
