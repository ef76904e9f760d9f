"""Rule evaluation: which rules fire for a post, and the routing decision they add up to.

Order and precedence, in full:
- Ordinary rules run in file order. Every rule whose conditions hold fires.
- A single-valued action (team, priority, sla_policy, assign_to, approver_role, suppress, allow_trainees)
  set by a later rule replaces the value from an earlier one; tags accumulate in order without repeats.
- requires_approval is the exception: once a fired rule requires approval it stays required, so a broad
  later rule cannot quietly lift a governance requirement. Setting approver_role also requires approval.
- A fired rule with `stop: true` ends evaluation: no later rule runs.
- Fallback rules (`fallback: true`) run after all ordinary rules, in order, and only fill in values that
  no earlier rule set (tags are still added). A default team and priority are written this way, without
  undoing the p1 that an ordinary rule chose. A `stop: true` rule ends evaluation before the fallbacks too.
- A rule whose conditions include a `nearest_team` test that held gets that nearest team as its team,
  in place of `then.team`.
The same post and configuration always give the same decision.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from groundswell.errors import ConfigurationError
from groundswell.routing.conditions import (
    FIELD_KINDS,
    AllOf,
    AnyOf,
    Condition,
    FieldKind,
    FieldTest,
    InRegion,
    KeywordTest,
    NearestTeam,
    Not,
    WithinKm,
    describe,
)
from groundswell.routing.geo import GeoPoint, Located, haversine_km, resolve_place
from groundswell.routing.ruleset import Rule, RuleSet, load_rules
from groundswell.routing.schemas import FiredRule, Region, RoutingDecision, RoutingInput, Team

__all__ = ["Outcome", "evaluate", "load_rules", "route"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """Whether a condition held, with reasons: why it held, or why not."""

    held: bool
    reasons: tuple[str, ...]
    nearest_team: str | None = None


class _Context:
    def __init__(self, post: RoutingInput, team_points: Mapping[str, GeoPoint], regions: Mapping[str, Region]):
        self.post = post
        self.team_points = team_points
        self.regions = regions

    @cached_property
    def positions(self) -> list[Located]:
        return self.post.positions()


def evaluate(
    condition: Condition,
    post: RoutingInput,
    *,
    teams: Mapping[str, Team] | None = None,
    regions: Mapping[str, Region] | None = None,
) -> Outcome:
    """Evaluate one condition tree against a post."""
    points = {name: t.location for name, t in (teams or {}).items() if t.location is not None}
    return _evaluate(condition, _Context(post, points, regions or {}))


def _evaluate(condition: Condition, ctx: _Context) -> Outcome:
    match condition:
        case FieldTest():
            return _field_test(condition, ctx.post)
        case KeywordTest(phrases):
            return _keywords(phrases, ctx.post.text)
        case WithinKm(of, km):
            return _within_km(of, km, ctx)
        case NearestTeam(teams, max_km):
            return _nearest_team(teams, max_km, ctx)
        case InRegion(region):
            return _in_region(region, ctx)
        case AllOf(children):
            outcomes = [_evaluate(child, ctx) for child in children]
            failed = [o for o in outcomes if not o.held]
            if failed:
                return Outcome(False, tuple(r for o in failed for r in o.reasons))
            nearest = next((o.nearest_team for o in reversed(outcomes) if o.nearest_team), None)
            return Outcome(True, tuple(r for o in outcomes for r in o.reasons), nearest)
        case AnyOf(children):
            outcomes = [_evaluate(child, ctx) for child in children]
            held = [o for o in outcomes if o.held]
            if not held:
                return Outcome(False, tuple(r for o in outcomes for r in o.reasons))
            nearest = next((o.nearest_team for o in held if o.nearest_team), None)
            return Outcome(True, tuple(r for o in held for r in o.reasons), nearest)
        case Not(child):
            inner = _evaluate(child, ctx)
            because = "; ".join(inner.reasons)
            return Outcome(not inner.held, (f"not ({describe(child)}): {because}",))
    raise AssertionError(f"unhandled condition {condition!r}")  # pragma: no cover


def _field_test(test: FieldTest, post: RoutingInput) -> Outcome:
    value = getattr(post, test.field)
    wanted = describe(test).split(" ", 1)[1]  # "equals x", "gte 0.7", "contains any a, b"
    if value is None:
        return Outcome(False, (f"{test.field} is unknown ({wanted}: no)",))
    held = _field_holds(FIELD_KINDS[test.field], test, value)
    if isinstance(value, tuple):
        shown = "[" + ", ".join(value) + "]"
    elif isinstance(value, bool):
        shown = str(value).lower()
    elif isinstance(value, int | float):
        shown = f"{value:g}"
    else:
        shown = repr(str(value))
    return Outcome(held, (f"{test.field} is {shown} ({wanted}: {'yes' if held else 'no'})",))


def _field_holds(kind: FieldKind, test: FieldTest, value: object) -> bool:
    options = test.value if isinstance(test.value, tuple) else ()
    if kind is FieldKind.LIST:
        have = {str(v).casefold() for v in value}  # type: ignore[attr-defined]  # a tuple of text
        matched = [option for option in options if option in have]
        return {"contains_any": bool(matched), "contains_all": len(matched) == len(options), "not_in": not matched}[
            test.op
        ]
    if kind is FieldKind.NUMBER:
        number, bound = float(value), float(test.value)  # type: ignore[arg-type]  # the parser made both numbers
        checks = {"equals": number == bound, "gte": number >= bound, "lte": number <= bound}
        return (checks | {"gt": number > bound, "lt": number < bound})[test.op]
    if kind is FieldKind.BOOL:
        return bool(value) is test.value
    text = str(value).casefold()
    if test.op == "equals":
        return text == test.value
    if test.op == "contains_any":
        return any(option in text for option in options)
    return (text in options) == (test.op == "in")


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Whole words only ("bag" must not match "garbage"); any run of spaces matches the phrase's spaces.
    body = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _keywords(phrases: tuple[str, ...], text: str) -> Outcome:
    found = [phrase for phrase in phrases if _phrase_pattern(phrase).search(text)]
    if found:
        return Outcome(True, (f"text mentions {', '.join(repr(p) for p in found)}",))
    return Outcome(False, (f"text mentions none of {', '.join(repr(p) for p in phrases)}",))


def _closest(ctx: _Context, target: GeoPoint) -> tuple[float, Located] | None:
    measured = [(haversine_km(where.point, target), where) for where in ctx.positions]
    return min(measured, key=lambda pair: (pair[0], pair[1].source)) if measured else None


def _within_km(of: str, km: float, ctx: _Context) -> Outcome:
    place = resolve_place(of, ctx.team_points)
    if place is None:
        raise ConfigurationError(f"within_km.of {of!r} is neither a team with a location, an IATA code nor a city")
    closest = _closest(ctx, place.point)
    if closest is None:
        return Outcome(False, (f"post has no known position (needed within {km:g} km of {of})",))
    distance, where = closest
    held = distance <= km
    relation = "<=" if held else ">"
    return Outcome(held, (f"{where.source} is {distance:.0f} km from {place.source} ({relation} {km:g} km)",))


def _nearest_team(teams: tuple[str, ...], max_km: float, ctx: _Context) -> Outcome:
    if not ctx.positions:
        return Outcome(False, (f"post has no known position (needed a team among {', '.join(teams)})",))
    ranked = []
    for team in teams:
        if team in ctx.team_points and (closest := _closest(ctx, ctx.team_points[team])) is not None:
            ranked.append((closest[0], team, closest[1]))
    if not ranked:
        return Outcome(False, (f"none of {', '.join(teams)} has a location",))
    distance, team, where = min(ranked, key=lambda item: (item[0], item[1]))  # ties go to the first name
    if distance > max_km:
        return Outcome(False, (f"nearest team {team} is {distance:.0f} km from {where.source} (> {max_km:g} km)",))
    return Outcome(True, (f"{where.source} is {distance:.0f} km from team {team}, the nearest",), team)


def _in_region(name: str, ctx: _Context) -> Outcome:
    region = ctx.regions.get(name)
    if region is None:
        raise ConfigurationError(f"region {name!r} is not defined under regions")
    for where in ctx.positions:
        if region.bbox is not None and region.bbox.contains(where.point):
            return Outcome(True, (f"{where.source} is inside region {name}",))
        for label, place in zip(region.place_names, region.places, strict=True):
            distance = haversine_km(where.point, place)
            if distance <= region.radius_km:
                return Outcome(True, (f"{where.source} is in region {name} ({distance:.0f} km from {label})",))
    if not ctx.positions:
        return Outcome(False, (f"post has no known position (needed region {name})",))
    return Outcome(False, (f"post is outside region {name}",))


class _Decision:
    """The decision as it builds up, rule by rule."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {"requires_approval": False, "suppressed": False, "allow_trainees": True}
        self.set_by_rule: set[str] = set()
        self.tags: list[str] = []
        self.fired: list[FiredRule] = []

    def apply(self, rule: Rule, outcome: Outcome, fill_only: bool = False) -> None:
        then = rule.then
        said = then.describe()
        team = outcome.nearest_team or then.team
        if outcome.nearest_team:
            said = [s for s in said if not s.startswith("team =")] + [f"team = {team} (nearest)"]
        updates = {
            "team": team,
            "priority": then.priority,
            "sla_policy": then.sla_policy,
            "assign_to": then.assign_to,
            "approver_role": then.approver_role,
            "suppressed": then.suppress,
            "allow_trainees": then.allow_trainees,
        }
        updates = {key: value for key, value in updates.items() if value is not None}
        if fill_only:
            kept = sorted(key for key in updates if key in self.set_by_rule)
            said = [line for line in said if not line.startswith(tuple(f"{key} =" for key in kept))]
            said += [f"(kept {key} = {self.values[key]} from an earlier rule)" for key in kept]
            updates = {key: value for key, value in updates.items() if key not in self.set_by_rule}
        self.values |= updates
        self.set_by_rule |= set(updates)
        if then.requires_approval or then.approver_role:
            self.values["requires_approval"] = True
        elif then.requires_approval is False and self.values["requires_approval"]:
            said.append("(requires_approval stays true: an earlier rule required it)")
        self.tags += [tag for tag in then.tags if tag not in self.tags]
        self.fired.append(FiredRule(rule=rule.name, conditions=outcome.reasons, actions=tuple(said)))

    def result(self, stopped_by: str | None) -> RoutingDecision:
        return RoutingDecision.model_validate(
            {**self.values, "tags": tuple(self.tags), "explanation": tuple(self.fired), "stopped_by": stopped_by}
        )


def route(post: RoutingInput, ruleset: RuleSet, teams: Mapping[str, Team] | None = None) -> RoutingDecision:
    """Run the rules over one post. `teams` (name to Team) defaults to the teams in the rules file; a caller
    that keeps teams in the database passes its own."""
    known_teams = ruleset.teams if teams is None else teams
    points = {name: team.location for name, team in known_teams.items() if team.location is not None}
    ctx = _Context(post, points, ruleset.regions)
    decision = _Decision()
    ordinary = [(rule, False) for rule in ruleset.rules if not rule.fallback]
    for rule, fill_only in ordinary + [(rule, True) for rule in ruleset.rules if rule.fallback]:
        outcome = _evaluate(rule.when, ctx)
        if not outcome.held:
            continue
        decision.apply(rule, outcome, fill_only=fill_only)
        if rule.stop:
            return decision.result(stopped_by=rule.name)
    return decision.result(stopped_by=None)
