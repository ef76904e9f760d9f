"""A small stored world for the inbox and case pages: the reply tests' staff and cases, with routing signals,
assignees, SLA clocks and a second identity of the same customer on another channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.models import Case, Employee, SlaClockRecord
from groundswell.routing.calendar import ALWAYS_OPEN
from tests.replies.world import T0, World, add_case, add_staff

LOST = {
    "signals": {
        "intents": ["lost_item"], "topics": ["Lost Luggage"], "sentiment": "negative", "urgency": 0.82,
        "position_source": "airport ORD in text",
    },
    "decision": {
        "explanation": [{"rule": "lost-things", "conditions": ["intent is lost_item"], "actions": ["team baggage"]}]
    },
}  # fmt: skip
PRAISE = {"signals": {"intents": ["praise"], "topics": [], "sentiment": "positive", "urgency": 0.1}}


@dataclass
class InboxWorld:
    mine: World  # assigned to ana: a lost bag at ORD, negative, urgent, tagged vip
    unassigned: World  # nobody's: praise
    other_channel: World  # the same customer handle on another channel


def _employee_id(session: Session, handle: str) -> int:
    return int(session.scalars(select(Employee.id).where(Employee.handle == handle)).one())


def build(session: Session) -> InboxWorld:
    add_staff(session)
    mine = add_case(session, channel="x", handle="jane", texts=("My bag never arrived at ORD!",), tags=["vip"],
                    routing=LOST, urgency=0.82)  # fmt: skip
    unassigned = add_case(session, channel="mastodon", handle="fan@mastodon.example", texts=("Love the new app",),
                          sentiment="positive", emotion="joy", routing=PRAISE)  # fmt: skip
    other = add_case(session, channel="reddit", handle="jane", texts=("Any update on my bag?",), routing=LOST)
    session.get_one(Case, mine.case_id).assignee_id = _employee_id(session, "ana")
    session.get_one(Case, other.case_id).assignee_id = _employee_id(session, "bob")
    for case_id, opened in ((mine.case_id, 3), (unassigned.case_id, 2), (other.case_id, 1)):
        session.get_one(Case, case_id).opened_at = T0 + timedelta(minutes=opened)
    session.add(_clock(mine.case_id, due=T0 + timedelta(minutes=30)))
    session.flush()
    return InboxWorld(mine, unassigned, other)


def _clock(case_id: int, *, due: Any) -> SlaClockRecord:
    return SlaClockRecord(
        case_id=case_id, clock="first_response", policy="standard", started_at=T0, due_at=due, target_seconds=3600,
        warn_at=0.75, calendar=ALWAYS_OPEN.model_dump(mode="json"), pauses=[], state="running",
    )  # fmt: skip
