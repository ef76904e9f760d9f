"""How often each SLA policy's clocks were met: counts by policy, clock and state, grouped in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.models import SlaClockRecord

FINISHED = ("met", "breached")


@dataclass
class Attainment:
    policy: str
    clock: str  # first_response or resolution
    met: int = 0
    breached: int = 0
    running: int = 0  # running, paused or warned: not decided yet

    @property
    def rate(self) -> float | None:
        """Share of decided clocks that were met (None while none is decided)."""
        decided = self.met + self.breached
        return self.met / decided if decided else None


def attainment(session: Session, *, since: datetime | None = None) -> list[Attainment]:
    """Per (policy, clock), for the clocks started since `since` (all when None), by policy then clock."""
    stmt = select(SlaClockRecord.policy, SlaClockRecord.clock, SlaClockRecord.state, func.count()).group_by(
        SlaClockRecord.policy, SlaClockRecord.clock, SlaClockRecord.state
    )
    if since is not None:
        stmt = stmt.where(SlaClockRecord.started_at >= since)
    found: dict[tuple[str, str], Attainment] = {}
    for policy, clock, state, count in session.execute(stmt):
        row = found.setdefault((policy, clock), Attainment(policy=policy, clock=clock))
        if state == "met":
            row.met += count
        elif state == "breached":
            row.breached += count
        else:
            row.running += count
    return [found[key] for key in sorted(found)]
