"""The web inbox's shapes: queues, filters, one row per case, a page of rows and its opaque keyset cursor.

Pure: no database. The cursor is the last row's (opened_at, id), base64 so clients treat it as opaque."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from groundswell.errors import InvalidInput
from groundswell.inbox.schemas import CaseStatus


class Queue(StrEnum):
    MINE = "mine"  # assigned to me
    TEAM = "team"  # my team's open cases
    UNASSIGNED = "unassigned"  # waiting in a team queue (or with no team)
    BREACHING = "breaching"  # an SLA clock is due within the window, or has warned or breached
    ALL = "all"  # every case (managers)


QUEUE_LABELS = {
    Queue.MINE: "Mine",
    Queue.TEAM: "My team",
    Queue.UNASSIGNED: "Unassigned",
    Queue.BREACHING: "Breaching soon",
    Queue.ALL: "All",
}
OPEN = "open"  # the status filter's default: new, open and waiting on the customer
STATUS_CHOICES = (OPEN, *(status.value for status in CaseStatus))
SENTIMENTS = ("negative", "neutral", "positive")
INTENTS = ("complaint", "question", "praise", "suggestion", "lost_item", "purchase_intent", "other")
# Urgency filter: "at least this score" (the urgency enricher's levels).
URGENCY_LEVELS = {"high": 0.7, "medium": 0.4}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks at the inbox: their employee (for mine and my team) and whether they may see every case."""

    employee_id: int | None
    may_see_all: bool


@dataclass(frozen=True, slots=True)
class InboxFilters:
    status: str = OPEN
    channel: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    topic: str | None = None
    urgency: str | None = None  # a key of URGENCY_LEVELS
    location: str | None = None  # a substring of where routing placed the post ("ORD", "Chicago")
    tag: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUS_CHOICES:
            raise InvalidInput(f"unknown status {self.status!r}; use one of {', '.join(STATUS_CHOICES)}")
        if self.urgency is not None and self.urgency not in URGENCY_LEVELS:
            raise InvalidInput(f"unknown urgency {self.urgency!r}; use one of {', '.join(URGENCY_LEVELS)}")

    @classmethod
    def of(cls, **values: str | None) -> InboxFilters:
        """Filters from form values: blank means "any"."""
        cleaned = {key: value.strip() for key, value in values.items() if value is not None and value.strip()}
        return cls(**cleaned)

    def active(self) -> dict[str, str]:
        """The filters that narrow the list, as query parameters."""
        values = {name: getattr(self, name) for name in self.__slots__}
        return {key: value for key, value in values.items() if value and not (key == "status" and value == OPEN)}


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    subject: str
    status: str
    priority: str
    channel: str
    customer: str | None
    team: str | None
    assignee: str | None
    tags: list[str]
    opened_at: datetime
    sentiment: str | None
    intents: list[str]
    topics: list[str]
    urgency: float | None
    sla_due_at: datetime | None  # the earliest deadline of a clock still running
    sla_state: str | None  # the worst state among the case's clocks: breached, warned, running, ...


@dataclass(frozen=True, slots=True)
class InboxPage:
    queue: Queue
    queues: list[Queue]
    filters: InboxFilters
    rows: list[InboxRow]
    next_cursor: str | None
    cursor: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def encode_cursor(opened_at: datetime, case_id: int) -> str:
    return base64.urlsafe_b64encode(f"{opened_at.isoformat()}|{case_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, case_id = raw.rpartition("|")
        return datetime.fromisoformat(moment), int(case_id)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("the page cursor is not valid: start again from the first page") from None
