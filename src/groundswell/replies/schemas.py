"""What the reply service hands out: a reply as its author, an approver or a script sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from groundswell.governance.approval import ALLOWED_ACTIONS
from groundswell.governance.policy import blocking
from groundswell.governance.schemas import ApprovalRequirement, DraftContext, DraftState, Finding
from groundswell.models import OutboxMessage, Reply


class Delivery(BaseModel):
    """The outbox message that carries a sent reply, and how far it got."""

    model_config = ConfigDict(frozen=True)

    message_id: int
    status: str
    attempts: int
    external_id: str | None
    external_url: str | None
    last_error: str | None
    sent_at: datetime | None


class ReplyView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    case_id: int
    in_reply_to_post_id: int | None
    author: str
    text: str
    visibility: str
    state: DraftState
    findings: tuple[Finding, ...]
    blocked: bool
    requirement: ApprovalRequirement | None
    approved_by: str | None
    rejection_reason: str | None
    template: str | None
    next_actions: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    delivery: Delivery | None = None

    @classmethod
    def of(cls, row: Reply, message: OutboxMessage | None = None) -> ReplyView:
        context = DraftContext.model_validate(row.context)
        state = DraftState(row.state)
        blocked = bool(blocking(context.findings))
        return cls(
            id=row.id,
            case_id=row.case_id,
            in_reply_to_post_id=row.in_reply_to_post_id,
            author=row.author,
            text=row.text,
            visibility=row.visibility,
            state=state,
            findings=context.findings,
            blocked=blocked,
            requirement=ApprovalRequirement.model_validate(row.requirement) if row.requirement else None,
            approved_by=row.approved_by,
            rejection_reason=row.rejection_reason,
            template=row.template,
            next_actions=next_actions(state, has_requirement=row.requirement is not None, blocked=blocked),
            created_at=row.created_at,
            updated_at=row.updated_at,
            delivery=_delivery(message),
        )

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def next_actions(state: DraftState, *, has_requirement: bool, blocked: bool) -> tuple[str, ...]:
    """What can usefully happen next: the machine's allowed actions less those it would refuse."""
    allowed = ALLOWED_ACTIONS[state]
    if state is DraftState.DRAFT:
        return tuple(a for a in allowed if a != ("submit" if not has_requirement else "send"))
    if blocked:
        return tuple(a for a in allowed if a not in {"approve", "send"})
    return allowed


def _delivery(message: OutboxMessage | None) -> Delivery | None:
    if message is None:
        return None
    return Delivery(
        message_id=message.id,
        status=message.status,
        attempts=message.attempts,
        external_id=message.external_id,
        external_url=message.external_url,
        last_error=message.last_error,
        sent_at=message.sent_at,
    )
