"""Case statuses, timeline event kinds, and the shapes the inbox services return (pydantic, JSON-ready)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CaseStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


# A case in one of these still needs work: it counts against its assignee's capacity and its SLA runs.
OPEN_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER})


class CaseKind(StrEnum):
    GENERAL = "general"
    LOST_ITEM = "lost_item"


class EventKind(StrEnum):
    """Timeline events this package writes. The timeline also holds kinds written by the SLA, reply and
    lost-and-found services (sla_warning, sla_breach, escalated, ...), so `record_event` takes any string."""

    CREATED = "created"
    CUSTOMER_POST = "customer_post"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    QUEUED = "queued"
    STATUS_CHANGED = "status_changed"
    REOPENED = "reopened"
    PRIORITY_CHANGED = "priority_changed"
    TAGS_CHANGED = "tags_changed"
    NOTE = "note"
    MERGED = "merged"  # on the case that was merged away
    MERGED_FROM = "merged_from"  # on the surviving case
    SPLIT = "split"  # on the case posts were taken from
    SPLIT_FROM = "split_from"  # on the new case
    RESPONDED = "responded"
    SLA_NOT_STARTED = "sla_not_started"


class CasePostView(BaseModel):
    model_config = ConfigDict(frozen=True)

    post_id: int
    channel: str
    external_id: str
    author: str | None
    text: str
    created_at: datetime
    url: str | None = None
    added_at: datetime


class CaseEventView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any] = Field(default_factory=dict)


class CaseSummary(BaseModel):
    """One line of a case list."""

    model_config = ConfigDict(frozen=True)

    id: int
    kind: str
    status: CaseStatus
    priority: str
    channel: str
    subject: str
    customer: str | None
    team: str | None
    assignee: str | None
    tags: list[str]
    opened_at: datetime
    updated_at: datetime
    merged_into_id: int | None = None


class CaseView(CaseSummary):
    """A case with everything an agent needs: routing decision, posts in order, and the whole timeline."""

    brand: str | None
    sla_policy: str | None
    requires_approval: bool
    approver_role: str | None
    routing: dict[str, Any]
    last_customer_post_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    posts: list[CasePostView]
    timeline: list[CaseEventView]


class IntakeReport(BaseModel):
    """What one intake run did. `unassigned` counts new cases left in their team queue, by reason."""

    processed: int = 0
    opened: int = 0
    attached: int = 0
    reopened: int = 0
    suppressed: int = 0
    assigned: int = 0
    lost_items: int = 0
    sla_not_started: int = 0
    batches: int = 0
    by_team: dict[str, int] = Field(default_factory=dict)
    unassigned: dict[str, int] = Field(default_factory=dict)
    suppressed_by_rule: dict[str, int] = Field(default_factory=dict)
    waiting_for_enrichment: int = 0


class RebalanceReport(BaseModel):
    """What one rebalance did: queued cases placed, cases moved away from unavailable owners or a near breach,
    and what is still waiting (case id -> why)."""

    assigned: int = 0
    reassigned: int = 0
    kept: int = 0
    still_queued: dict[int, str] = Field(default_factory=dict)
    moves: list[dict[str, Any]] = Field(default_factory=list)
