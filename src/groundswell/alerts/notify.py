"""Alert notifications: route each alert to its targets through the outbox, quietly, and escalate it when
nobody acknowledges it in time.

Quiet de-duplication. Every notification is one outbox message keyed `alert:{id}:{level}:{target}`, so a
target hears about one alert once per escalation level however often the detector sees it again (it
merges repeats into the same Alert row). Only a rise in severity notifies the targets already told once
more, under `alert:{id}:{level}:{target}:{severity}`. What was sent is read back from the outbox rows
themselves (their `extra` records level, target and severity), so there is no second bookkeeping to
drift out of step.

Escalation. `on_alerts` notifies level 0 at once and records the time in `escalated_at`. `escalate_due`
moves an open, unacknowledged alert one level up when `after_minutes` of the next level have passed since
`escalated_at` (when several routes match, the shortest delay among them), notifies that level's targets
and stamps the time again: level 2 waits its minutes after level 1 went out, never less, even when a sweep
comes late. Acknowledging or resolving an alert stops it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.alerts import notify_payloads as payloads
from groundswell.alerts.routes import EmailTarget, Route, RoutesConfig, Target, load_routes, severity_rank
from groundswell.config import get_settings
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.models import Alert, OutboxMessage
from groundswell.outbox import service as outbox
from groundswell.outbox.service import MAX_KEY_LENGTH

ENTITY = "alert"
ACTOR = "alerting"
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"


@dataclass(frozen=True, slots=True)
class Recipient:
    """One place a target delivers to: a webhook URL, or one address of an e-mail target."""

    key: str  # stable within the target: its name, or name/address
    channel: str
    address: str


def recipients(target: Target) -> list[Recipient]:
    if isinstance(target, EmailTarget):
        return [Recipient(f"{target.name}/{a}", "email", a) for a in target.addresses]
    return [Recipient(target.name, target.kind, target.url)]


def idempotency_key(alert_id: int, level: int, recipient_key: str, rise: str | None = None) -> str:
    tail = f":{rise}" if rise else ""
    key = f"alert:{alert_id}:{level}:{recipient_key}{tail}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha256(recipient_key.encode()).hexdigest()[:24]
    return f"alert:{alert_id}:{level}:{recipient_key.split('/')[0][:40]}/{digest}{tail}"


def default_config() -> RoutesConfig | None:
    """The routes file named by GROUNDSWELL_ALERT_ROUTES, or None when alerting is not configured."""
    path = get_settings().alert_routes
    return load_routes(path) if path else None


def on_alerts(
    session: Session,
    *,
    alerts: Sequence[Alert],
    config: RoutesConfig | None = None,
    now: datetime | None = None,
    actor: str = ACTOR,
) -> list[OutboxMessage]:
    """Queue the notifications that new or more severe alerts call for: level 0 (and any level an alert
    has already reached) for targets not yet told, and targets told at a lower severity once more.
    Without a configuration (none given, GROUNDSWELL_ALERT_ROUTES unset) nothing is sent."""
    config = config if config is not None else default_config()
    if config is None or not alerts:
        return []
    when = now or datetime.now(UTC)
    queued: list[OutboxMessage] = []
    for alert in _locked(session, [a.id for a in alerts]):
        if alert.status == RESOLVED:
            continue
        routes = _routes(config, alert)
        reached = alert.escalation_level if alert.escalated_at is not None else 0
        wanted = [(level, name) for route in routes for level, name in _targets_up_to(route, reached)]
        sent = _notify(session, alert, config, wanted, when=when, actor=actor, action="alert.notify")
        if sent and alert.escalated_at is None:
            alert.escalation_level, alert.escalated_at = 0, when
        queued += sent
    session.flush()
    return queued


def escalate_due(
    session: Session, *, config: RoutesConfig | None = None, now: datetime | None = None, actor: str = ACTOR
) -> list[OutboxMessage]:
    """Move every open alert whose next level is due up one level and notify that level's targets."""
    config = config if config is not None else default_config()
    if config is None:
        return []
    when = now or datetime.now(UTC)
    query = select(Alert).where(Alert.status == OPEN, Alert.escalated_at.is_not(None)).order_by(Alert.id)
    queued: list[OutboxMessage] = []
    for alert in session.scalars(query.with_for_update()).all():
        assert alert.escalated_at is not None
        routes = _routes(config, alert)
        following = alert.escalation_level + 1
        delays = [r.levels[following].after_minutes for r in routes if len(r.levels) > following]
        if not delays or when < alert.escalated_at + timedelta(minutes=min(delays)):
            continue
        wanted = [
            (following, name) for r in routes if len(r.levels) > following for name in r.levels[following].targets
        ]
        before = {"escalation_level": alert.escalation_level, "escalated_at": alert.escalated_at.isoformat()}
        alert.escalation_level, alert.escalated_at = following, when
        session.flush()
        sent = _notify(session, alert, config, wanted, when=when, actor=actor, action="alert.escalate", before=before)
        if not sent:  # every target of the level had been told already: still record the step
            audit_log.append(session, actor=actor, action="alert.escalate", entity=ENTITY, entity_id=alert.id,
                             before=before, after={"escalation_level": following, "messages": []}, at=when)  # fmt: skip
        queued += sent
    session.flush()
    return queued


def acknowledge(session: Session, *, alert_id: int, by: str, now: datetime | None = None) -> Alert:
    """Someone is on it: the alert stops escalating. Acknowledging twice is a Conflict that names who did."""
    alert = _get(session, alert_id)
    if alert.status != OPEN:
        who = f" by {alert.acknowledged_by}" if alert.acknowledged_by else ""
        raise Conflict(f"alert {alert_id} is already {alert.status}{who}: only an open alert can be acknowledged")
    when = now or datetime.now(UTC)
    alert.status, alert.acknowledged_by, alert.acknowledged_at = ACKNOWLEDGED, _who(by), when
    session.flush()
    audit_log.append(session, actor=alert.acknowledged_by, action="alert.acknowledge", entity=ENTITY,
                     entity_id=alert.id, before={"status": OPEN, "escalation_level": alert.escalation_level},
                     after={"status": ACKNOWLEDGED}, at=when)  # fmt: skip
    return alert


def resolve(session: Session, *, alert_id: int, by: str, now: datetime | None = None) -> Alert:
    """The alert is over: no more notifications or escalation; a new detection opens a new alert."""
    alert = _get(session, alert_id)
    if alert.status == RESOLVED:
        raise Conflict(f"alert {alert_id} is already resolved")
    when = now or datetime.now(UTC)
    before = {"status": alert.status}
    alert.status = RESOLVED
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = _who(by), when
    session.flush()
    audit_log.append(session, actor=_who(by), action="alert.resolve", entity=ENTITY, entity_id=alert.id,
                     before=before, after={"status": RESOLVED}, at=when)  # fmt: skip
    return alert


def notifications(session: Session, alert_id: int) -> list[OutboxMessage]:
    """The outbox messages sent for one alert, oldest first."""
    prefix = f"alert:{alert_id}:"
    query = select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith(prefix, autoescape=True))
    return list(session.scalars(query.order_by(OutboxMessage.id)).all())


def _notify(
    session: Session,
    alert: Alert,
    config: RoutesConfig,
    wanted: Iterable[tuple[int, str]],
    *,
    when: datetime,
    actor: str,
    action: str,
    before: dict[str, Any] | None = None,
) -> list[OutboxMessage]:
    told = _told(session, alert.id)
    rank = severity_rank(alert.severity)
    queued: list[OutboxMessage] = []
    for level, name in dict.fromkeys(wanted):
        for recipient in recipients(config.target(name)):
            prior = told.get((level, recipient.key))
            if prior is not None and prior >= rank:
                continue
            rise = alert.severity if prior is not None else None
            queued.append(_enqueue(session, alert, config, level, name, recipient, rise=rise, when=when, actor=actor))
            told[(level, recipient.key)] = rank
    if queued:
        audit_log.append(
            session, actor=actor, action=action, entity=ENTITY, entity_id=alert.id, at=when, before=before,
            after={"escalation_level": alert.escalation_level, "severity": alert.severity,
                   "messages": [m.id for m in queued], "keys": [m.idempotency_key for m in queued]},
        )  # fmt: skip
    return queued


def _enqueue(
    session: Session,
    alert: Alert,
    config: RoutesConfig,
    level: int,
    target: str,
    recipient: Recipient,
    *,
    rise: str | None,
    when: datetime,
    actor: str,
) -> OutboxMessage:
    key = idempotency_key(alert.id, level, recipient.key, rise)
    doc = payloads.alert_document(alert, level=level, severity=alert.severity, rising=rise is not None,
                                  base_url=config.base_url or get_settings().alert_base_url)  # fmt: skip
    extra: dict[str, Any] = {"alert_id": alert.id, "level": level, "target": target, "recipient_key": recipient.key,
                             "severity": alert.severity}  # fmt: skip
    if recipient.channel == "email":
        extra.update(subject=payloads.email_subject(doc), notification=True)
    elif recipient.channel == "webhook":
        extra["payload"] = payloads.webhook_payload(doc, idempotency_key=key)
    elif recipient.channel == "slack":
        extra["payload"] = payloads.slack_payload(doc)
    else:
        extra["payload"] = payloads.teams_payload(doc)
    return outbox.enqueue(session, idempotency_key=key, channel=recipient.channel, text=payloads.summary_text(doc),
                          recipient=recipient.address, extra=extra, actor=actor, now=when)  # fmt: skip


def _told(session: Session, alert_id: int) -> dict[tuple[int, str], int]:
    """(level, recipient key) -> the highest severity rank already queued for it."""
    told: dict[tuple[int, str], int] = {}
    for row in notifications(session, alert_id):
        extra = row.extra or {}
        if "level" not in extra or "recipient_key" not in extra:
            continue
        slot = (int(extra["level"]), str(extra["recipient_key"]))
        told[slot] = max(told.get(slot, -1), severity_rank(str(extra.get("severity"))))
    return told


def _routes(config: RoutesConfig, alert: Alert) -> list[Route]:
    return config.matching(severity=alert.severity, scope_kind=alert.scope_kind, scope=alert.scope, kind=alert.kind)


def _targets_up_to(route: Route, level: int) -> list[tuple[int, str]]:
    return [(i, name) for i, lvl in enumerate(route.levels[: level + 1]) for name in lvl.targets]


def _locked(session: Session, ids: Sequence[int]) -> Sequence[Alert]:
    session.flush()
    return session.scalars(select(Alert).where(Alert.id.in_(ids)).order_by(Alert.id).with_for_update()).all()


def _get(session: Session, alert_id: int) -> Alert:
    alert = session.scalars(select(Alert).where(Alert.id == alert_id).with_for_update()).one_or_none()
    if alert is None:
        raise NotFound(f"no alert with id {alert_id}: check the id (the alert commands list them)")
    return alert


def _who(by: str) -> str:
    name = by.strip()
    if not name:
        raise InvalidInput("say who acknowledges or resolves the alert (--by NAME)")
    return name[:128]
