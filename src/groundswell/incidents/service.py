"""Incidents: open one from an alert and a playbook, group alerts, posts and cases, fill roles, work the
checklist, take notes and move the status (open -> monitoring -> resolved, and reopen).

Every change writes one timeline event (`incident_events`) and one audit line (`incident.<verb>`).
Services flush and never commit: the caller owns the transaction.

One incident per scope: an alert for a scope that already has an incident not yet resolved is linked to
that incident instead of opening a second one, so a crisis that raises fifty alerts is one incident.
Linking an alert links its posts and the cases holding them; linking a post links its case.

Public statements are in `statements.py`, metrics in `metrics.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance import audit_log
from groundswell.incidents import repository
from groundswell.incidents.playbooks import SCOPE_KINDS, SEVERITIES, Playbook, parse_duration
from groundswell.incidents.repository import LINK_KINDS
from groundswell.models import Alert, Case, Incident, IncidentEvent, Post
from groundswell.people.repository import employee_by_handle

ENTITY = "incident"
STATUSES = ("open", "monitoring", "resolved")
# status -> statuses it may move to; resolved -> open is a reopen
MOVES: dict[str, tuple[str, ...]] = {"open": ("monitoring", "resolved"), "monitoring": ("open", "resolved"),
                                     "resolved": ("open",)}  # fmt: skip


def open_incident(
    session: Session,
    *,
    alert_id: int | None = None,
    playbook: Playbook,
    opened_by: str,
    now: datetime | None = None,
    scope_kind: str | None = None,
    scope: str | None = None,
    title: str | None = None,
    severity: str | None = None,
) -> Incident:
    """Open an incident from an alert (or by hand, naming the scope) following `playbook`.

    An alert already in an incident returns that incident; an alert whose scope has an incident not yet
    resolved is linked to it and returns it. Otherwise a new incident copies the playbook's roles (unfilled)
    and checklist (with due times from now), pauses marketing if the playbook says so, and links the alert,
    its posts and their cases."""
    when = now or datetime.now(UTC)
    alert = repository.get_alert(session, alert_id, for_update=True) if alert_id is not None else None
    if alert is not None:
        if alert.incident_id is not None:
            return repository.get_incident(session, alert.incident_id)
        scope_kind, scope = alert.scope_kind, alert.scope
        severity = severity or alert.severity
        existing = repository.open_for_scope(session, scope_kind, scope)
        if existing is not None:
            link(session, incident_id=existing.id, kind="alert", ref_id=alert.id, by=opened_by, now=when)
            return existing
    _check_scope(scope_kind, scope)
    severity = severity or "medium"
    if severity not in SEVERITIES:
        raise InvalidInput(f"unknown severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    incident = Incident(
        title=title or _title(playbook, alert, scope), status="open", severity=severity, playbook=playbook.name,
        playbook_document=playbook.model_dump(mode="json"), scope_kind=scope_kind, scope=scope,
        roles={role.name: None for role in playbook.roles}, checklist=_checklist(playbook, when),
        marketing_paused=playbook.pause_marketing, summary=alert.summary if alert else "", opened_by=opened_by,
        opened_at=when, resolved_at=None, updated_at=when,
    )  # fmt: skip
    session.add(incident)
    session.flush()
    _record(session, incident, verb="open", actor=opened_by, at=when, before=None, after=_state(incident),
            data={"playbook": playbook.name, "alert_id": alert_id, "scope": f"{scope_kind}:{scope}",
                  "marketing_paused": incident.marketing_paused})  # fmt: skip
    if alert is not None:
        link(session, incident_id=incident.id, kind="alert", ref_id=alert.id, by=opened_by, now=when)
    return incident


def link(session: Session, *, incident_id: int, kind: str, ref_id: int, by: str, now: datetime | None = None) -> int:
    """Group an alert, post or case under the incident (each once). Returns how many links were added,
    counting those that follow: an alert's posts and their cases, a post's case."""
    when = now or datetime.now(UTC)
    incident = repository.get_incident(session, incident_id)
    _check_kind(kind)
    post_ids: list[int] = []
    if kind == "alert":
        alert = repository.get_alert(session, ref_id, for_update=True)
        if alert.incident_id not in (None, incident.id):
            raise Conflict(f"alert {ref_id} belongs to incident {alert.incident_id}: unlink it there first")
        alert.incident_id = incident.id
        post_ids = repository.existing_posts(session, [int(p) for p in alert.post_ids or []])
    else:
        _require(session, Post if kind == "post" else Case, ref_id, kind)
    added = int(repository.add_link(session, incident_id=incident.id, kind=kind, ref_id=ref_id, at=when))
    case_ids = repository.cases_of_posts(session, [ref_id] if kind == "post" else post_ids)
    for post_id in post_ids:
        added += repository.add_link(session, incident_id=incident.id, kind="post", ref_id=post_id, at=when)
    for case_id in case_ids:
        added += repository.add_link(session, incident_id=incident.id, kind="case", ref_id=case_id, at=when)
    if added:
        data = {"kind": kind, "ref_id": ref_id, "posts": len(post_ids), "cases": case_ids}
        _record(session, incident, verb="link", actor=by, at=when, data=data, before=None, after=data)
    return added


def unlink(session: Session, *, incident_id: int, kind: str, ref_id: int, by: str, now: datetime | None = None) -> None:
    """Take one alert, post or case out of the incident (what followed it stays linked)."""
    when = now or datetime.now(UTC)
    incident = repository.get_incident(session, incident_id)
    _check_kind(kind)
    if not repository.remove_link(session, incident_id=incident.id, kind=kind, ref_id=ref_id):
        raise InvalidInput(f"{kind} {ref_id} is not linked to incident {incident_id}")
    if kind == "alert":
        alert = session.get(Alert, ref_id)
        if alert is not None and alert.incident_id == incident.id:
            alert.incident_id = None
    data = {"kind": kind, "ref_id": ref_id}
    _record(session, incident, verb="unlink", actor=by, at=when, data=data, before=data, after=None)


def assign_role(
    session: Session, *, incident_id: int, role: str, employee: str, by: str, now: datetime | None = None
) -> Incident:
    """Fill a playbook role with an active employee whose company role the playbook allows for it."""
    when = now or datetime.now(UTC)
    incident = repository.get_incident(session, incident_id, for_update=True)
    spec = playbook_of(incident).role(role)
    person = employee_by_handle(session, employee)
    if not person.active:
        raise Conflict(f"employee {employee!r} is no longer active: choose someone else for {role}")
    if person.role not in spec.allowed:
        raise Conflict(
            f"{employee} is {_article(person.role)} {person.role}; "
            f"the {role} role needs one of: {', '.join(spec.allowed)}"
        )
    before = dict(incident.roles)
    incident.roles = {**before, role: person.handle}
    incident.updated_at = when
    _record(session, incident, verb="assign_role", actor=by, at=when, data={"role": role, "employee": employee},
            before={"roles": before}, after={"roles": incident.roles})  # fmt: skip
    return incident


def complete_task(session: Session, *, incident_id: int, number: int, by: str, now: datetime | None = None) -> Incident:
    """Tick checklist task `number` (1-based) as done by `by`."""
    when = now or datetime.now(UTC)
    incident = repository.get_incident(session, incident_id, for_update=True)
    tasks = [dict(task) for task in incident.checklist]
    if not 1 <= number <= len(tasks):
        raise InvalidInput(f"incident {incident_id} has tasks 1 to {len(tasks)}, not {number}")
    task = tasks[number - 1]
    if task.get("done"):
        raise Conflict(f"task {number} ({task['title']}) was already done by {task['done_by']} at {task['done_at']}")
    task.update(done=True, done_by=by, done_at=when.isoformat())
    incident.checklist = tasks
    incident.updated_at = when
    late = bool(task.get("due_at")) and when > datetime.fromisoformat(str(task["due_at"]))
    _record(session, incident, verb="complete_task", actor=by, at=when,
            data={"task": number, "title": task["title"], "late": late},
            before={"task": number, "done": False}, after={"task": number, "done": True})  # fmt: skip
    return incident


def add_note(session: Session, *, incident_id: int, text: str, by: str, now: datetime | None = None) -> IncidentEvent:
    when = now or datetime.now(UTC)
    if not text.strip():
        raise InvalidInput("the note is empty")
    incident = repository.get_incident(session, incident_id)
    return _record(session, incident, verb="note", actor=by, at=when, data={"text": text.strip()},
                   before=None, after={"chars": len(text.strip())})  # fmt: skip


def set_status(session: Session, *, incident_id: int, status: str, by: str, now: datetime | None = None) -> Incident:
    """Move the incident: open -> monitoring -> resolved (or open -> resolved), monitoring -> open, and
    resolved -> open (a reopen, which clears resolved_at)."""
    when = now or datetime.now(UTC)
    if status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
    incident = repository.get_incident(session, incident_id, for_update=True)
    before = incident.status
    if status not in MOVES[before]:
        raise Conflict(f"incident {incident_id} is {before}: it can move to {' or '.join(MOVES[before])}")
    if before == "resolved" and (
        other := repository.open_for_scope(session, incident.scope_kind or "", incident.scope or "")
    ):
        raise Conflict(f"incident {other.id} is already open for {incident.scope}: work on that one instead")
    incident.status = status
    incident.resolved_at = when if status == "resolved" else None
    incident.updated_at = when
    verb = "reopen" if before == "resolved" else "resolve" if status == "resolved" else "status"
    _record(session, incident, verb=verb, actor=by, at=when, data={"from": before, "to": status},
            before={"status": before}, after={"status": status})  # fmt: skip
    return incident


def resolve(session: Session, *, incident_id: int, by: str, now: datetime | None = None) -> Incident:
    return set_status(session, incident_id=incident_id, status="resolved", by=by, now=now)


def reopen(session: Session, *, incident_id: int, by: str, now: datetime | None = None) -> Incident:
    return set_status(session, incident_id=incident_id, status="open", by=by, now=now)


def playbook_of(incident: Incident) -> Playbook:
    """The playbook as it was when the incident opened (a later edit of the file does not change it)."""
    if not incident.playbook_document:
        raise Conflict(f"incident {incident.id} was opened without a playbook: it has no roles or holding statements")
    return Playbook.model_validate(incident.playbook_document)


# ---- helpers -------------------------------------------------------------------------------------


def _record(
    session: Session, incident: Incident, *, verb: str, actor: str, at: datetime, data: dict[str, Any],
    before: Any, after: Any,
) -> IncidentEvent:  # fmt: skip
    event = IncidentEvent(incident_id=incident.id, at=at, actor=actor, kind=verb, data=data)
    session.add(event)
    incident.updated_at = max(incident.updated_at, at)
    audit_log.append(session, actor=actor, action=f"incident.{verb}", entity=ENTITY, entity_id=incident.id,
                     before=before, after=after, at=at)  # fmt: skip
    session.flush()
    return event


def _state(incident: Incident) -> dict[str, Any]:
    return {
        "status": incident.status,
        "severity": incident.severity,
        "playbook": incident.playbook,
        "scope": f"{incident.scope_kind}:{incident.scope}",
        "marketing_paused": incident.marketing_paused,
    }


def _checklist(playbook: Playbook, opened_at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "n": number,
            "title": task.title,
            "owner": task.owner,
            "due_after": task.due_after,
            "due_at": (opened_at + parse_duration(task.due_after)).isoformat() if task.due_after else None,
            "done": False,
            "done_by": None,
            "done_at": None,
        }
        for number, task in enumerate(playbook.tasks, start=1)
    ]


def _title(playbook: Playbook, alert: Alert | None, scope: str | None) -> str:
    if alert is not None:
        return f"{alert.scope}: {alert.summary}"[:200]
    return f"{scope}: {playbook.description or playbook.name}"[:200]


def _check_scope(scope_kind: str | None, scope: str | None) -> None:
    if scope_kind not in SCOPE_KINDS or not (scope or "").strip():
        raise InvalidInput(
            f"an incident without an alert needs its scope: a scope kind ({', '.join(SCOPE_KINDS)}) and a name"
        )


def _check_kind(kind: str) -> None:
    if kind not in LINK_KINDS:
        raise InvalidInput(f"cannot link a {kind!r}: an incident groups {', '.join(LINK_KINDS)}")


def _require(session: Session, model: type[Post] | type[Case], ref_id: int, what: str) -> None:
    if session.get(model, ref_id) is None:
        raise InvalidInput(f"{what} {ref_id} does not exist")


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
