"""Escalation: what an SLA policy's `escalate:` steps do to a case when one of its clocks warns or breaches.

A step raises the priority (never lowers it), adds tags, and names who should be told (employees by handle,
and the members of a role in the case's team, or company-wide when the team has none). It records an
"escalated" event on the timeline and an audit line. Reassignment is left to the inbox (`reassign` is
reported to the caller), because choosing a new assignee is the assigner's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from groundswell.governance import audit_log
from groundswell.inbox.repository import record_event
from groundswell.inbox.sla_repository import handles_with_role
from groundswell.inbox.sla_schemas import EscalationAction
from groundswell.models.case import Case, SlaClockRecord
from groundswell.routing.schemas import Priority
from groundswell.routing.sla import SlaEscalation, SlaState

_URGENCY = [p.value for p in Priority]  # most urgent first


def raised(current: str, wanted: Priority | None) -> str:
    """The more urgent of the two; an unknown current value is replaced by the wanted one."""
    if wanted is None:
        return current
    if current not in _URGENCY:
        return wanted.value
    return min(current, wanted.value, key=_URGENCY.index)


def escalate(
    session: Session,
    *,
    case: Case,
    clock: SlaClockRecord,
    steps: Sequence[SlaEscalation],
    trigger: SlaState,
    actor: str,
    now: datetime,
) -> EscalationAction:
    """Apply `steps` (already chosen for this clock and trigger) to the case, all as one escalation."""
    before = {"priority": case.priority, "tags": list(case.tags or [])}
    priority = case.priority
    tags = list(case.tags or [])
    notify: list[str] = []
    roles: list[str] = []
    for step in steps:
        priority = raised(priority, step.priority)
        tags += [tag for tag in step.add_tags if tag not in tags]
        named = list(step.notify)
        if step.notify_role:
            roles.append(step.notify_role)
            named += handles_with_role(session, role=step.notify_role, team_id=case.team_id)
        notify += [handle for handle in named if handle not in notify]
    action = EscalationAction(
        case_id=case.id,
        clock=clock.clock,
        policy=clock.policy,
        trigger=trigger.value,
        priority_before=case.priority,
        priority_after=priority,
        tags_added=[tag for tag in tags if tag not in before["tags"]],
        notify=notify,
        notify_role=", ".join(dict.fromkeys(roles)) or None,
        reassign=any(step.reassign for step in steps),
    )
    case.priority = priority
    case.tags = tags
    case.updated_at = now
    clock.escalated_at = now
    data = action.model_dump(mode="json", exclude={"case_id"})
    record_event(session, case=case, kind="escalated", actor=actor, data=data, at=now)
    audit_log.append(
        session, actor=actor, action="case.escalate", entity="case", entity_id=case.id, before=before,
        after={"priority": priority, "tags": tags, "clock": clock.clock, "trigger": trigger.value,
               "notify": notify, "reassign": action.reassign},
        at=now,
    )  # fmt: skip
    return action
