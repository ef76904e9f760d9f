"""Playbooks: the YAML schema with clear errors, holding statements checked by policy at load time, and
`match` choosing the most specific trigger whatever the order of the playbooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from groundswell.errors import InvalidInput
from groundswell.incidents.playbooks import (
    SEVERITIES,
    Playbook,
    load_playbook,
    load_playbooks,
    match,
    parse_duration,
    parse_playbook,
)
from tests.incidents.world import EXAMPLES


@dataclass
class FakeAlert:
    kind: str = "volume_spike"
    scope_kind: str = "brand"
    scope: str = "Voltline"
    severity: str = "high"


def document(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "outage",
        "trigger": {"kinds": ["volume_spike"], "scope_kind": "brand", "scopes": ["*"], "min_severity": "medium"},
        "roles": [{"name": "incident_lead", "allowed": ["manager", "admin"]}],
        "tasks": [{"title": "Confirm", "owner": "incident_lead", "due_after": "15m"}],
        "holding_statements": [{"name": "first", "text": "We know {brand} is down and are on it."}],
        "pause_marketing": True,
    }
    return base | changes


def test_the_example_playbooks_load() -> None:
    playbooks = load_playbooks(EXAMPLES)
    assert [p.name for p in playbooks] == ["leak-or-scandal", "service-outage"]
    outage = playbooks[1]
    assert outage.pause_marketing and outage.role("spokesperson").allowed == ("manager", "admin")
    assert outage.holding("first-response", "es").language == "es"
    assert outage.holding("first-response", "de").language == "en"  # falls back to English
    assert "Voltline" in outage.holding("first-response").render({"brand": "Voltline"})


def test_a_holding_statement_needing_approval_is_refused_with_the_finding_explained() -> None:
    bad = document(holding_statements=[{"name": "sorry", "text": "We guarantee a full refund to every {brand} user."}])
    with pytest.raises(InvalidInput) as error:
        parse_playbook(bad, source="x.yaml")
    message = error.value.message
    assert "holding statement 'sorry' (en) cannot be pre-approved" in message
    assert "require_approval commitment.guarantee" in message and "get approval for the guarantee" in message


def test_a_holding_statement_with_a_block_finding_is_refused() -> None:
    bad = document(holding_statements=[{"name": "card", "text": "Card 4111 1111 1111 1111 was charged."}])
    with pytest.raises(InvalidInput, match=r"block pii\.card .*last four digits"):
        parse_playbook(bad)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"tasks": [{"title": "x", "owner": "lawyer"}]}, "owned by 'lawyer', which is not a role"),
        ({"trigger": {"min_severity": "huge"}}, "trigger.min_severity: unknown severity 'huge'"),
        ({"trigger": {"scope_kind": "planet"}}, "unknown scope kind 'planet'"),
        ({"roles": [{"name": "incident_lead", "allowed": ["legal"]}]}, "allowed must list employee roles"),
        ({"tasks": [{"title": "x", "owner": "incident_lead", "due_after": "soon"}]}, "write it like 15m"),
        ({"holding_statements": [{"name": "a", "text": "Hi {0}"}]}, "{0} is not a plain variable"),
        ({"holding_statements": [{"name": "a", "text": "x", "channel": "fax"}]}, "unknown channel 'fax'"),
        ({"surprise": 1}, "surprise: Extra inputs are not permitted"),
    ],
)
def test_schema_errors_say_where_and_what(changes: dict[str, Any], expected: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_playbook(document(**changes), source="pb.yaml")
    assert error.value.message.startswith("pb.yaml: ") and expected in error.value.message


def test_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(document()))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(document()))
    with pytest.raises(InvalidInput, match="more than one playbook is named outage"):
        load_playbooks(tmp_path)
    (tmp_path / "b.yaml").write_text("name: [unclosed")
    with pytest.raises(InvalidInput, match=r"b\.yaml is not valid YAML"):
        load_playbook(tmp_path / "b.yaml")
    with pytest.raises(InvalidInput, match="holds no playbooks"):
        (tmp_path / "empty").mkdir()
        load_playbooks(tmp_path / "empty")


def test_missing_variables_are_named() -> None:
    playbook = Playbook.model_validate(document())
    with pytest.raises(InvalidInput, match=r"needs brand: pass them as variables"):
        playbook.holding("first").render({"scope": "x"})


def test_durations() -> None:
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("2d") == timedelta(days=2)


def playbook(name: str, **trigger: Any) -> Playbook:
    return Playbook.model_validate({"name": name, "trigger": trigger})


def test_the_most_specific_trigger_wins() -> None:
    anything = playbook("anything")
    brands = playbook("brands", scope_kind="brand")
    voltline = playbook("voltline", scope_kind="brand", scopes=["voltline"])
    spikes = playbook("spikes", scope_kind="brand", kinds=["volume_spike"])
    critical = playbook("critical", scope_kind="brand", kinds=["volume_spike"], min_severity="critical")
    books = [anything, brands, voltline, spikes, critical]
    assert match(books, FakeAlert()) is voltline  # a named scope beats everything else
    assert match(books, FakeAlert(scope="Other")) is spikes
    assert match(books, FakeAlert(scope="Other", severity="critical")) is critical
    assert match(books, FakeAlert(scope="Other", kind="anger_shift")) is brands
    assert match(books, FakeAlert(scope_kind="topic", scope="refunds")) is anything
    assert match([critical], FakeAlert(scope="Other")) is None  # severity too low


kinds = st.sampled_from(["volume_spike", "anger_shift", "*"])
triggers = st.fixed_dictionaries(
    {
        "kinds": st.lists(kinds, min_size=1, max_size=2),
        "scope_kind": st.sampled_from(["brand", "topic", "*"]),
        "scopes": st.lists(st.sampled_from(["Voltline", "Other", "*"]), min_size=1, max_size=2),
        "min_severity": st.sampled_from(SEVERITIES),
    }
)


@given(st.lists(triggers, min_size=1, max_size=6), st.randoms(use_true_random=False),
       st.sampled_from(SEVERITIES), st.sampled_from(["volume_spike", "anger_shift"]))  # fmt: skip
def test_match_does_not_depend_on_order_and_picks_an_accepting_playbook(
    found: list[dict[str, Any]], rnd: Any, severity: str, kind: str
) -> None:
    books = [playbook(f"p{i}", **t) for i, t in enumerate(found)]
    alert = FakeAlert(kind=kind, severity=severity)
    chosen = match(books, alert)
    shuffled = list(books)
    rnd.shuffle(shuffled)
    assert match(shuffled, alert) == chosen
    accepting = [b for b in books if b.trigger.accepts(alert)]
    assert (chosen is None) == (not accepting)
    if chosen is not None:
        assert all(chosen.trigger.specificity() >= b.trigger.specificity() for b in accepting)
