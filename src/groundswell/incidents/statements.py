"""Public statements during an incident (holding statements, updates, the all-clear), governed like replies.

- A statement drafted from one of the playbook's holding statements, with its variables filled and the text
  otherwise unchanged, is approved at once: the template passed approval when the playbook was written
  (and the policy checks ran again when it was loaded). It is recorded as "pre-approved by playbook X".
- Anything else (free text, or a holding statement edited) goes through the governance approval machine
  (`groundswell.governance.approval`): it is submitted on drafting, since every public statement in a crisis
  needs a second pair of eyes, and someone other than the author approves, rejects or edits and approves it.
  Managers approve; admissions of liability go to the legal role (admins hold it): the reply service's
  rules (`groundswell.replies.rules`), reused here so that people have the same rights on both.
- `send_statement` enqueues ONE public post through the outbox with the key
  `incident:{incident_id}:statement:{statement_id}`; sending again returns the same outbox message. A text with
  a block finding is never sent (the machine refuses it).

Each action writes one timeline event on the incident (`statement_<verb>`) and one audit line
(`statement.<verb>`), with personal data masked in the logged text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance import approval, audit_log
from groundswell.governance.pii import find_personal_data, masked_text
from groundswell.governance.schemas import Actor, DraftContext, DraftState, PolicyContext, ReplyDraft, Transition
from groundswell.governance.stored_draft import draft_of, store_draft
from groundswell.incidents import repository
from groundswell.incidents.playbooks import HoldingStatement, statement_findings
from groundswell.incidents.service import playbook_of
from groundswell.models import Employee, Incident, IncidentEvent, IncidentStatement, OutboxMessage
from groundswell.outbox.rules import REPLY_CHANNELS
from groundswell.outbox.service import enqueue
from groundswell.replies.repository import active_employee
from groundswell.replies.rules import REPLY_APPROVAL_RULES, actor_roles

ENTITY = "incident_statement"
Move = Callable[[ReplyDraft, Actor, datetime], Transition]


def statement_key(incident_id: int, statement_id: int) -> str:
    return f"incident:{incident_id}:statement:{statement_id}"


def draft_statement(
    session: Session,
    *,
    incident_id: int,
    author: str,
    holding: str | None = None,
    text: str | None = None,
    variables: Mapping[str, str] | None = None,
    language: str | None = None,
    channel: str | None = None,
    now: datetime | None = None,
) -> IncidentStatement:
    """A statement from holding statement `holding` (pre-approved when its text is unchanged), or from `text`
    (with `holding` too: an edited holding statement), which is submitted for approval at once."""
    when = now or datetime.now(UTC)
    if holding is None and text is None:
        raise InvalidInput("give a holding statement's name or the statement's text")
    if text is not None and not text.strip():
        raise InvalidInput("the statement's text is empty")
    employee = active_employee(session, author)
    incident = repository.get_incident(session, incident_id)
    if incident.status == "resolved":
        raise Conflict(f"incident {incident_id} is resolved: reopen it before publishing a statement")
    template = playbook_of(incident).holding(holding, language) if holding is not None else None
    rendered = template.render(_variables(incident, variables)) if template is not None else None
    body = text if text is not None else str(rendered)
    preapproved = template is not None and body == rendered and not statement_findings(body)
    context = DraftContext(
        author=employee.handle,
        author_roles=actor_roles(employee.role, trainee=employee.trainee, requirement=None),
        policy=PolicyContext(),  # public
        required_approval=None if preapproved else f"a public statement on incident {incident.id} needs approval",
    )
    row = IncidentStatement(
        incident_id=incident.id, channel=_channel(channel, template, incident), author=employee.handle, text=body,
        state=DraftState.DRAFT.value, context={}, requirement=None,
        preapproved_template=template.name if preapproved and template else None, created_at=when, updated_at=when,
    )  # fmt: skip
    session.add(row)
    session.flush()
    draft = approval.start_draft(str(row.id), body, context, at=when, rules=REPLY_APPROVAL_RULES).draft
    extra: dict[str, Any] = {"holding": holding, "channel": row.channel}
    if preapproved and template is not None:
        draft = draft.model_copy(update={"state": DraftState.APPROVED, "approved_by": f"playbook {incident.playbook}"})
        extra["preapproved"] = f"pre-approved by playbook {incident.playbook} ({template.name}, {template.language})"
    store_draft(row, draft, when)
    _record(session, incident, row, verb="draft", before=None, after=draft, actor=author, at=when, extra=extra)
    if not preapproved:
        submitted = approval.submit(draft, by=_actor(employee, draft), at=when).draft
        store_draft(row, submitted, when)
        _record(session, incident, row, verb="submit", before=draft, after=submitted, actor=author, at=when)
    return row


def approve_statement(
    session: Session, *, statement_id: int, by: str, now: datetime | None = None
) -> IncidentStatement:
    return _act(session, statement_id=statement_id, by=by, verb="approve", now=now,
                move=lambda draft, actor, at: approval.approve(draft, by=actor, at=at))  # fmt: skip


def reject_statement(
    session: Session, *, statement_id: int, by: str, reason: str, now: datetime | None = None
) -> IncidentStatement:
    return _act(session, statement_id=statement_id, by=by, verb="reject", now=now,
                move=lambda draft, actor, at: approval.reject(draft, reason, by=actor, at=at))  # fmt: skip


def edit_and_approve_statement(
    session: Session, *, statement_id: int, by: str, text: str, now: datetime | None = None
) -> IncidentStatement:
    """The approver fixes the text and approves it in one step; the new text is checked again."""
    return _act(session, statement_id=statement_id, by=by, verb="edit_and_approve", now=now,
                move=lambda draft, actor, at: approval.edit_and_approve(draft, text, by=actor, at=at,
                                                                        rules=REPLY_APPROVAL_RULES))  # fmt: skip


def send_statement(session: Session, *, statement_id: int, by: str, now: datetime | None = None) -> OutboxMessage:
    """Queue the approved statement as one public post; sending a sent statement returns its message."""
    when = now or datetime.now(UTC)
    row = repository.get_statement(session, statement_id, for_update=True)
    key = statement_key(row.incident_id, row.id)
    if row.state == DraftState.SENT.value:
        existing = repository.outbox_by_key(session, key)
        if existing is None:  # pragma: no cover - the send and the enqueue commit together
            raise Conflict(f"statement {statement_id} is marked sent but has no outbox message {key!r}")
        return existing
    employee = active_employee(session, by)
    draft = draft_of(row)
    sent = approval.send(draft, by=_actor(employee, draft), at=when).draft
    store_draft(row, sent, when)
    message = enqueue(
        session, idempotency_key=key, channel=row.channel, text=row.text, visibility="public", in_reply_to=None,
        recipient=None, extra={"incident_id": row.incident_id, "statement_id": row.id}, actor=by, now=when,
    )  # fmt: skip
    incident = repository.get_incident(session, row.incident_id)
    _record(session, incident, row, verb="send", before=draft, after=sent, actor=by, at=when,
            extra={"outbox_message_id": message.id, "channel": row.channel})  # fmt: skip
    return message


# ---- steps ---------------------------------------------------------------------------------------


def _act(
    session: Session, *, statement_id: int, by: str, verb: str, now: datetime | None, move: Move
) -> IncidentStatement:
    when = now or datetime.now(UTC)
    row = repository.get_statement(session, statement_id, for_update=True)
    employee = active_employee(session, by)
    draft = draft_of(row)
    transition = move(draft, _actor(employee, draft), when)
    store_draft(row, transition.draft, when)
    incident = repository.get_incident(session, row.incident_id)
    _record(session, incident, row, verb=verb, before=draft, after=transition.draft, actor=by, at=when)
    return row


def _actor(employee: Employee, draft: ReplyDraft) -> Actor:
    return Actor(
        name=employee.handle, roles=actor_roles(employee.role, trainee=employee.trainee, requirement=draft.requirement)
    )


def _record(
    session: Session,
    incident: Incident,
    row: IncidentStatement,
    *,
    verb: str,
    before: ReplyDraft | None,
    after: ReplyDraft,
    actor: str,
    at: datetime,
    extra: Mapping[str, Any] | None = None,
) -> None:
    state_after = _audit_state(after) | dict(extra or {})
    audit_log.append(session, actor=actor, action=f"statement.{verb}", entity=ENTITY, entity_id=row.id,
                     before=_audit_state(before) if before else None, after=state_after, at=at)  # fmt: skip
    data = {"statement_id": row.id, "state": after.state.value} | {
        k: v
        for k, v in state_after.items()
        if k in {"findings", "approved_by", "reason", "outbox_message_id", "preapproved", "approver_role", "holding"}
    }
    session.add(IncidentEvent(incident_id=incident.id, at=at, actor=actor, kind=f"statement_{verb}", data=data))
    incident.updated_at = max(incident.updated_at, at)
    session.flush()


def _audit_state(draft: ReplyDraft) -> dict[str, Any]:
    state: dict[str, Any] = {
        "state": draft.state.value,
        "text": masked_text(draft.text, find_personal_data(draft.text)),
        "findings": [f"{f.severity.value}:{f.code}" for f in draft.findings],
    }
    if draft.requirement is not None:
        state["approver_role"] = draft.requirement.role
    if draft.approved_by:
        state["approved_by"] = draft.approved_by
    if draft.rejection_reason:
        state["reason"] = draft.rejection_reason
    return state


def _variables(incident: Incident, given: Mapping[str, str] | None) -> dict[str, str]:
    defaults = {"scope": incident.scope or "", "scope_kind": incident.scope_kind or "", "incident_id": str(incident.id)}
    if incident.scope_kind == "brand" and incident.scope:
        defaults["brand"] = incident.scope
    return defaults | dict(given or {})


def _channel(channel: str | None, template: HoldingStatement | None, incident: Incident) -> str:
    default = playbook_of(incident).default_channel if incident.playbook_document else "mastodon"
    chosen = (channel or (template.channel if template else None) or default).strip().lower()
    if chosen not in REPLY_CHANNELS:
        raise InvalidInput(f"statements go out on {', '.join(REPLY_CHANNELS)}, not {chosen!r}")
    if chosen == "email":
        raise InvalidInput("a public statement cannot go out by e-mail: choose a public channel such as mastodon")
    return chosen
