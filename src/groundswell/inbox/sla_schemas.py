"""What the SLA service returns: a clock's standing, and what a sweep did (pydantic, JSON-ready)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ClockState(StrEnum):
    """The stored state of an SLA clock row. Warned and breached are recorded once each; met and a
    breached clock with `completed_at` are final."""

    RUNNING = "running"
    PAUSED = "paused"
    WARNED = "warned"
    BREACHED = "breached"
    MET = "met"


class ClockView(BaseModel):
    """One clock of a case as it stands at `now`. `due_at` is the deadline that holds if the clock runs on
    from now (while paused it moves later with every minute of the pause); `status` is the pure SLA state
    (ok, warning, breached, met) and `state` what has been recorded."""

    model_config = ConfigDict(frozen=True)

    case_id: int
    clock: str
    policy: str
    state: ClockState
    status: str
    started_at: datetime
    due_at: datetime
    paused: bool
    elapsed_seconds: float
    remaining_seconds: float
    fraction_used: float
    warned_at: datetime | None = None
    breached_at: datetime | None = None
    completed_at: datetime | None = None
    escalated_at: datetime | None = None


class SweepItem(BaseModel):
    """A warning or a breach the sweep recorded. For a breach, `due_at` is the instant it happened."""

    model_config = ConfigDict(frozen=True)

    case_id: int
    clock: str
    policy: str
    due_at: datetime
    fraction_used: float


class EscalationAction(BaseModel):
    """What an escalation did to a case, and whom it says should be told."""

    model_config = ConfigDict(frozen=True)

    case_id: int
    clock: str
    policy: str
    trigger: str  # warning or breached
    priority_before: str
    priority_after: str
    tags_added: list[str] = Field(default_factory=list)
    notify: list[str] = Field(default_factory=list)  # employee handles
    notify_role: str | None = None
    reassign: bool = False


class SweepReport(BaseModel):
    """One sweep: how many clocks it looked at and what it recorded. `reassign` lists the cases whose
    escalation asks for a new assignee; moving them is the inbox's rebalance, not the sweep's."""

    model_config = ConfigDict(frozen=True)

    now: datetime
    checked: int = 0
    warnings: list[SweepItem] = Field(default_factory=list)
    breaches: list[SweepItem] = Field(default_factory=list)
    escalations: list[EscalationAction] = Field(default_factory=list)
    reassign: list[int] = Field(default_factory=list)
    unknown_policies: list[str] = Field(default_factory=list)
