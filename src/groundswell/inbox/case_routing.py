"""The routing record kept on a case (`cases.routing`): the decision that opened it and why, the post's
signals that assignment matches on, and the SLA targets and calendar its clocks started with.

Keeping these on the case means that assignment, rebalancing and splitting later need neither the routing
rules (which may have changed since) nor the post's enrichment.

    {"rules_version": 3 | null,
     "decision": RoutingDecision as JSON (team, priority, tags, assign_to, allow_trainees, explanation, ...),
     "signals": {"intents": [...], "topics": [...], "language": "en", "sentiment": "negative",
                 "urgency": 0.8, "position": [lat, lon] | null, "position_source": "airport ORD in text"},
     "sla": {"policy": "standard", "first_response_s": 3600, "resolution_s": 86400 | null, "warn_at": 0.75,
             "calendar": BusinessCalendar as JSON} | absent}
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from groundswell.routing.calendar import BusinessCalendar
from groundswell.routing.schemas import RoutingDecision, RoutingInput
from groundswell.routing.sla import SlaPolicy

SUBJECT_CHARS = 200  # a case's subject is the start of its first post


def signals_of(post: RoutingInput) -> dict[str, Any]:
    positions = post.positions()
    first = positions[0] if positions else None
    return {
        "intents": list(post.intent),
        "topics": list(post.topics),
        "language": post.language,
        "sentiment": post.sentiment,
        "urgency": post.urgency,
        "author_tier": post.author_tier.value,
        "reach": post.reach,
        "position": [first.point.lat, first.point.lon] if first else None,
        "position_source": first.source if first else None,
    }


def routing_record(
    decision: RoutingDecision,
    post: RoutingInput,
    *,
    rules_version: int | None,
    policy: SlaPolicy | None = None,
    calendar: BusinessCalendar | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rules_version": rules_version,
        "decision": decision.model_dump(mode="json"),
        "signals": signals_of(post),
    }
    if policy is not None and calendar is not None:
        record["sla"] = sla_record(policy, calendar)
    return record


def sla_record(policy: SlaPolicy, calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "policy": policy.name,
        "first_response_s": policy.first_response.total_seconds(),
        "resolution_s": policy.resolution.total_seconds() if policy.resolution is not None else None,
        "warn_at": policy.warn_at,
        "calendar": calendar.model_dump(mode="json"),
    }


def sla_of(routing: dict[str, Any]) -> tuple[SlaPolicy, BusinessCalendar] | None:
    """The policy targets and calendar the case's clocks started with, to start the same clocks again (a split).
    Escalation steps are not kept: the SLA sweep looks those up by the policy's name."""
    stored = routing.get("sla")
    if not isinstance(stored, dict):
        return None
    resolution = stored.get("resolution_s")
    policy = SlaPolicy(
        name=stored["policy"],
        first_response=timedelta(seconds=stored["first_response_s"]),
        resolution=None if resolution is None else timedelta(seconds=resolution),
        warn_at=stored.get("warn_at", 0.75),
    )
    return policy, BusinessCalendar.model_validate(stored["calendar"])


def decision_value(routing: dict[str, Any], key: str, default: Any = None) -> Any:
    decision = routing.get("decision")
    return decision.get(key, default) if isinstance(decision, dict) else default
