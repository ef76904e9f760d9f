from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.errors import ConfigurationError
from groundswell.routing import (
    AuthorTier,
    GeoPoint,
    Priority,
    RoutingInput,
    RuleSet,
    Team,
    evaluate,
    load_rules,
    route,
)
from groundswell.routing.conditions import parse_condition


def post(**fields: object) -> RoutingInput:
    return RoutingInput.model_validate({"text": "", **fields})


def rules(text: str) -> RuleSet:
    return load_rules(text)


# --- the airline example ---------------------------------------------------------------------------------


def test_lost_bag_goes_to_the_nearest_baggage_team(airline: RuleSet) -> None:
    decision = route(post(text="My bag never arrived at SFO", intent=["lost_baggage"]), airline)
    assert decision.team == "baggage-sfo"
    assert decision.priority is Priority.P2
    assert decision.sla_policy == "baggage"
    assert decision.tags == ("baggage", "west-coast")
    assert "airport SFO in text is 0 km from team baggage-sfo" in decision.explain()


def test_lost_bag_far_from_our_airports_falls_back(airline: RuleSet) -> None:
    decision = route(post(text="lost luggage in Boston", coordinates={"lat": 42.36, "lon": -71.06}), airline)
    assert decision.team == "customer-care"
    assert decision.fired_rules == ["everything-else"]


def test_angry_urgent_bag_keeps_team_and_escalates_priority(airline: RuleSet) -> None:
    decision = route(
        post(text="lost bag at DEN and nobody helps", sentiment="negative", urgency=0.9, topics=["baggage"]),
        airline,
    )
    assert (decision.team, decision.priority, decision.sla_policy) == ("baggage-den", Priority.P1, "urgent")
    assert decision.fired_rules == ["lost-bag-at-one-of-our-airports", "angry-and-urgent", "everything-else"]
    # The fallback filled nothing that was already set.
    assert "(kept priority = p1 from an earlier rule)" in decision.explanation[-1].actions


def test_vip_needs_approval_and_no_trainees(airline: RuleSet) -> None:
    decision = route(post(text="Please rebook me", intent=["rebooking"], author_tier="vip"), airline)
    assert decision.team == "social-escalations"
    assert decision.requires_approval and decision.approver_role == "social_lead"
    assert not decision.allow_trainees
    assert decision.tags == ("bookings",)


def test_spam_is_suppressed_and_stops(airline: RuleSet) -> None:
    decision = route(post(text="Get FREE followers now", sentiment="negative", urgency=1.0), airline)
    assert decision.suppressed
    assert decision.stopped_by == "drop-spam"
    assert decision.fired_rules == ["drop-spam"]
    assert decision.team is None


def test_legal_stop_keeps_later_rules_out(airline: RuleSet) -> None:
    decision = route(post(text="My lawyer will hear about this", sentiment="positive"), airline)
    assert decision.stopped_by == "press-and-legal"
    assert "praise" not in decision.fired_rules
    assert decision.approver_role == "legal"


def test_author_location_places_a_post_without_other_clues(airline: RuleSet) -> None:
    decision = route(post(text="my suitcase is gone", author_location="Chicago"), airline)
    assert decision.team == "baggage-ord"


def test_coordinates_outrank_airport_codes_in_text(airline: RuleSet) -> None:
    near_lax = {"lat": 33.94, "lon": -118.41}
    decision = route(post(text="lost bag, flew ORD-LAX", coordinates=near_lax), airline)
    assert decision.team == "baggage-lax"


# --- semantics -------------------------------------------------------------------------------------------

TWO_RULES = """
rules:
  - {name: first, when: {channel: x}, then: {team: a, priority: p3, tags: [one]}}
  - {name: second, when: {channel: x}, then: {team: b, tags: [two, one]}}
"""


def test_later_rules_override_single_values_and_tags_accumulate() -> None:
    decision = route(post(channel="x"), rules(TWO_RULES))
    assert (decision.team, decision.priority, decision.tags) == ("b", Priority.P3, ("one", "two"))


def test_order_matters_and_stop_ends_evaluation() -> None:
    swapped = TWO_RULES.replace("first", "tmp").replace("second", "first").replace("tmp", "second")
    reordered = "rules:\n" + "\n".join(reversed(swapped.strip().splitlines()[1:]))
    assert route(post(channel="x"), rules(reordered)).team == "a"
    stopped = TWO_RULES.replace("tags: [one]}}", "tags: [one]}, stop: true}")
    decision = route(post(channel="x"), rules(stopped))
    assert decision.team == "a" and decision.stopped_by == "first" and decision.fired_rules == ["first"]


def test_requires_approval_once_set_stays_set() -> None:
    config = rules(
        """
rules:
  - {name: strict, when: {brand: acme}, then: {requires_approval: true}}
  - {name: lax, then: {requires_approval: false}}
"""
    )
    decision = route(post(brand="ACME"), config)
    assert decision.requires_approval
    assert any("stays true" in line for line in decision.explanation[1].actions)
    assert not route(post(brand="other"), config).requires_approval


def test_rule_without_conditions_fires_always() -> None:
    decision = route(post(), rules("rules: [{name: default, then: {priority: p4}}]"))
    assert decision.priority is Priority.P4
    assert "always fires" in decision.explain()


@pytest.mark.parametrize(
    ("when", "fields", "held"),
    [
        ({"channel": "X"}, {"channel": "x"}, True),
        ({"language": ["en", "es"]}, {"language": "es"}, True),
        ({"language": {"not_in": ["en"]}}, {"language": "fr"}, True),
        ({"language": "en"}, {}, False),  # unknown never matches
        ({"intent": "refund"}, {"intent": ["complaint", "refund"]}, True),
        ({"intent": {"contains_all": ["complaint", "refund"]}}, {"intent": ["refund"]}, False),
        ({"topics": {"not_in": ["spam"]}}, {"topics": []}, True),
        ({"urgency": {"gte": 0.5, "lte": 0.9}}, {"urgency": 0.9}, True),
        ({"urgency": {"gt": 0.9}}, {"urgency": 0.9}, False),
        ({"reach": {"gte": 10000}}, {"reach": 9999}, False),
        ({"sentiment_score": {"lt": -0.5}}, {"sentiment_score": -0.7}, True),
        ({"offensive": False}, {"offensive": False}, True),
        ({"author_tier": "paid_advocate"}, {"author_tier": AuthorTier.PAID_ADVOCATE}, True),
        ({"location": {"contains_any": ["o'hare"]}}, {"location": "Chicago O'Hare Terminal 1"}, True),
        ({"keywords": ["lost bag"]}, {"text": "My LOST   bag!"}, True),
        ({"keywords": ["bag"]}, {"text": "garbage service"}, False),  # whole words only
        ({"keywords": {"contains_any": ["#fail"]}}, {"text": "so #fail"}, True),
        ({"any": [{"channel": "x"}, {"brand": "acme"}]}, {"brand": "acme"}, True),
        ({"all": [{"channel": "x"}, {"brand": "acme"}]}, {"brand": "acme"}, False),
        ({"not": {"channel": "x"}}, {"channel": "email"}, True),
        ({"not": {"any": [{"channel": "x"}, {"emotion": "anger"}]}}, {"emotion": "anger"}, False),
    ],
)
def test_condition_forms(when: dict[str, object], fields: dict[str, object], held: bool) -> None:
    assert evaluate(parse_condition(when), post(**fields)).held is held


GEO = """
teams:
  ord: {location: ORD}
  den: {location: DEN}
  nowhere: {}
regions:
  rockies: {bbox: {min_lat: 37, max_lat: 45, min_lon: -111, max_lon: -102}}
  pacific: {bbox: {min_lat: -50, max_lat: 60, min_lon: 170, max_lon: -120}}
rules:
  - {name: near-ord, when: {within_km: {of: ord, km: 50}}, then: {tags: [near-ord]}}
  - {name: near-jfk, when: {within_km: {of: JFK, km: 50}}, then: {tags: [near-jfk]}}
  - {name: nearest, when: {nearest_team: {teams: [ord, den], max_km: 1500}}, then: {team: nowhere}}
  - {name: rockies, when: {region: rockies}, then: {tags: [rockies]}}
  - {name: pacific, when: {region: pacific}, then: {tags: [pacific]}}
"""


@pytest.mark.parametrize(
    ("where", "team", "tags"),
    [
        ({"lat": 41.88, "lon": -87.63}, "ord", ("near-ord",)),  # downtown Chicago
        ({"lat": 39.74, "lon": -104.99}, "den", ("rockies",)),  # Denver
        ({"lat": 40.64, "lon": -73.78}, "ord", ("near-jfk",)),  # JFK: ORD is nearer than DEN
        ({"lat": 21.3, "lon": -157.8}, None, ("pacific",)),  # Honolulu: too far; box crosses the antimeridian
    ],
)
def test_geography(where: dict[str, float], team: str | None, tags: tuple[str, ...]) -> None:
    decision = route(post(coordinates=where), rules(GEO))
    assert decision.team == team
    assert decision.tags == tags


def test_geography_without_position_never_holds() -> None:
    decision = route(post(text="where am I"), rules(GEO))
    assert decision.fired_rules == []


def test_teams_from_the_caller_replace_the_files() -> None:
    config = rules("rules: [{name: n, when: {nearest_team: {teams: [a, b], max_km: 100}}, then: {tags: [t]}}]")
    teams = {
        "a": Team(name="a", location=GeoPoint(lat=0, lon=0)),
        "b": Team(name="b", location=GeoPoint(lat=0, lon=0.5)),
    }
    assert route(post(coordinates={"lat": 0, "lon": 0.4}), config, teams).team == "b"
    assert route(post(coordinates={"lat": 0, "lon": 0.25}), config, teams).team == "a"  # a tie goes to the first name


def test_unknown_place_at_route_time_is_a_configuration_error() -> None:
    config = rules("rules: [{name: n, when: {within_km: {of: somewhere-else, km: 5}}}]")
    with pytest.raises(ConfigurationError, match="somewhere-else"):
        route(post(coordinates={"lat": 0, "lon": 0}), config)


# --- properties over the airline example -----------------------------------------------------------------

words = st.sampled_from(["lost bag", "refund", "lawyer", "great", "ORD", "SFO", "#DEN", "free followers", "hi"])
posts = st.builds(
    RoutingInput,
    text=st.lists(words, max_size=5).map(" ".join),
    channel=st.sampled_from([None, "x", "mastodon"]),
    intent=st.lists(st.sampled_from(["lost_baggage", "refund", "complaint", "rebooking"]), max_size=2).map(tuple),
    topics=st.lists(st.sampled_from(["baggage", "food"]), max_size=2).map(tuple),
    sentiment=st.sampled_from([None, "negative", "neutral", "positive"]),
    urgency=st.none() | st.floats(0, 1),
    offensive=st.booleans(),
    reach=st.none() | st.integers(0, 10**6),
    author_tier=st.sampled_from(list(AuthorTier)),
    author_location=st.sampled_from([None, "Chicago", "Denver", "Paris", "Los Angeles"]),
)


@given(posts)
def test_routing_is_deterministic(airline: RuleSet, item: RoutingInput) -> None:
    assert route(item, airline) == route(item, airline)


@given(posts)
def test_explanation_names_every_fired_rule_in_order(airline: RuleSet, item: RoutingInput) -> None:
    decision = route(item, airline)
    order = [rule.name for rule in airline.rules if not rule.fallback] + [r.name for r in airline.rules if r.fallback]
    holding = [
        name
        for name in order
        if evaluate(_rule(airline, name).when, item, teams=airline.teams, regions=airline.regions).held
    ]
    if decision.stopped_by:
        holding = holding[: holding.index(decision.stopped_by) + 1]
    assert decision.fired_rules == holding
    for fired in decision.explanation:
        assert fired.rule in decision.explain()
        assert fired.conditions or _rule(airline, fired.rule).when == parse_condition(None)
    assert decision.suppressed == (decision.stopped_by == "drop-spam")


def _rule(ruleset: RuleSet, name: str):  # type: ignore[no-untyped-def]
    return next(rule for rule in ruleset.rules if rule.name == name)


@given(posts)
def test_every_unsuppressed_post_gets_a_team_and_priority(airline: RuleSet, item: RoutingInput) -> None:
    decision = route(item, airline)
    if not decision.suppressed:
        assert decision.team in airline.teams
        assert decision.priority is not None
