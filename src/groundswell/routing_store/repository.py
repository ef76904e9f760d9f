"""Queries over the stored versions of the routing rules."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from groundswell.errors import NotFound
from groundswell.models.team import RoutingRulesVersion


def active_version(session: Session) -> RoutingRulesVersion | None:
    stmt = (
        select(RoutingRulesVersion)
        .where(RoutingRulesVersion.active.is_(True))
        .order_by(RoutingRulesVersion.version.desc())
    )
    return session.scalars(stmt.limit(1)).one_or_none()


def version_by_number(session: Session, version: int) -> RoutingRulesVersion:
    row = session.scalars(select(RoutingRulesVersion).where(RoutingRulesVersion.version == version)).one_or_none()
    if row is None:
        raise NotFound(f"routing rules version {version} not found; `groundswell rules list` shows the versions")
    return row


def all_versions(session: Session) -> list[RoutingRulesVersion]:
    """Newest first."""
    return list(session.scalars(select(RoutingRulesVersion).order_by(RoutingRulesVersion.version.desc())))


def latest_number(session: Session) -> int:
    return session.scalar(select(func.max(RoutingRulesVersion.version))) or 0


def deactivate_all(session: Session) -> None:
    session.execute(
        update(RoutingRulesVersion).where(RoutingRulesVersion.active.is_(True)).values(active=False),
        execution_options={"synchronize_session": "fetch"},
    )
