"""Every mistake in a routing file gets a message naming the rule (or team, region...) and the field."""

from __future__ import annotations

import pytest

from groundswell.errors import InvalidInput
from groundswell.routing import RuleSet, Team, check_references, load_rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules: [name: x", "not valid YAML at line 1"),
        ("just text", "must be a mapping"),
        ("rulez: []", "unknown section(s) rulez"),
        ("rules: {name: x}", "`rules` must be a list"),
        ("rules: [{when: {channel: x}}]", "rule #1: name: Field required"),
        ("rules: [oops]", "rule #1: expected a mapping"),
        ("rules: [{name: a}, {name: a}]", "rule 'a' (rule #2): the name 'a' is used twice"),
        (
            "rules: [{name: r, when: {chanel: x}}]",
            "rule 'r' (rule #1): when.chanel: unknown condition 'chanel'; did you mean 'channel'?",
        ),
        (
            "rules: [{name: r, when: {urgency: high}}]",
            "rule 'r' (rule #1): when.urgency: expected a number, got str 'high'",
        ),
        (
            "rules: [{name: r, when: {urgency: {contains_any: [a]}}}]",
            "when.urgency.contains_any: operator 'contains_any' does not apply to number field",
        ),
        ("rules: [{name: r, when: {language: no}}]", "when.language: expected text, got bool False; quote values"),
        ("rules: [{name: r, when: {any: {channel: x}}}]", "when.any: expected a non-empty list"),
        ("rules: [{name: r, when: {any: [{channel: x}, {brand: 3}]}}]", "when.any[1].brand: expected text"),
        ("rules: [{name: r, when: {not: [x]}}]", "when.not: expected a mapping of conditions to negate"),
        ("rules: [{name: r, when: {within_km: {of: ORD}}}]", "when.within_km: missing km"),
        ("rules: [{name: r, when: {within_km: {of: ORD, km: -1}}}]", "when.within_km.km: expected a positive number"),
        (
            "rules: [{name: r, when: {nearest_team: {teams: [], max_km: 5}}}]",
            "when.nearest_team.teams: expected a non-empty list",
        ),
        ("rules: [{name: r, when: {keywords: ['  ']}}]", "when.keywords[0]: must not be blank"),
        (
            "rules: [{name: r, then: {priority: urgent}}]",
            "rule 'r' (rule #1): then.priority: 'urgent' is not a priority; use p1 (urgent)",
        ),
        ("rules: [{name: r, then: {team: a, colour: red}}]", "then.colour: Extra inputs are not permitted"),
        ("rules: [{name: r, when: {region: west}}]", "rule 'r': region 'west' is not defined under regions"),
        ("teams: {a: {location: XQZ1}}", "team 'a': location: 'XQZ1' is not a known IATA airport code"),
        ("teams: {a: {calendar: office}}", "team 'a': calendar 'office' is not defined under calendars"),
        ("teams: {a: {}}\nrules: [{name: r, then: {team: b}}]", "rule 'r': then.team 'b' is not a defined team"),
        (
            "teams: {a: {}}\nrules: [{name: r, when: {nearest_team: {teams: [a], max_km: 5}}}]",
            "nearest_team names 'a', not a team with a location",
        ),
        (
            "teams: {a: {}}\nrules: [{name: r, when: {within_km: {of: Atlantis, km: 5}}}]",
            "within_km.of 'Atlantis' is neither",
        ),
        (
            "regions: {w: {places: [SFO], bbox: {min_lat: 0, max_lat: 1, min_lon: 0, max_lon: 1}}}",
            "region 'w': give either places",
        ),
        (
            "regions: {w: {bbox: {min_lat: 5, max_lat: 1, min_lon: 0, max_lon: 1}}}",
            "region 'w': bbox: min_lat must not exceed max_lat",
        ),
        ("calendars: {c: {timezone: UTC, hours: {mon: '9-5'}}}", "calendar 'c': mon: '9-5' is not a time range"),
        ("sla_policies: {s: {first_response: 2d}}", "SLA policy 's': first_response: '2d' is not a duration"),
        ("sla_policies: {s: {first_response: 1h, calendar: nope}}", "SLA policy 's': calendar 'nope' is not defined"),
        (
            "sla_policies: {s: {first_response: 1h}}\nrules: [{name: r, then: {sla_policy: gold}}]",
            "then.sla_policy 'gold' is not defined",
        ),
    ],
)
def test_errors_name_the_part_and_field(text: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_rules(text)
    assert expected in caught.value.message


def test_teams_may_live_elsewhere_and_be_checked_later() -> None:
    config = load_rules("rules: [{name: r, when: {nearest_team: {teams: [a], max_km: 5}}, then: {team: b}}]")
    assert check_references(config) == []  # the file defines no teams: nothing to check against yet
    problems = check_references(config, {"a": Team(name="a")})
    assert problems == [
        "rule 'r': then.team 'b' is not a defined team",
        "rule 'r': nearest_team names 'a', not a team with a location",
    ]


def test_a_bare_list_is_a_list_of_rules_and_empty_is_empty() -> None:
    assert [r.name for r in load_rules("- {name: a}\n- {name: b}").rules] == ["a", "b"]
    assert load_rules("") == RuleSet()


def test_the_airline_example_loads(airline: RuleSet) -> None:
    assert {"baggage-ord", "baggage-sfo", "baggage-lax", "baggage-den", "bookings", "customer-care"} <= set(
        airline.teams
    )
    assert airline.teams["baggage-ord"].calendar == "chicago-airport"
    assert airline.rules[-1].fallback
