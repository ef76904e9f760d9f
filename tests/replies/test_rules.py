"""The pure mapping from stored facts to the approval machine's terms."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.governance.schemas import ApprovalRequirement
from groundswell.replies.rules import (
    REPLY_APPROVAL_RULES,
    TIERS,
    actor_roles,
    customer_tier,
    label_of,
    routing_approval,
    urgency_score,
)


def requirement(role: str) -> ApprovalRequirement:
    return ApprovalRequirement(role=role, reasons=("because",))


def test_the_rules_ask_managers_and_legal() -> None:
    assert (REPLY_APPROVAL_RULES.approver_role, REPLY_APPROVAL_RULES.legal_role) == ("manager", "legal")


@pytest.mark.parametrize(
    ("role", "trainee", "needed", "roles"),
    [
        ("agent", False, None, {"agent"}),
        ("analyst", False, "manager", {"analyst"}),
        ("manager", False, "manager", {"manager"}),
        ("admin", False, None, {"admin", "manager", "legal"}),
        ("admin", False, "pr", {"admin", "manager", "legal", "pr"}),
        ("agent", True, None, {"agent", "trainee"}),
        ("manager", True, "manager", {"trainee"}),
        ("admin", True, "legal", {"admin", "trainee"}),
        ("agent", True, "agent", {"trainee"}),
    ],
)
def test_company_roles_as_approval_roles(role: str, trainee: bool, needed: str | None, roles: set[str]) -> None:
    assert actor_roles(role, trainee=trainee, requirement=requirement(needed) if needed else None) == roles


@given(
    role=st.sampled_from(["admin", "manager", "agent", "analyst", "pr"]),
    needed=st.sampled_from(["manager", "legal", "pr", "agent"]),
)
def test_a_trainee_never_holds_the_role_a_draft_needs(role: str, needed: str) -> None:
    assert needed not in actor_roles(role, trainee=True, requirement=requirement(needed))


@pytest.mark.parametrize(
    ("routing", "attributes", "tags", "tier"),
    [
        (None, [], [], None),
        ({"signals": {"author_tier": "regular"}}, [{}], ["billing"], None),
        ({"signals": {"author_tier": "INFLUENCER"}}, [], [], "influencer"),
        ({}, [{"author_tier": "paid_advocate"}, {}], [], "paid_advocate"),
        ({}, [{"author_tier": "influencer"}], ["VIP"], "vip"),  # the strongest wins
        ({"signals": "garbage"}, [{"author_tier": None}], ["employee"], "employee"),
    ],
)
def test_customer_tier(routing: Any, attributes: list[dict[str, Any]], tags: list[str], tier: str | None) -> None:
    assert customer_tier(routing, attributes, tags) == tier
    assert tier is None or tier in TIERS


def test_enrichment_values() -> None:
    assert label_of({"label": "negative", "scores": {"negative": 0.9}}) == "negative"
    assert label_of(None) is None and label_of("negative") is None and label_of({"label": 3}) is None
    assert urgency_score({"score": 0.75, "level": "high"}) == 0.75
    assert urgency_score({"score": 1.7}) == 1.0 and urgency_score({"score": -1}) == 0.0
    assert urgency_score(None) is None and urgency_score({"level": "high"}) is None


def test_routing_approval_names_the_rules_that_asked_for_it() -> None:
    routing = {
        "decision": {
            "explanation": [
                {"rule": "baggage", "conditions": [], "actions": ["team = baggage", "requires_approval = false"]},
                {"rule": "offensive", "actions": ["requires_approval = true", "approver_role = lead"]},
                {"rule": "vip", "actions": ["approver_role = lead"]},
                {"rule": "lift", "actions": ["(requires_approval stays true: an earlier rule required it)"]},
            ]
        }
    }
    assert routing_approval(routing, 7) == "the routing of case 7 requires approval (rule offensive, vip)"
    assert routing_approval({}, 7) == "the routing of case 7 requires approval"
