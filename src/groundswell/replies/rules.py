"""Pure pieces of the reply service: how the company's roles map onto the approval machine's roles, and how
a customer's tier and mood are read from what is stored about the case.

Roles. An employee holds one company role (admin, manager, agent, analyst). The approval machine asks for
`manager` by default and for `legal` when a draft admits liability (`REPLY_APPROVAL_RULES`):

    company role   may approve
    admin          every requirement: manager, legal, and any role a routing rule names
    manager        manager
    agent/analyst  nothing (unless named as the draft's approver)

There is no legal role among the company roles, so admissions of liability go to an admin or to a named
approver. A trainee never approves, whatever their role, unless named; and nobody approves their own draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from groundswell.governance.approval import ApprovalRules
from groundswell.governance.schemas import ApprovalRequirement

APPROVER_ROLE = "manager"
LEGAL_ROLE = "legal"
ADMIN_ROLE = "admin"
TRAINEE_ROLE = "trainee"
REPLY_APPROVAL_RULES = ApprovalRules(approver_role=APPROVER_ROLE, legal_role=LEGAL_ROLE, trainee_role=TRAINEE_ROLE)

# Tiers that change how a reply is governed, strongest first: a VIP who is also paid counts as a VIP.
TIERS = ("vip", "influencer", "paid_advocate", "employee")


def actor_roles(role: str, *, trainee: bool, requirement: ApprovalRequirement | None) -> frozenset[str]:
    """The roles an employee acts with on a draft that has `requirement`."""
    if trainee:  # keeps their role for the record, never one that approves
        approving = {APPROVER_ROLE, LEGAL_ROLE} | ({requirement.role} if requirement else set())
        return frozenset({role, TRAINEE_ROLE} - approving)
    roles = {role}
    if role == ADMIN_ROLE:
        roles |= {APPROVER_ROLE, LEGAL_ROLE}
        if requirement is not None:
            roles.add(requirement.role)
    return frozenset(roles)


def customer_tier(
    routing: Mapping[str, Any] | None, post_attributes: Iterable[Mapping[str, Any]], tags: Iterable[str]
) -> str | None:
    """The strongest tier found in the case's routing signals, its posts' `author_tier` attribute, or its tags."""
    found: set[str] = set()
    signals = (routing or {}).get("signals")
    if isinstance(signals, Mapping):
        found.add(str(signals.get("author_tier") or "").lower())
    for attributes in post_attributes:
        found.add(str(attributes.get("author_tier") or "").lower())
    found |= {tag.lower() for tag in tags}
    return next((tier for tier in TIERS if tier in found), None)


def label_of(value: Any) -> str | None:
    """A classifier enrichment's label ({"label": ..., "scores": ...}), or None."""
    if isinstance(value, Mapping) and isinstance(value.get("label"), str):
        return str(value["label"])
    return None


def urgency_score(value: Any) -> float | None:
    """The urgency enrichment's score ({"score", "level", "signals"}), clamped to [0, 1], or None."""
    if isinstance(value, Mapping) and isinstance(value.get("score"), int | float):
        return min(max(float(value["score"]), 0.0), 1.0)
    return None


def routing_approval(routing: Mapping[str, Any] | None, case_id: int) -> str:
    """Why the case's routing asks for approval, naming the rules whose actions asked for it."""
    decision = (routing or {}).get("decision")
    fired = decision.get("explanation", []) if isinstance(decision, Mapping) else []
    rules = [
        str(rule.get("rule"))
        for rule in fired
        if isinstance(rule, Mapping) and any(_asks_approval(str(action)) for action in rule.get("actions", []))
    ]
    named = f" (rule {', '.join(rules)})" if rules else ""
    return f"the routing of case {case_id} requires approval{named}"


def _asks_approval(action: str) -> bool:
    """A fired rule's action as `RuleAction.describe` words it: "approver_role = x", "requires_approval = true"."""
    return action.startswith("approver_role =") or action == "requires_approval = true"
