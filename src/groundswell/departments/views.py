"""Read-only views of the departments' stored insights, for the web page: the newest periods first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.departments import repository
from groundswell.errors import NotFound
from groundswell.models import Department, Insight

RECENT_INSIGHTS = 50


def departments(session: Session) -> list[Department]:
    return repository.departments(session)


def recent_insights(session: Session, *, department: str, limit: int = RECENT_INSIGHTS) -> list[Insight]:
    """The department's latest insights (by the end of their period, then most customers), at most `limit`.
    Insights are built by `groundswell departments insights` / `digest`; this only reads them."""
    row = repository.department_by_name(session, department)
    if row is None:
        raise NotFound(f"no department named {department!r}: import one with `groundswell departments import`")
    query = (
        select(Insight)
        .where(Insight.department_id == row.id)
        .order_by(Insight.period_end.desc(), Insight.customers.desc(), Insight.id)
        .limit(limit)
    )
    return list(session.scalars(query))
