"""Alert rows for the alerting tests, written through the ORM as the detector's service stores them
(one row per fingerprint; a repeat bumps `occurrences` and `last_detected_at`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from groundswell.models import Alert

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def add_alert(session: Session, **overrides: Any) -> Alert:
    values: dict[str, Any] = {
        "kind": "volume_spike", "scope_kind": "brand", "scope": "Voltline", "fingerprint": "spike:voltline",
        "start": T0 - timedelta(minutes=20), "detected_at": T0, "last_detected_at": T0, "severity": "high",
        "score": 7.5, "reach": 120_000, "summary": "Posts about Voltline are 9x the usual volume for this hour.",
        "key_phrases": ["battery fire", "recall"], "post_ids": [1, 2, 3], "details": {}, "occurrences": 1,
        "status": "open", "created_at": T0,
    }  # fmt: skip
    values.update(overrides)
    alert = Alert(**values)
    session.add(alert)
    session.flush()
    return alert


def recur(session: Session, alert: Alert, *, at: datetime, severity: str | None = None) -> Alert:
    """What the detector does when it sees the same thing again."""
    alert.occurrences += 1
    alert.last_detected_at = at
    alert.post_ids = [*alert.post_ids, max(alert.post_ids, default=0) + 1]
    if severity is not None:
        alert.severity = severity
    session.flush()
    return alert
