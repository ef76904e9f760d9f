"""Streaming detection over the stored posts: each run reads the posts stored since the last one (with their
stored enrichments), updates the detector state kept in `detector_states`, and stores alerts, merging a repeat
of an open alert (same fingerprint) into it instead of raising another."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.alerts import repository
from groundswell.alerts.detection import AlertCandidate, Detector, DetectorConfig, PostSignal
from groundswell.alerts.detection_stats import SEVERITIES
from groundswell.alerts.files import scopes
from groundswell.governance import audit_log
from groundswell.models.alert import Alert, DetectorState

ACTOR = "detector"
BATCH = 2_000


def detect_new_posts(
    session: Session, *, by: Sequence[str] = ("brand",), now: datetime | None = None, batch_size: int = BATCH
) -> list[Alert]:
    """New or updated alerts from the posts stored since the last run. Flushes, never commits."""
    now = now or datetime.now(UTC)
    name = ",".join(by)
    row = repository.detector_state(session, name)
    if row is None:
        row = DetectorState(name=name, state={}, last_post_id=0, updated_at=now)
        session.add(row)
    detector = Detector.from_state(row.state, DetectorConfig(by=tuple(by)))
    candidates: list[AlertCandidate] = []
    while batch := repository.posts_after(session, row.last_post_id, batch_size):
        enrichments = repository.enrichments_for(session, [post.id for post, _, _ in batch])
        signals = [_signal(post, handle, followers, enrichments.get(post.id, {})) for post, handle, followers in batch]
        candidates.extend(detector.update(signals, now=now))
        row.last_post_id = batch[-1][0].id
    row.state = detector.state_dict()
    row.updated_at = now
    alerts = store_candidates(session, candidates, now)
    session.flush()
    if alerts:
        _notify(session, alerts, now)
    return alerts


def _signal(post: Any, handle: str | None, followers: int | None, enriched: dict[str, Any]) -> PostSignal:
    record = {"brand": post.brand, "product": post.product, **enriched}
    return PostSignal(
        post_id=post.id,
        created_at=post.created_at,
        scopes=scopes(record),
        author=handle,
        followers=followers or 0,
        negative=_label_is(enriched.get("sentiment"), "negative"),
        anger=_label_is(enriched.get("emotion"), "anger"),
        text=post.text,
    )


def _label_is(value: Any, label: str) -> bool | None:
    found = value.get("label") if isinstance(value, dict) else value
    return found == label if isinstance(found, str) else None


def store_candidates(session: Session, candidates: list[AlertCandidate], now: datetime) -> list[Alert]:
    touched: dict[int, Alert] = {}
    for candidate in candidates:
        alert = repository.open_alert(session, candidate.fingerprint)
        if alert is None:
            alert = _new_alert(candidate, now)
            session.add(alert)
            session.flush()
            audit_log.append(session, actor=ACTOR, action="alert.raised", entity="alert", entity_id=alert.id,
                             after=_audit_view(alert), at=now)  # fmt: skip
        else:
            before = _audit_view(alert)
            _merge(alert, candidate)
            session.flush()
            audit_log.append(session, actor=ACTOR, action="alert.repeated", entity="alert", entity_id=alert.id,
                             before=before, after=_audit_view(alert), at=now)  # fmt: skip
        touched[alert.id] = alert
    return list(touched.values())


def _new_alert(candidate: AlertCandidate, now: datetime) -> Alert:
    return Alert(
        kind=candidate.kind, scope_kind=candidate.scope_kind, scope=candidate.scope,
        fingerprint=candidate.fingerprint, start=candidate.start, detected_at=candidate.detected_at,
        last_detected_at=candidate.detected_at, severity=candidate.severity, score=candidate.score,
        reach=candidate.reach, summary=candidate.summary, key_phrases=list(candidate.key_phrases),
        post_ids=[int(p) for p in candidate.post_ids], details=candidate.details, occurrences=1,
        status="open", escalation_level=0, created_at=now,
    )  # fmt: skip


def _merge(alert: Alert, candidate: AlertCandidate) -> None:
    alert.occurrences += 1
    alert.last_detected_at = max(alert.last_detected_at, candidate.detected_at)
    alert.post_ids = alert.post_ids + [int(p) for p in candidate.post_ids if int(p) not in set(alert.post_ids)]
    alert.reach = max(alert.reach, candidate.reach)
    if SEVERITIES.index(candidate.severity) > SEVERITIES.index(alert.severity):
        alert.severity, alert.score, alert.summary = candidate.severity, candidate.score, candidate.summary
        alert.key_phrases = list(candidate.key_phrases)


def _audit_view(alert: Alert) -> dict[str, Any]:
    return {"kind": alert.kind, "scope": alert.scope, "severity": alert.severity, "occurrences": alert.occurrences,
            "fingerprint": alert.fingerprint}  # fmt: skip


def _notify(session: Session, alerts: list[Alert], now: datetime) -> None:
    """Hand new and updated alerts to the notifier (routing, e-mail, webhooks), when it is installed."""
    try:
        from groundswell.alerts.notify import on_alerts
    except ImportError:  # pragma: no cover - the notifier ships with the package
        return
    on_alerts(session, alerts=alerts, now=now)
