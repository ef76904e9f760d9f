"""Searching the audit log for the admin screen: filters on who, what and when, newest first, paged by id
(keyset: `before` is the smallest id already shown), so the millionth line costs what the first does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from groundswell.models.audit import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditQuery:
    text: str = ""  # matched within the actor, the action, the entity and its id
    actor: str = ""
    action: str = ""  # an action, or a prefix ending in "." ("reply." matches every reply action)
    entity: str = ""
    entity_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    next_before: int | None  # pass as `before` for the next (older) page; None on the last page


def search(session: Session, query: AuditQuery, *, before: int | None = None, limit: int = 50) -> AuditPage:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit + 1)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    if query.text.strip():
        needle = f"%{query.text.strip()}%"
        stmt = stmt.where(
            or_(
                AuditEntry.actor.ilike(needle), AuditEntry.action.ilike(needle), AuditEntry.entity.ilike(needle),
                AuditEntry.entity_id.ilike(needle),
            )
        )  # fmt: skip
    if query.actor:
        stmt = stmt.where(AuditEntry.actor == query.actor)
    if query.action:
        action = query.action
        stmt = stmt.where(
            AuditEntry.action.startswith(action, autoescape=True)
            if action.endswith(".")
            else AuditEntry.action == action
        )
    if query.entity:
        stmt = stmt.where(AuditEntry.entity == query.entity)
    if query.entity_id:
        stmt = stmt.where(AuditEntry.entity_id == query.entity_id)
    if query.since is not None:
        stmt = stmt.where(AuditEntry.at >= query.since)
    if query.until is not None:
        stmt = stmt.where(AuditEntry.at < query.until)
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    entries = rows[:limit]
    return AuditPage(entries=entries, next_before=entries[-1].id if more and entries else None)
