"""What the incident commands and pages show: an incident with its roles, checklist, links, timeline and
statements, as plain values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from groundswell.incidents import repository
from groundswell.incidents.statements import statement_key
from groundswell.models import Incident, IncidentStatement


class IncidentSummary(BaseModel):
    id: int
    title: str
    status: str
    severity: str
    playbook: str | None
    scope_kind: str | None
    scope: str | None
    marketing_paused: bool
    opened_by: str
    opened_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, row: Incident) -> IncidentSummary:
        return cls.model_validate(row, from_attributes=True)


class EventView(BaseModel):
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any]


class StatementView(BaseModel):
    id: int
    incident_id: int
    channel: str
    author: str
    text: str
    state: str
    approved_by: str | None
    preapproved_template: str | None
    rejection_reason: str | None
    approver_role: str | None
    reasons: list[str]
    findings: list[dict[str, Any]]
    outbox_message_id: int | None = None
    delivery: str | None = None

    @classmethod
    def of(cls, session: Session, row: IncidentStatement) -> StatementView:
        message = repository.outbox_by_key(session, statement_key(row.incident_id, row.id))
        requirement = row.requirement or {}
        return cls(
            id=row.id, incident_id=row.incident_id, channel=row.channel, author=row.author, text=row.text,
            state=row.state, approved_by=row.approved_by, preapproved_template=row.preapproved_template,
            rejection_reason=row.rejection_reason, approver_role=requirement.get("role"),
            reasons=list(requirement.get("reasons") or []), findings=list((row.context or {}).get("findings") or []),
            outbox_message_id=message.id if message else None, delivery=message.status if message else None,
        )  # fmt: skip


class IncidentView(IncidentSummary):
    summary: str
    roles: dict[str, str | None]
    checklist: list[dict[str, Any]]
    links: dict[str, list[int]]
    timeline: list[EventView]
    statements: list[StatementView]

    @classmethod
    def load(cls, session: Session, incident_id: int) -> IncidentView:
        row = repository.get_incident(session, incident_id)
        base = IncidentSummary.of(row).model_dump()
        return cls(
            **base, summary=row.summary, roles=dict(row.roles), checklist=list(row.checklist),
            links={kind: repository.linked_ids(session, incident_id, kind) for kind in repository.LINK_KINDS},
            timeline=[EventView(at=e.at, actor=e.actor, kind=e.kind, data=e.data)
                      for e in repository.events(session, incident_id)],
            statements=[StatementView.of(session, s) for s in repository.statements(session, incident_id)],
        )  # fmt: skip
