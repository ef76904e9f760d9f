"""Departments files: what is accepted, and errors that name where the mistake is and what to write."""

from __future__ import annotations

from typing import Any

import pytest

from groundswell.departments.schemas import parse_departments, spec_of, stored_settings
from groundswell.errors import InvalidInput


def _one(**department: Any) -> dict[str, Any]:
    return {"departments": [{"name": "pricing", "subscriptions": {"topics": ["Billing"]}, **department}]}


def test_topics_as_names_or_mappings_and_round_trip() -> None:
    topics = ["Billing", {"name": "Refunds", "min_score": 0.7}]
    doc = parse_departments(_one(name=" Pricing ", subscriptions={"topics": topics}))
    spec = doc.departments[0]
    assert spec.name == "pricing" and [(t.name, t.min_score) for t in spec.subscriptions.topics] == [
        ("Billing", 0.5), ("Refunds", 0.7)]  # fmt: skip
    back = spec_of(name=spec.name, description="", recipients=[], stored=stored_settings(spec))
    assert back == spec


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected a mapping with a `departments` list"),
        ({"departments": []}, "departments: List should have at least 1 item"),
        (_one(subscriptions={"intents": ["haggling"]}), "unknown intent(s) haggling: use question"),
        (_one(subscriptions={}), "subscribe to at least one of intents, topics, sentiment_changes or new_themes"),
        (_one(recipients=["pricing team"]), "not an e-mail address: pricing team"),
        (_one(split_by="colour"), "departments.0.split_by"),
        (_one(subscriptions={"sentiment_changes": [{"min_posts": 5}]}), "name exactly one of `product` or `brand`"),
        (_one(subscriptions={"sentiment_changes": [{"brand": "V", "alpha": 2}]}), "sentiment_changes.0.alpha"),
        (_one(subscriptions={"topics": ["A"], "themes": ["x"]}), "subscriptions.themes: Extra inputs"),
        (_one(name="Pricing!"), "is not a department name"),
        ({"departments": [_one()["departments"][0]] * 2}, "department(s) defined twice: pricing"),
    ],
)
def test_errors_name_the_place_and_the_fix(document: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_departments(document, source="team.yaml")
    assert str(caught.value).startswith("team.yaml: ") and message in str(caught.value)
