"""Changing a case's status: the one place that checks the transition, keeps the resolved and closed times
right, lets the SLA clocks follow, and writes the timeline event and the audit line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance import audit_log
from groundswell.inbox import sla_service
from groundswell.inbox.repository import record_event
from groundswell.inbox.rules import is_reopen, transition_problem
from groundswell.inbox.schemas import CaseStatus, EventKind
from groundswell.models import Case


def parse_status(value: str) -> CaseStatus:
    try:
        return CaseStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in CaseStatus)
        raise InvalidInput(f"unknown case status {value!r}; use one of {known}") from None


def apply_status(
    session: Session,
    *,
    case: Case,
    new: CaseStatus,
    actor: str,
    at: datetime,
    via_merge: bool = False,
    data: dict[str, Any] | None = None,
) -> None:
    """Move the case to `new` (checked by `rules.transition_problem`), keep the resolved/closed timestamps
    right, let the SLA clocks follow, and write the event (kind `reopened` for a reopen) and the audit line."""
    old = parse_status(case.status)
    problem = transition_problem(old, new, merged=case.merged_into_id is not None, via_merge=via_merge)
    if problem:
        raise Conflict(f"case {case.id}: {problem}")
    case.status = new.value
    if new is CaseStatus.RESOLVED:
        case.resolved_at = at
    elif new is CaseStatus.CLOSED:
        case.closed_at = at
        if not via_merge:  # a merged case was not resolved: its work goes on in the survivor
            case.resolved_at = case.resolved_at or at
    elif is_reopen(old, new):
        case.resolved_at = case.closed_at = None
    sla_service.on_status_change(session, case=case, old=old.value, new=new.value, now=at, actor=actor)
    kind = EventKind.REOPENED if is_reopen(old, new) else EventKind.STATUS_CHANGED
    details = {"from": old.value, "to": new.value} | (data or {})
    record_event(session, case=case, kind=kind, actor=actor, data=details, at=at)
    audit_log.append(
        session, actor=actor, action="case.reopen" if kind is EventKind.REOPENED else "case.status",
        entity="case", entity_id=case.id, before={"status": old.value}, after={"status": new.value} | (data or {}),
        at=at,
    )  # fmt: skip
