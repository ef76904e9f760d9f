"""The inbox query: one page of cases for a queue and filters, newest first, by keyset over (opened_at, id).

The filters on what the models said (sentiment, intents, topics, urgency, place) read the routing signals kept
on the case (`cases.routing`, see `inbox.case_routing`): they are what routed the case, and reading them needs
no join to posts or enrichments, so a page costs one indexed range scan plus a few bulk look-ups.

JSON paths differ between SQLite (json_extract / json_each) and PostgreSQL (JSONB operators); the two
functions at the top are the only dialect-specific parts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, String, and_, cast, exists, func, literal, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from groundswell.inbox.queue_schemas import OPEN, URGENCY_LEVELS, InboxFilters, Queue
from groundswell.inbox.schemas import OPEN_STATUSES
from groundswell.models import Case, Employee, SlaClockRecord

_OPEN = [status.value for status in OPEN_STATUSES]
# Clocks that make a case "breaching soon": still counting, or already warned or breached.
_LIVE_CLOCKS = ("running", "warned", "breached")


def _signal_text(dialect: str, key: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        found: ColumnElement[Any] = type_coerce(Case.routing, JSONB)["signals"][key].astext
        return found
    return cast(func.json_extract(Case.routing, f"$.signals.{key}"), String)


def _signal_number(dialect: str, key: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return cast(type_coerce(Case.routing, JSONB)["signals"][key].astext, Float)
    return cast(func.json_extract(Case.routing, f"$.signals.{key}"), Float)


def _array_holds(dialect: str, column: Any, path: tuple[str, ...], value: str) -> ColumnElement[bool]:
    """The JSON array at `path` inside `column` holds the string `value`."""
    if dialect == "postgresql":
        document: Any = type_coerce(column, JSONB)
        for key in path:
            document = document[key]
        held: ColumnElement[bool] = document.contains(type_coerce([value], JSONB))
        return held
    json_path = "$" + "".join(f".{key}" for key in path)
    items = func.json_each(column, json_path).table_valued("value")
    return exists(select(literal(1)).select_from(items).where(items.c.value == value))


def page_of_cases(
    session: Session,
    *,
    queue: Queue,
    employee: Employee | None,
    filters: InboxFilters,
    after: tuple[datetime, int] | None,
    limit: int,
    now: datetime,
    breach_window_s: float,
) -> list[Case]:
    """Up to `limit` cases of the queue matching every filter, after the keyset position `after`."""
    dialect = session.get_bind().dialect.name
    stmt = select(Case).where(Case.merged_into_id.is_(None))
    stmt = stmt.where(Case.status.in_(_OPEN) if filters.status == OPEN else Case.status == filters.status)
    stmt = stmt.where(*_queue_conditions(queue, employee, now, breach_window_s))
    stmt = stmt.where(*_filter_conditions(dialect, filters))
    if after is not None:
        moment, case_id = after
        stmt = stmt.where(or_(Case.opened_at < moment, and_(Case.opened_at == moment, Case.id < case_id)))
    stmt = stmt.order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def _queue_conditions(
    queue: Queue, employee: Employee | None, now: datetime, window_s: float
) -> list[ColumnElement[bool]]:
    if queue is Queue.MINE:
        return [Case.assignee_id == (employee.id if employee else -1)]
    if queue is Queue.TEAM:
        return [Case.team_id == (employee.team_id if employee and employee.team_id else -1)]
    if queue is Queue.UNASSIGNED:
        return [Case.assignee_id.is_(None)]
    if queue is Queue.BREACHING:
        soon = now + timedelta(seconds=window_s)
        clock = exists().where(
            SlaClockRecord.case_id == Case.id,
            SlaClockRecord.completed_at.is_(None),
            or_(
                SlaClockRecord.state.in_(("warned", "breached")),
                and_(SlaClockRecord.state.in_(_LIVE_CLOCKS), SlaClockRecord.due_at <= soon),
            ),
        )
        return [clock]
    return []


def _filter_conditions(dialect: str, filters: InboxFilters) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.channel:
        found.append(Case.channel == filters.channel)
    if filters.sentiment:
        found.append(_signal_text(dialect, "sentiment") == filters.sentiment)
    if filters.intent:
        found.append(_array_holds(dialect, Case.routing, ("signals", "intents"), filters.intent))
    if filters.topic:
        found.append(_array_holds(dialect, Case.routing, ("signals", "topics"), filters.topic))
    if filters.tag:
        found.append(_array_holds(dialect, Case.tags, (), filters.tag))
    if filters.urgency:
        found.append(_signal_number(dialect, "urgency") >= URGENCY_LEVELS[filters.urgency])
    if filters.location:
        pattern = "%" + filters.location.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found.append(func.lower(_signal_text(dialect, "position_source")).like(pattern, escape="\\"))
    return found


def live_clocks(session: Session, case_ids: Sequence[int]) -> dict[int, list[SlaClockRecord]]:
    """The uncompleted SLA clocks of the given cases."""
    found: dict[int, list[SlaClockRecord]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    stmt = select(SlaClockRecord).where(
        SlaClockRecord.case_id.in_(list(case_ids)), SlaClockRecord.completed_at.is_(None)
    )
    for clock in session.scalars(stmt):
        found[clock.case_id].append(clock)
    return found


def employee(session: Session, employee_id: int | None) -> Employee | None:
    return None if employee_id is None else session.get(Employee, employee_id)
