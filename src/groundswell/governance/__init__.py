"""Governance of replies: policy checks on drafts and the approval state machine, both pure.

`check_draft(text, context)` lists what a draft must not say or should say differently;
`needs_approval(draft_context)` decides whether someone must sign it off and who; the transitions in
`approval` move a draft from draft to sent and return an audit event for every step."""

from groundswell.governance.approval import (
    ApprovalRequired,
    ApprovalRules,
    DraftBlocked,
    InvalidTransition,
    NotAnApprover,
    NotTheAuthor,
    ReasonRequired,
    SelfApproval,
    approve,
    edit_and_approve,
    needs_approval,
    reject,
    revise,
    send,
    start_draft,
    submit,
    withdraw,
)
from groundswell.governance.policy import PolicyRules, check_draft
from groundswell.governance.schemas import (
    Actor,
    ApprovalRequirement,
    AuditEvent,
    DraftContext,
    DraftState,
    Finding,
    PolicyContext,
    ReplyDraft,
    Severity,
    Span,
    Transition,
    Visibility,
)

__all__ = [
    "Actor",
    "ApprovalRequired",
    "ApprovalRequirement",
    "ApprovalRules",
    "AuditEvent",
    "DraftBlocked",
    "DraftContext",
    "DraftState",
    "Finding",
    "InvalidTransition",
    "NotAnApprover",
    "NotTheAuthor",
    "PolicyContext",
    "PolicyRules",
    "ReasonRequired",
    "ReplyDraft",
    "SelfApproval",
    "Severity",
    "Span",
    "Transition",
    "Visibility",
    "approve",
    "check_draft",
    "edit_and_approve",
    "needs_approval",
    "reject",
    "revise",
    "send",
    "start_draft",
    "submit",
    "withdraw",
]
