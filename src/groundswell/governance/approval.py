"""Approval of draft replies: a pure state machine.

    draft ──submit──► pending_approval ──approve──────────► approved ──send──► sent
      ▲  │                 │  │  └──edit_and_approve──► edited_and_approved ──send──► sent
      │  └──send (no approval needed)──────────────────────────────────────────────► sent
      │                    │  └──reject (reason)──► rejected ──revise (author)──► draft
      └──withdraw (author)─┘

Every action returns a `Transition`: the new draft and an `AuditEvent` for the append-only log. Nothing
here reads a clock or a database; the caller passes `at` and stores the results. Whenever the text
changes, the policy checks run again and the approval requirement is decided afresh, so a draft can never
reach `sent` with findings or circumstances that nobody with the right to approve has seen.

A draft with a block finding (a full card number, say) can be submitted: it is held for an approver, who
cannot approve it as it is but can edit the finding out and approve the edit in one step (or reject it).
No transition ever approves or sends a text with a block finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance.policy import DEFAULT_POLICY_RULES, PolicyRules, blocking, check_draft, needing_approval
from groundswell.governance.schemas import (
    Actor,
    ApprovalRequirement,
    AuditEvent,
    DraftContext,
    DraftState,
    Finding,
    ReplyDraft,
    Transition,
)


class DraftBlocked(Conflict):
    """The draft has findings of severity `block`: no approval can clear them, the text must change."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        listed = "; ".join(f"{f.code} at {f.span.start}-{f.span.end} ({f.what_to_do})" for f in findings)
        super().__init__(f"this draft cannot be approved or sent until it is changed: {listed}")


class ApprovalRequired(Conflict):
    """Sending a draft that needs approval before it has one."""


class SelfApproval(Conflict):
    """The author tried to approve, reject or edit-and-approve their own draft."""


class NotAnApprover(Conflict):
    """Someone without the required role, and not the named approver, tried to decide on a draft."""


class NotTheAuthor(Conflict):
    """Someone other than the author tried to revise, submit or withdraw a draft."""


class InvalidTransition(Conflict):
    """An action that the draft's current state does not allow."""


class ReasonRequired(InvalidInput):
    """A rejection without a reason: the author needs to know what to change."""


@dataclass(frozen=True)
class ApprovalRules:
    follower_threshold: int = 10_000  # a customer with this many followers or more is high-reach
    urgency_threshold: float = 0.7  # urgency at or above this, with negative sentiment, needs a second look
    approver_role: str = "supervisor"
    legal_role: str = "legal"  # approves admissions of liability
    trainee_role: str = "trainee"
    high_reach_tiers: frozenset[str] = field(default_factory=lambda: frozenset({"influencer", "vip"}))
    negative_sentiments: frozenset[str] = field(default_factory=lambda: frozenset({"negative", "very_negative"}))
    legal_finding_prefixes: tuple[str, ...] = ("liability.",)
    policy: PolicyRules = DEFAULT_POLICY_RULES


DEFAULT_APPROVAL_RULES = ApprovalRules()

ALLOWED_ACTIONS: dict[DraftState, tuple[str, ...]] = {
    DraftState.DRAFT: ("revise", "submit", "send"),
    DraftState.PENDING_APPROVAL: ("approve", "reject", "edit_and_approve", "withdraw"),
    DraftState.APPROVED: ("send",),
    DraftState.EDITED_AND_APPROVED: ("send",),
    DraftState.REJECTED: ("revise",),
    DraftState.SENT: (),
}


def approval_reasons(context: DraftContext, rules: ApprovalRules = DEFAULT_APPROVAL_RULES) -> list[str]:
    """Why this draft needs approval, in words; empty when it needs none. Block findings are not reasons:
    no approval can clear them (see `requirement_for`)."""
    reasons: list[str] = []
    if context.required_approval:
        reasons.append(context.required_approval)
    if rules.trainee_role in context.author_roles:
        reasons.append("the author is a trainee")
    if (context.customer_tier or "").lower() in rules.high_reach_tiers:
        reasons.append(f"the customer's tier is {context.customer_tier}")
    elif context.customer_followers is not None and context.customer_followers >= rules.follower_threshold:
        reasons.append(f"the customer has {context.customer_followers:,} followers")
    sentiment = (context.policy.customer_sentiment or "").lower()
    if (
        context.urgency is not None
        and context.urgency >= rules.urgency_threshold
        and sentiment in rules.negative_sentiments
    ):
        reasons.append(f"the conversation is urgent ({context.urgency:.2f}) and {sentiment}")
    reasons += [f"policy finding {f.code}: {f.span.excerpt!r}" for f in needing_approval(context.findings)]
    return reasons


def requirement_for(context: DraftContext, rules: ApprovalRules = DEFAULT_APPROVAL_RULES) -> ApprovalRequirement | None:
    """Like `needs_approval`, but a draft with block findings is not refused: a draft may be work in progress,
    and one submitted with a block finding waits for an approver to edit the finding out. So block findings
    are listed among the reasons too, after the reasons that approval can clear."""
    reasons = approval_reasons(context, rules)
    reasons += [f"policy finding {f.code} must be edited out: {f.span.excerpt!r}" for f in blocking(context.findings)]
    if not reasons:
        return None
    legal = any(f.code.startswith(rules.legal_finding_prefixes) for f in needing_approval(context.findings))
    return ApprovalRequirement(
        role=rules.legal_role if legal else context.required_role or rules.approver_role,
        named_approver=context.named_approver,
        reasons=tuple(reasons),
    )


def needs_approval(
    draft_context: DraftContext, rules: ApprovalRules = DEFAULT_APPROVAL_RULES
) -> ApprovalRequirement | None:
    """Who must approve a draft before it is sent, or None when it may be sent as it is.

    Needs approval: a trainee author; a customer who is an influencer or VIP or has at least
    `follower_threshold` followers; urgency at or above `urgency_threshold` with negative sentiment; any
    finding of severity require_approval. Admissions of liability go to the legal role, everything else to
    the approver role; the context's named approver may approve either way. Raises DraftBlocked when a
    finding blocks the draft, since approval cannot clear it."""
    if blocked := blocking(draft_context.findings):
        raise DraftBlocked(blocked)
    return requirement_for(draft_context, rules)


def can_approve(actor: Actor, draft: ReplyDraft) -> bool:
    requirement = draft.requirement
    if actor.name == draft.author or requirement is None:
        return False
    return actor.name == requirement.named_approver or requirement.role in actor.roles


# ---- transitions --------------------------------------------------------------------------------


def start_draft(
    draft_id: str, text: str, context: DraftContext, *, at: datetime, rules: ApprovalRules = DEFAULT_APPROVAL_RULES
) -> Transition:
    """A new draft by `context.author`, checked against policy."""
    draft = _rechecked(
        ReplyDraft(draft_id=draft_id, text=text, state=DraftState.DRAFT, context=context, requirement=None), text, rules
    )
    return _transition(None, draft, "created", context.author, at)


def revise(
    draft: ReplyDraft, text: str, *, by: Actor, at: datetime, rules: ApprovalRules = DEFAULT_APPROVAL_RULES
) -> Transition:
    """The author changes the text of a draft, or of a rejected draft, which becomes a draft again."""
    _require_action(draft, "revise")
    _require_author(draft, by, "revise")
    revised = _rechecked(draft, text, rules).model_copy(update={"state": DraftState.DRAFT})
    return _transition(draft, revised, "revised", by.name, at)


def submit(draft: ReplyDraft, *, by: Actor, at: datetime) -> Transition:
    """The author asks for approval. A draft with block findings may be submitted too: the approver then
    has to edit the findings out (`edit_and_approve`) or reject it; `approve` refuses it as it stands."""
    _require_action(draft, "submit")
    _require_author(draft, by, "submit")
    if draft.requirement is None:
        raise InvalidTransition(f"draft {draft.draft_id} needs no approval: send it instead of submitting it")
    return _transition(draft, draft.model_copy(update={"state": DraftState.PENDING_APPROVAL}), "submitted", by.name, at)


def withdraw(draft: ReplyDraft, *, by: Actor, at: datetime) -> Transition:
    """The author takes a pending draft back to change it."""
    _require_action(draft, "withdraw")
    _require_author(draft, by, "withdraw")
    return _transition(draft, draft.model_copy(update={"state": DraftState.DRAFT}), "withdrawn", by.name, at)


def approve(draft: ReplyDraft, *, by: Actor, at: datetime) -> Transition:
    _require_action(draft, "approve")
    _require_approver(draft, by)
    _refuse_blocked(draft)
    approved = draft.model_copy(update={"state": DraftState.APPROVED, "approved_by": by.name})
    return _transition(draft, approved, "approved", by.name, at)


def reject(draft: ReplyDraft, reason: str, *, by: Actor, at: datetime) -> Transition:
    _require_action(draft, "reject")
    _require_approver(draft, by)
    if not reason.strip():
        raise ReasonRequired("a rejection needs a reason: tell the author what to change")
    rejected = draft.model_copy(update={"state": DraftState.REJECTED, "rejection_reason": reason.strip()})
    return _transition(draft, rejected, "rejected", by.name, at, reason=reason.strip())


def edit_and_approve(
    draft: ReplyDraft, text: str, *, by: Actor, at: datetime, rules: ApprovalRules = DEFAULT_APPROVAL_RULES
) -> Transition:
    """The approver fixes the text and approves it in one step. The new text is checked again: it must have
    no block findings, and if it needs a different approver (say, legal for an admission the edit added),
    this approver must qualify for that too."""
    _require_action(draft, "edit_and_approve")
    _require_approver(draft, by)
    edited = _rechecked(draft, text, rules)
    _refuse_blocked(edited)
    requirement = edited.requirement or draft.requirement
    if edited.requirement is not None and not can_approve(by, edited):
        raise NotAnApprover(
            f"{by.name} cannot approve the edited text: it needs the {edited.requirement.role} role"
            f"{_named(edited.requirement)}; submit the edit for that approval instead"
        )
    approved = edited.model_copy(
        update={"state": DraftState.EDITED_AND_APPROVED, "approved_by": by.name, "requirement": requirement}
    )
    return _transition(draft, approved, "edited_and_approved", by.name, at)


def send(draft: ReplyDraft, *, by: Actor, at: datetime) -> Transition:
    """Hand the reply to the outbox: approved drafts, and drafts that need no approval."""
    _require_action(draft, "send")
    _refuse_blocked(draft)
    if draft.state is DraftState.DRAFT and draft.requirement is not None:
        raise ApprovalRequired(
            f"draft {draft.draft_id} needs approval before it is sent ({'; '.join(draft.requirement.reasons)}): "
            f"submit it to someone with the {draft.requirement.role} role{_named(draft.requirement)}"
        )
    return _transition(draft, draft.model_copy(update={"state": DraftState.SENT}), "sent", by.name, at)


# ---- helpers ------------------------------------------------------------------------------------


def _rechecked(draft: ReplyDraft, text: str, rules: ApprovalRules) -> ReplyDraft:
    findings = tuple(check_draft(text, draft.context.policy, rules.policy))
    context = draft.context.model_copy(update={"findings": findings})
    return draft.model_copy(
        update={"text": text, "context": context, "requirement": requirement_for(context, rules), "approved_by": None}
    )


def _require_action(draft: ReplyDraft, action: str) -> None:
    allowed = ALLOWED_ACTIONS[draft.state]
    if action not in allowed:
        options = ", ".join(allowed) if allowed else "nothing (it is final)"
        raise InvalidTransition(
            f"cannot {action.replace('_', ' ')} draft {draft.draft_id}: it is {draft.state.value}; "
            f"from there you can {options}"
        )


def _require_author(draft: ReplyDraft, by: Actor, action: str) -> None:
    if by.name != draft.author:
        raise NotTheAuthor(f"only the author ({draft.author}) can {action} draft {draft.draft_id}, not {by.name}")


def _require_approver(draft: ReplyDraft, by: Actor) -> None:
    if by.name == draft.author:
        raise SelfApproval(
            f"{by.name} wrote draft {draft.draft_id} and cannot decide on it: ask another approver"
            + (f" with the {draft.requirement.role} role{_named(draft.requirement)}" if draft.requirement else "")
        )
    if not can_approve(by, draft):
        role = draft.requirement.role if draft.requirement else "approver"
        raise NotAnApprover(
            f"{by.name} cannot decide on draft {draft.draft_id}: it needs someone with the {role} role"
            f"{_named(draft.requirement) if draft.requirement else ''}"
        )


def _refuse_blocked(draft: ReplyDraft) -> None:
    if blocked := blocking(draft.findings):
        raise DraftBlocked(blocked)


def _named(requirement: ApprovalRequirement) -> str:
    return f" or {requirement.named_approver}" if requirement.named_approver else ""


def _transition(
    before: ReplyDraft | None, after: ReplyDraft, action: str, actor: str, at: datetime, reason: str | None = None
) -> Transition:
    event = AuditEvent(
        draft_id=after.draft_id,
        action=action,
        actor=actor,
        at=at,
        state_before=before.state if before else None,
        state_after=after.state,
        text_after=after.text,
        reason=reason,
    )
    return Transition(draft=after, event=event)
