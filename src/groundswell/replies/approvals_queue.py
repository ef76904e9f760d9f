"""The approvals queue: replies waiting for approval, oldest first, with their case's subject and customer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.governance.schemas import DraftState
from groundswell.models import Author, Case, Reply
from groundswell.replies.schemas import ReplyView

QUEUE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class PendingReply:
    reply: ReplyView
    case_subject: str
    case_channel: str
    customer: str | None


def pending_replies(session: Session, *, limit: int = QUEUE_LIMIT) -> list[PendingReply]:
    """One query: the replies pending approval joined to their case and customer (the state column is indexed)."""
    stmt = (
        select(Reply, Case.subject, Case.channel, Author.handle)
        .join(Case, Case.id == Reply.case_id)
        .outerjoin(Author, Author.id == Case.customer_id)
        .where(Reply.state == DraftState.PENDING_APPROVAL.value)
        .order_by(Reply.updated_at, Reply.id)
        .limit(limit)
    )
    return [
        PendingReply(ReplyView.of(row), subject, channel, customer)
        for row, subject, channel, customer in session.execute(stmt)
    ]
