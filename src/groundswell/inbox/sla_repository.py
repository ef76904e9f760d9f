"""Queries of the SLA service: clocks by case, clocks a sweep must look at, and who to tell on escalation."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.inbox.schemas import OPEN_STATUSES
from groundswell.inbox.sla_schemas import ClockState
from groundswell.models.case import Case, SlaClockRecord
from groundswell.models.team import Employee

# Clocks that can still warn or breach. A paused clock can have breached before its pause began.
SWEPT_STATES = (ClockState.RUNNING.value, ClockState.PAUSED.value, ClockState.WARNED.value)


def clocks_of_case(session: Session, case_id: int) -> list[SlaClockRecord]:
    rows = session.scalars(select(SlaClockRecord).where(SlaClockRecord.case_id == case_id).order_by(SlaClockRecord.id))
    return list(rows)


def clocks_of_cases(session: Session, case_ids: Iterable[int]) -> dict[int, list[SlaClockRecord]]:
    ids = sorted(set(case_ids))
    found: dict[int, list[SlaClockRecord]] = {case_id: [] for case_id in ids}
    for start in range(0, len(ids), 500):  # keep the IN list well under every driver's parameter limit
        chunk = ids[start : start + 500]
        query = select(SlaClockRecord).where(SlaClockRecord.case_id.in_(chunk)).order_by(SlaClockRecord.id)
        for row in session.scalars(query):
            found[row.case_id].append(row)
    return found


def clocks_to_sweep(session: Session, *, limit: int | None = None) -> list[tuple[SlaClockRecord, Case]]:
    """Uncompleted clocks of open cases that have not breached yet, earliest deadline first. On PostgreSQL
    the rows are locked and rows another sweep holds are skipped, so two sweeps never record the same
    warning twice; SQLite serialises writers anyway."""
    query = (
        select(SlaClockRecord, Case)
        .join(Case, Case.id == SlaClockRecord.case_id)
        .where(
            SlaClockRecord.completed_at.is_(None),
            SlaClockRecord.state.in_(SWEPT_STATES),
            Case.status.in_([status.value for status in OPEN_STATUSES]),
        )
        .order_by(SlaClockRecord.due_at, SlaClockRecord.id)
        .with_for_update(of=SlaClockRecord, skip_locked=True)
    )
    if limit is not None:
        query = query.limit(limit)
    return [(clock, case) for clock, case in session.execute(query)]


def handles_with_role(session: Session, *, role: str, team_id: int | None) -> list[str]:
    """Active employees (not on leave) with `role`: those of the team when it has any, else everyone's."""
    base = select(Employee.handle).where(Employee.role == role, Employee.active.is_(True), Employee.on_leave.is_(False))
    if team_id is not None:
        in_team = list(session.scalars(base.where(Employee.team_id == team_id).order_by(Employee.handle)))
        if in_team:
            return in_team
    return list(session.scalars(base.order_by(Employee.handle)))
