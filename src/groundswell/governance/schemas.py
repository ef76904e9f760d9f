"""Data the governance checks read and write: the context of a draft reply, the findings of the policy
checks, the approval requirement, and the draft's state with its audit events.

Everything is an immutable value, so the pure functions in policy.py and approval.py can be replayed and
property-tested without a database."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How a finding stops a reply. `block` cannot be approved away: the text must change.
    `require_approval` lets the reply out once an approver signs it off. `warn` only informs the author."""

    BLOCK = "block"
    REQUIRE_APPROVAL = "require_approval"
    WARN = "warn"


class Visibility(StrEnum):
    """Who can read the reply: everyone (a public post or comment) or only the customer (a direct message)."""

    PUBLIC = "public"
    PRIVATE = "private"


class Span(BaseModel):
    """Where a finding is in the draft: text[start:end], and that excerpt with personal data masked,
    so a finding can be shown, logged or sent to a reviewer without leaking what it found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    excerpt: str


class Finding(BaseModel):
    """One thing a policy check found in a draft: what (code), how serious (severity), where (span),
    why it matters and what the author should do about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="a stable dotted name, e.g. pii.card or commitment.guarantee")
    severity: Severity
    span: Span
    why: str
    what_to_do: str


class PolicyContext(BaseModel):
    """What the policy checks need to know besides the text itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    visibility: Visibility = Visibility.PUBLIC
    author_is_paid_advocate: bool = Field(
        default=False, description="the person posting is paid by the brand (ambassador, influencer)"
    )
    customer_sentiment: str | None = Field(default=None, description="e.g. negative, neutral, positive")
    customer_emotion: str | None = Field(default=None, description="e.g. anger, sadness, joy")
    offensive_score: float | None = Field(
        default=None, ge=0, le=1, description="an offensive-language classifier's score for the draft"
    )
    company_contacts: tuple[str, ...] = Field(
        default=(),
        description="the company's own e-mail addresses, e-mail domains and phone numbers: never flagged",
    )


class DraftContext(BaseModel):
    """What decides whether a draft needs approval, and by whom: who wrote it, whom it answers, how urgent
    and how negative the conversation is, and what the policy checks found in its text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    author: str = Field(min_length=1)
    author_roles: frozenset[str] = frozenset()
    customer_followers: int | None = Field(default=None, ge=0)
    customer_tier: str | None = Field(default=None, description="e.g. regular, vip, influencer")
    urgency: float | None = Field(default=None, ge=0, le=1)
    policy: PolicyContext = PolicyContext()
    findings: tuple[Finding, ...] = ()
    named_approver: str | None = Field(
        default=None, description="a person who may approve this draft whatever their roles, e.g. the account owner"
    )
    required_approval: str | None = Field(
        default=None,
        description="a reason decided outside the draft that requires approval whatever the text says, "
        "e.g. 'routing rule offensive-needs-approval requires approval'",
    )
    required_role: str | None = Field(
        default=None,
        description="the role that approves this draft instead of the rules' approver role (legal findings still "
        "go to the legal role), e.g. the approver role a routing rule named",
    )


class ApprovalRequirement(BaseModel):
    """Who must sign a draft off before it is sent: anyone holding `role`, or the `named_approver`,
    but never the draft's own author."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    named_approver: str | None = None
    reasons: tuple[str, ...] = Field(min_length=1)


class Actor(BaseModel):
    """A person acting on a draft, with the roles the company gave them (e.g. trainee, supervisor, legal)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    roles: frozenset[str] = frozenset()


class DraftState(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    EDITED_AND_APPROVED = "edited_and_approved"
    SENT = "sent"


class ReplyDraft(BaseModel):
    """A reply on its way to the customer. `findings` and `requirement` always belong to the current
    text: every transition that changes the text checks it again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    draft_id: str = Field(min_length=1)
    text: str
    state: DraftState
    context: DraftContext
    requirement: ApprovalRequirement | None
    approved_by: str | None = None
    rejection_reason: str | None = None

    @property
    def author(self) -> str:
        return self.context.author

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.context.findings


class AuditEvent(BaseModel):
    """One line of the append-only audit log: who did what to which draft, when, from which state to which,
    and the text as it stood afterwards."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    draft_id: str
    action: str
    actor: str
    at: datetime
    state_before: DraftState | None
    state_after: DraftState
    text_after: str
    reason: str | None = None


class Transition(BaseModel):
    """What every approval action returns: the draft's new state and the event to append to the audit log."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    draft: ReplyDraft
    event: AuditEvent
