"""A stored reply or public statement as the approval machine sees it, and back: both tables keep a governed
draft in the same columns (text, state, context, requirement, approved_by, rejection_reason, updated_at)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from groundswell.governance.schemas import ReplyDraft


class GovernedRow(Protocol):
    id: Any
    text: Any
    state: Any
    context: Any
    requirement: Any
    approved_by: Any
    rejection_reason: Any
    updated_at: Any


def draft_of(row: GovernedRow) -> ReplyDraft:
    """The approval machine's view of a stored row."""
    return ReplyDraft.model_validate(
        {
            "draft_id": str(row.id),
            "text": row.text,
            "state": row.state,
            "context": row.context,
            "requirement": row.requirement,
            "approved_by": row.approved_by,
            "rejection_reason": row.rejection_reason,
        }
    )


def store_draft(row: GovernedRow, draft: ReplyDraft, when: datetime) -> None:
    """Write a transition's draft back to its row."""
    row.text = draft.text
    row.state = draft.state.value
    row.context = draft.context.model_dump(mode="json")
    row.requirement = draft.requirement.model_dump(mode="json") if draft.requirement else None
    row.approved_by = draft.approved_by
    row.rejection_reason = draft.rejection_reason
    row.updated_at = when
