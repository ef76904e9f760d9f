"""Queries of the incident service: incidents, their timeline, links and statements, and what they group."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from groundswell.errors import NotFound
from groundswell.models import (
    Alert,
    CasePost,
    Incident,
    IncidentEvent,
    IncidentLink,
    IncidentStatement,
    OutboxMessage,
    Post,
)

LINK_KINDS = ("alert", "post", "case")
OPEN_STATUSES = ("open", "monitoring")


def get_incident(session: Session, incident_id: int, *, for_update: bool = False) -> Incident:
    stmt = select(Incident).where(Incident.id == incident_id)
    incident = session.scalars(stmt.with_for_update() if for_update else stmt).one_or_none()
    if incident is None:
        raise NotFound(f"incident {incident_id} not found; `groundswell incidents list` shows the incidents")
    return incident


def list_incidents(session: Session, *, status: str | None = None, limit: int = 100) -> list[Incident]:
    """Newest first."""
    stmt = select(Incident).order_by(Incident.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(Incident.status == status)
    return list(session.scalars(stmt))


def open_for_scope(session: Session, scope_kind: str, scope: str) -> Incident | None:
    """The oldest incident not yet resolved for this scope, if any."""
    stmt = (
        select(Incident)
        .where(Incident.scope_kind == scope_kind, Incident.scope == scope, Incident.status.in_(OPEN_STATUSES))
        .order_by(Incident.id)
        .limit(1)
    )
    return session.scalars(stmt).first()


def get_alert(session: Session, alert_id: int, *, for_update: bool = False) -> Alert:
    stmt = select(Alert).where(Alert.id == alert_id)
    alert = session.scalars(stmt.with_for_update() if for_update else stmt).one_or_none()
    if alert is None:
        raise NotFound(f"alert {alert_id} not found; `groundswell alerts list` shows the alerts")
    return alert


def links(session: Session, incident_id: int, kind: str | None = None) -> list[IncidentLink]:
    stmt = select(IncidentLink).where(IncidentLink.incident_id == incident_id).order_by(IncidentLink.id)
    if kind is not None:
        stmt = stmt.where(IncidentLink.kind == kind)
    return list(session.scalars(stmt))


def linked_ids(session: Session, incident_id: int, kind: str) -> list[int]:
    return [link.ref_id for link in links(session, incident_id, kind)]


def add_link(session: Session, *, incident_id: int, kind: str, ref_id: int, at: datetime) -> bool:
    """Link once; False when it was already linked."""
    existing = session.scalars(
        select(IncidentLink.id).where(
            IncidentLink.incident_id == incident_id, IncidentLink.kind == kind, IncidentLink.ref_id == ref_id
        )
    ).first()
    if existing is not None:
        return False
    session.add(IncidentLink(incident_id=incident_id, kind=kind, ref_id=ref_id, added_at=at))
    session.flush()
    return True


def remove_link(session: Session, *, incident_id: int, kind: str, ref_id: int) -> bool:
    result = session.execute(
        delete(IncidentLink).where(
            IncidentLink.incident_id == incident_id, IncidentLink.kind == kind, IncidentLink.ref_id == ref_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


def cases_of_posts(session: Session, post_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(post_ids))
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found |= set(session.scalars(select(CasePost.case_id).where(CasePost.post_id.in_(chunk))))
    return sorted(found)


def existing_posts(session: Session, post_ids: Iterable[int]) -> list[int]:
    """Those of `post_ids` that are stored posts, sorted."""
    ids = sorted(set(post_ids))
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found |= set(session.scalars(select(Post.id).where(Post.id.in_(ids[start : start + 500]))))
    return sorted(found)


def events(session: Session, incident_id: int) -> list[IncidentEvent]:
    stmt = select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
    return list(session.scalars(stmt))


def alerts(session: Session, alert_ids: Sequence[int]) -> list[Alert]:
    if not alert_ids:
        return []
    return list(session.scalars(select(Alert).where(Alert.id.in_(list(alert_ids))).order_by(Alert.detected_at)))


def get_statement(session: Session, statement_id: int, *, for_update: bool = False) -> IncidentStatement:
    stmt = select(IncidentStatement).where(IncidentStatement.id == statement_id)
    row = session.scalars(stmt.with_for_update() if for_update else stmt).one_or_none()
    if row is None:
        raise NotFound(f"statement {statement_id} not found; `groundswell incidents show ID` lists an incident's")
    return row


def statements(session: Session, incident_id: int) -> list[IncidentStatement]:
    stmt = select(IncidentStatement).where(IncidentStatement.incident_id == incident_id).order_by(IncidentStatement.id)
    return list(session.scalars(stmt))


def outbox_by_key(session: Session, key: str) -> OutboxMessage | None:
    return session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one_or_none()
