"""Replies from draft to outbox, over the pure approval machine (`groundswell.governance.approval`).

Each action loads the reply, rebuilds its `ReplyDraft` from the row, asks the machine for the transition,
stores the new draft, and writes one audit line (`reply.<verb>`) and one timeline event on the case
(`reply_<verb>`). The machine decides everything about who may do what; this module decides who the people
are (active employees, their roles: see `rules.py`) and what the draft is about (`context.py`).

The audit log and the timeline keep the text with personal data masked: the log can never be edited, so a
card number typed into a draft must not end up in it. The reply row holds the text itself, which the
approver may still need to see and change.

`send` hands an approved (or approval-free) reply to the outbox with the idempotency key `reply:{id}` and
records the case's response (`groundswell.inbox.service.mark_responded`); the outbox worker delivers it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance import approval, audit_log
from groundswell.governance.approval import ApprovalRules
from groundswell.governance.pii import find_personal_data, masked_text
from groundswell.governance.schemas import Actor, DraftContext, DraftState, ReplyDraft, Transition, Visibility
from groundswell.governance.stored_draft import draft_of, store_draft
from groundswell.inbox.repository import record_event
from groundswell.inbox.service import mark_responded
from groundswell.inbox.templates import render
from groundswell.models import Case, Employee, Post, Reply
from groundswell.outbox.service import enqueue
from groundswell.replies import repository
from groundswell.replies.context import CaseFacts, case_facts, draft_context
from groundswell.replies.offensive import OffensiveScorer, bundled_offensive_scorer
from groundswell.replies.rules import REPLY_APPROVAL_RULES, actor_roles
from groundswell.replies.schemas import ReplyView

ENTITY = "reply"
Move = Callable[[ReplyDraft, Actor, datetime], Transition]


def draft_reply(
    session: Session,
    *,
    case_id: int,
    author: str,
    text: str | None = None,
    visibility: str = "public",
    in_reply_to_post_id: int | None = None,
    template: str | None = None,
    variables: Mapping[str, str] | None = None,
    language: str | None = None,
    named_approver: str | None = None,
    company_contacts: Sequence[str] = (),
    scorer: OffensiveScorer | None = None,
    rules: ApprovalRules = REPLY_APPROVAL_RULES,
    now: datetime | None = None,
) -> Reply:
    """A new draft by employee `author` on a case, written or seeded from a template, checked against policy.
    It answers `in_reply_to_post_id`, or by default the customer's latest post in the case."""
    when = now or datetime.now(UTC)
    employee = repository.active_employee(session, author)
    case = _open_case(session, case_id)
    facts = case_facts(session, case, in_reply_to_post_id)
    body = _initial_text(
        session, text=text, template=template, variables=variables, language=language, facts=facts, author=employee
    )
    if named_approver is not None:
        if named_approver == author:
            raise InvalidInput("the named approver must be someone other than the draft's author")
        repository.active_employee(session, named_approver)
    context = draft_context(
        session, facts=facts, author=employee, visibility=_visibility(visibility),
        offensive_score=_offensive_score(scorer, body), company_contacts=company_contacts,
        named_approver=named_approver,
    )  # fmt: skip
    row = Reply(
        case_id=case.id, in_reply_to_post_id=facts.answered.id if facts.answered else None, author=author,
        text=body, visibility=context.policy.visibility.value, state=DraftState.DRAFT.value, context={},
        requirement=None, template=template, created_at=when, updated_at=when,
    )  # fmt: skip
    session.add(row)
    session.flush()
    transition = approval.start_draft(str(row.id), body, context, at=when, rules=rules)
    store_draft(row, transition.draft, when)
    _record(session, row=row, case=case, verb="draft", before=None, after=transition.draft, actor=author, at=when)
    return row


def submit(session: Session, *, reply_id: int, by: str, now: datetime | None = None) -> Reply:
    """The author asks for approval (a draft with a block finding too: the approver must edit it out)."""
    return _act(session, reply_id=reply_id, by=by, verb="submit", now=now,
                move=lambda draft, actor, at: approval.submit(draft, by=actor, at=at))  # fmt: skip


def approve(session: Session, *, reply_id: int, by: str, now: datetime | None = None) -> Reply:
    return _act(session, reply_id=reply_id, by=by, verb="approve", now=now,
                move=lambda draft, actor, at: approval.approve(draft, by=actor, at=at))  # fmt: skip


def reject(session: Session, *, reply_id: int, by: str, reason: str, now: datetime | None = None) -> Reply:
    return _act(session, reply_id=reply_id, by=by, verb="reject", now=now,
                move=lambda draft, actor, at: approval.reject(draft, reason, by=actor, at=at))  # fmt: skip


def withdraw(session: Session, *, reply_id: int, by: str, now: datetime | None = None) -> Reply:
    return _act(session, reply_id=reply_id, by=by, verb="withdraw", now=now,
                move=lambda draft, actor, at: approval.withdraw(draft, by=actor, at=at))  # fmt: skip


def revise(
    session: Session,
    *,
    reply_id: int,
    by: str,
    text: str,
    scorer: OffensiveScorer | None = None,
    rules: ApprovalRules = REPLY_APPROVAL_RULES,
    now: datetime | None = None,
) -> Reply:
    """The author changes the text (of a draft, or of a rejected draft, which becomes a draft again)."""
    score = _offensive_score(scorer, text)
    return _act(session, reply_id=reply_id, by=by, verb="revise", now=now,
                move=lambda draft, actor, at: approval.revise(_scored(draft, score), text, by=actor, at=at,
                                                              rules=rules))  # fmt: skip


def edit_and_approve(
    session: Session,
    *,
    reply_id: int,
    by: str,
    text: str,
    scorer: OffensiveScorer | None = None,
    rules: ApprovalRules = REPLY_APPROVAL_RULES,
    now: datetime | None = None,
) -> Reply:
    """The approver fixes the text and approves it in one step; the new text is checked again."""
    score = _offensive_score(scorer, text)
    return _act(session, reply_id=reply_id, by=by, verb="edit_and_approve", now=now,
                move=lambda draft, actor, at: approval.edit_and_approve(_scored(draft, score), text, by=actor,
                                                                        at=at, rules=rules))  # fmt: skip


def send(session: Session, *, reply_id: int, by: str, now: datetime | None = None) -> Reply:
    """Hand an approved reply (or one that needs no approval) to the outbox, exactly once."""
    return _act(session, reply_id=reply_id, by=by, verb="send", now=now,
                move=lambda draft, actor, at: approval.send(draft, by=actor, at=at), after=_deliver)  # fmt: skip


def view(session: Session, reply_id: int) -> ReplyView:
    """The reply with its findings, approval requirement, what can happen next and, once sent, its delivery."""
    return ReplyView.of(repository.get_reply(session, reply_id), repository.outbox_message_of(session, reply_id))


def list_views(
    session: Session,
    *,
    state: str | None = None,
    case_id: int | None = None,
    author: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[ReplyView]:
    """Newest first; `before_id` continues a list after its last reply."""
    if state is not None and state not in {s.value for s in DraftState}:
        raise InvalidInput(f"unknown state {state!r}; use one of {', '.join(s.value for s in DraftState)}")
    rows = repository.list_replies(
        session, state=state, case_id=case_id, author=author, limit=limit, before_id=before_id
    )
    return [ReplyView.of(row) for row in rows]


# ---- steps ---------------------------------------------------------------------------------------


def _act(
    session: Session,
    *,
    reply_id: int,
    by: str,
    verb: str,
    now: datetime | None,
    move: Move,
    after: Callable[[Session, Reply, Case, str, datetime], dict[str, Any]] | None = None,
) -> Reply:
    when = now or datetime.now(UTC)
    row = repository.get_reply(session, reply_id, for_update=True)
    employee = repository.active_employee(session, by)
    draft = draft_of(row)
    transition = move(draft, _actor(employee, draft), when)
    store_draft(row, transition.draft, when)
    case = repository.get_case(session, row.case_id)
    extra = after(session, row, case, by, when) if after else {}
    _record(
        session, row=row, case=case, verb=verb, before=draft, after=transition.draft, actor=by, at=when, extra=extra
    )
    return row


def _actor(employee: Employee, draft: ReplyDraft) -> Actor:
    roles = actor_roles(employee.role, trainee=employee.trainee, requirement=draft.requirement)
    return Actor(name=employee.handle, roles=roles)


def _record(
    session: Session,
    *,
    row: Reply,
    case: Case,
    verb: str,
    before: ReplyDraft | None,
    after: ReplyDraft,
    actor: str,
    at: datetime,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """One audit line and one timeline event for the action, with personal data masked in the text."""
    state_after = _audit_state(after) | dict(extra or {})
    audit_log.append(
        session, actor=actor, action=f"reply.{verb}", entity=ENTITY, entity_id=row.id,
        before=_audit_state(before) if before else None, after=state_after, at=at,
    )  # fmt: skip
    data = {"reply_id": row.id, "state": after.state.value} | {
        k: v for k, v in state_after.items() if k in {"findings", "approved_by", "reason", "outbox_message_id"}
    }
    record_event(session, case=case, kind=f"reply_{verb}", actor=actor, data=data, at=at)


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


def _deliver(session: Session, row: Reply, case: Case, by: str, when: datetime) -> dict[str, Any]:
    """Queue the sent reply for the worker and record the case's response, in the caller's transaction."""
    answered = session.get(Post, row.in_reply_to_post_id) if row.in_reply_to_post_id else None
    customer = repository.author_by_id(session, case.customer_id or (answered.author_id if answered else None))
    extra: dict[str, Any] = {}
    if case.channel == "email":
        subject = (answered.title if answered else None) or case.subject or f"Case {case.id}"
        extra["subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message = enqueue(
        session, idempotency_key=f"reply:{row.id}", channel=case.channel, text=row.text,
        visibility=row.visibility, in_reply_to=answered.external_id if answered else None,
        recipient=customer.handle if customer else None, reply_id=row.id, case_id=case.id, extra=extra,
        actor=by, now=when,
    )  # fmt: skip
    mark_responded(session, case_id=case.id, at=when, actor=by)
    return {"outbox_message_id": message.id}


# ---- helpers -------------------------------------------------------------------------------------


def _open_case(session: Session, case_id: int) -> Case:
    case = repository.get_case(session, case_id)
    if case.merged_into_id is not None:
        raise Conflict(f"case {case_id} was merged into case {case.merged_into_id}: reply on that case instead")
    if case.status == "closed":
        raise Conflict(f"case {case_id} is closed: reopen it before replying")
    return case


def _visibility(value: str) -> Visibility:
    try:
        return Visibility(value.strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown visibility {value!r}: use public or private (a direct message)") from None


def _initial_text(
    session: Session,
    *,
    text: str | None,
    template: str | None,
    variables: Mapping[str, str] | None,
    language: str | None,
    facts: CaseFacts,
    author: Employee,
) -> str:
    if (text is None) == (template is None):
        raise InvalidInput("give the reply's text or a template to start from (one of them, not both)")
    if text is not None:
        if not text.strip():
            raise InvalidInput("the reply's text is empty")
        return text
    customer = facts.customer
    # What the service knows; a template needing anything else (a location, an item) names it when missing.
    defaults = {
        "customer_name": (customer.display_name or customer.handle) if customer else "there",
        "case_number": str(facts.case.id),
        "agent_name": author.display_name or author.handle,
    }
    if customer is not None:
        defaults["customer_handle"] = customer.handle
    if facts.case.brand:
        defaults["brand"] = facts.case.brand
    wanted = language or (facts.answered.language if facts.answered else None) or "en"
    return render(session, name=str(template), language=wanted, variables=defaults | dict(variables or {}))


def _offensive_score(scorer: OffensiveScorer | None, text: str) -> float:
    score = (scorer or bundled_offensive_scorer())(text)
    return round(min(max(float(score), 0.0), 1.0), 4)


def _scored(draft: ReplyDraft, score: float) -> ReplyDraft:
    """The draft with the offensive score of the text it is about to get, so the recheck sees it."""
    policy = draft.context.policy.model_copy(update={"offensive_score": score})
    context: DraftContext = draft.context.model_copy(update={"policy": policy})
    return draft.model_copy(update={"context": context})
