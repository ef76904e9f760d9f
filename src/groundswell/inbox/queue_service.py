"""The web inbox: which queues someone may open, and one page of a queue, filtered, with what each row shows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.inbox import queue_repository, repository
from groundswell.inbox.queue_schemas import (
    InboxFilters,
    InboxPage,
    InboxRow,
    Queue,
    Viewer,
    decode_cursor,
    encode_cursor,
)
from groundswell.models import Case, SlaClockRecord

PAGE_SIZE = 50
BREACH_WINDOW_S = 3600.0  # "breaching soon": a clock due within the hour
_STATE_ORDER = ("breached", "warned", "running", "paused")


def visible_queues(viewer: Viewer) -> list[Queue]:
    """Mine and my team's for employees, unassigned and breaching soon for everyone, all for managers."""
    queues = [Queue.MINE, Queue.TEAM] if viewer.employee_id is not None else []
    queues += [Queue.UNASSIGNED, Queue.BREACHING]
    return [*queues, Queue.ALL] if viewer.may_see_all else queues


def default_queue(viewer: Viewer) -> Queue:
    return visible_queues(viewer)[0]


def inbox_page(
    session: Session,
    *,
    viewer: Viewer,
    queue: str | None = None,
    filters: InboxFilters | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> InboxPage:
    queues = visible_queues(viewer)
    chosen = _queue(queue, queues) if queue else queues[0]
    filters = filters or InboxFilters()
    if not 1 <= limit <= 200:
        raise InvalidInput(f"limit must be between 1 and 200, got {limit}")
    cases = queue_repository.page_of_cases(
        session, queue=chosen, employee=queue_repository.employee(session, viewer.employee_id), filters=filters,
        after=decode_cursor(cursor) if cursor else None, limit=limit + 1, now=now or datetime.now(UTC),
        breach_window_s=BREACH_WINDOW_S,
    )  # fmt: skip
    more = len(cases) > limit
    cases = cases[:limit]
    last = cases[-1] if cases else None
    return InboxPage(
        queue=chosen, queues=queues, filters=filters, rows=_rows(session, cases), cursor=cursor,
        next_cursor=encode_cursor(last.opened_at, last.id) if more and last else None,
    )  # fmt: skip


def _queue(value: str, allowed: list[Queue]) -> Queue:
    try:
        queue = Queue(value)
    except ValueError:
        raise InvalidInput(f"unknown queue {value!r}; use one of {', '.join(q.value for q in allowed)}") from None
    if queue not in allowed:
        # Not a 403: the route is open to the role; this queue is just not one of this person's.
        raise InvalidInput(f"the {queue.value} queue is not open to you; yours: {', '.join(q.value for q in allowed)}")
    return queue


def _rows(session: Session, cases: list[Case]) -> list[InboxRow]:
    """Rows for the cases, with names and SLA clocks fetched in bulk (no query per row)."""
    teams = repository.team_names(session, [c.team_id for c in cases if c.team_id])
    people = repository.employee_handles(session, [c.assignee_id for c in cases if c.assignee_id])
    customers = repository.author_handles(session, [c.customer_id for c in cases if c.customer_id])
    clocks = queue_repository.live_clocks(session, [c.id for c in cases])
    return [_row(case, teams, people, customers, clocks[case.id]) for case in cases]


def _row(
    case: Case,
    teams: dict[int, str],
    people: dict[int, str],
    customers: dict[int, str],
    clocks: list[SlaClockRecord],
) -> InboxRow:
    signals = (case.routing or {}).get("signals") or {}
    urgency = signals.get("urgency")
    states = {clock.state for clock in clocks}
    return InboxRow(
        id=case.id, subject=case.subject, status=case.status, priority=case.priority, channel=case.channel,
        customer=customers.get(case.customer_id) if case.customer_id else None,
        team=teams.get(case.team_id) if case.team_id else None,
        assignee=people.get(case.assignee_id) if case.assignee_id else None,
        tags=list(case.tags or []), opened_at=case.opened_at,
        sentiment=signals.get("sentiment") if isinstance(signals.get("sentiment"), str) else None,
        intents=[str(i) for i in signals.get("intents") or []], topics=[str(t) for t in signals.get("topics") or []],
        urgency=float(urgency) if isinstance(urgency, int | float) else None,
        sla_due_at=min((c.due_at for c in clocks if c.state in ("running", "warned")), default=None),
        sla_state=next((state for state in _STATE_ORDER if state in states), None),
    )  # fmt: skip
