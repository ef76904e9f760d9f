"""Shared by the people and routing_store tests: a small roster and audit-log readers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.models import AuditEntry


def audit_lines(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def roster(**overrides: Any) -> dict[str, Any]:
    """A small people document: two teams, three employees."""
    base: dict[str, Any] = {
        "teams": {
            "care": {"description": "Everything else", "calendar": {"timezone": "UTC", "hours": "24/7"},
                     "strategy": "best_match"},
            "bags-ord": {"place": "ORD",
                         "calendar": {"timezone": "America/Chicago", "hours": {"daily": "05:00-23:00"}}},
        },
        "employees": [
            {"handle": "ana", "display_name": "Ana", "role": "manager", "team": "care", "max_open_cases": 3},
            {"handle": "ben", "team": "bags-ord", "place": "ORD", "skills": {"languages": ["en", "es"]},
             "shift": {"timezone": "America/Chicago", "hours": {"mon-fri": "05:00-14:00"}}},
            {"handle": "cy", "role": "analyst", "team": "care", "max_open_cases": 0},
        ],
    }  # fmt: skip
    return base | overrides
