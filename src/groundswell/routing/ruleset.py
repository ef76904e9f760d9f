"""The routing configuration file: teams, regions, calendars, SLA policies and the ordered rules.

`load_rules(text)` reads YAML, validates every part and raises InvalidInput with a message that names the
rule (or team, region, ...) and the field at fault. The format, by example:

    teams:
      baggage-ord: {location: ORD, calendar: chicago-airport}
    regions:
      west-coast: {places: [SFO, LAX, SEA], radius_km: 150}
    calendars:
      chicago-airport: {timezone: America/Chicago, hours: {daily: "05:00-23:00"}}
    sla_policies:
      standard: {first_response: 4h, resolution: 24h, business_hours: true, warn_at: 0.75}
      urgent:
        first_response: 15m
        escalate: {on: breach, priority: p1, notify_role: manager, add_tags: [sla-breach]}  # see SlaEscalation
    rules:
      - name: lost-bag-near-an-airport
        when: {intent: lost_baggage, nearest_team: {teams: [baggage-ord], max_km: 80}}
        then: {priority: p2, sla_policy: standard, tags: [baggage]}
        stop: false            # default; true means no later rule runs once this one fires
      - name: everything-else
        fallback: true         # runs last and only fills in what no other rule set
        then: {team: customer-care, priority: p3}
"""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

from groundswell.errors import InvalidInput
from groundswell.routing.calendar import BusinessCalendar
from groundswell.routing.conditions import (
    CONDITION_TYPES,
    AllOf,
    Condition,
    ConditionError,
    parse_condition,
    referenced_places,
)
from groundswell.routing.geo import resolve_place
from groundswell.routing.schemas import Actions, Region, Team
from groundswell.routing.sla import SlaPolicy

SECTIONS = ("version", "teams", "regions", "calendars", "sla_policies", "rules")


def _parse_when(value: Any) -> Condition:
    if isinstance(value, CONDITION_TYPES):
        return value  # already a parsed condition tree (a Rule built in code)
    try:
        return parse_condition(value)
    except ConditionError as exc:
        raise ValueError(str(exc)) from exc


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    when: Annotated[Condition, PlainValidator(_parse_when)] = AllOf(())
    then: Actions = Actions()
    stop: bool = False
    fallback: bool = False


class RuleSet(BaseModel):
    model_config = ConfigDict(frozen=True)

    rules: tuple[Rule, ...] = ()
    teams: dict[str, Team] = {}
    regions: dict[str, Region] = {}
    calendars: dict[str, BusinessCalendar] = {}
    sla_policies: dict[str, SlaPolicy] = {}


def _describe_errors(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        # Condition errors already carry their path (when.any[0].urgency); model-level ones have none.
        already_located = not where or message.startswith((f"{where}.", f"{where}:"))
        parts.append(message if already_located else f"{where}: {message}")
    return "; ".join(parts)


def _section(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidInput(f"routing config: `{key}` must be a mapping of name to settings")
    return value


def _named(document: dict[str, Any], key: str, label: str, model: type[BaseModel], with_name: bool) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, settings in _section(document, key).items():
        data = dict(settings or {}) if isinstance(settings, dict) else settings
        if with_name and isinstance(data, dict):
            data["name"] = str(name)
        try:
            parsed[str(name)] = model.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(f"{label} {name!r}: {_describe_errors(exc)}") from exc
    return parsed


def _parse_rules(raw: Any) -> tuple[Rule, ...]:
    if not isinstance(raw, list):
        raise InvalidInput("routing config: `rules` must be a list of rules, each with a name")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        name = item.get("name") if isinstance(item, dict) else None
        label = f"rule {name!r} (rule #{index})" if name else f"rule #{index}"
        if not isinstance(item, dict):
            raise InvalidInput(f"{label}: expected a mapping with name, when, then, got {item!r}")
        try:
            rule = Rule.model_validate(item)
        except ValidationError as exc:
            raise InvalidInput(f"{label}: {_describe_errors(exc)}") from exc
        if rule.name in seen:
            raise InvalidInput(f"{label}: the name {rule.name!r} is used twice; rule names must be unique")
        seen.add(rule.name)
        rules.append(rule)
    return tuple(rules)


def load_rules(text: str) -> RuleSet:
    """Parse and validate a routing config (YAML). Raises InvalidInput naming the part and field at fault."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput(f"routing config is not valid YAML{where}: {problem}") from exc
    if document is None:
        return RuleSet()
    if isinstance(document, list):
        document = {"rules": document}
    if not isinstance(document, dict):
        raise InvalidInput("routing config must be a mapping with a `rules:` list (and optional teams, regions, ...)")
    unknown = sorted(str(k) for k in document if k not in SECTIONS)
    if unknown:
        raise InvalidInput(f"routing config: unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    ruleset = RuleSet(
        rules=_parse_rules(document.get("rules") or []),
        teams=_named(document, "teams", "team", Team, with_name=True),
        regions=_named(document, "regions", "region", Region, with_name=False),
        calendars=_named(document, "calendars", "calendar", BusinessCalendar, with_name=False),
        sla_policies=_named(document, "sla_policies", "SLA policy", SlaPolicy, with_name=True),
    )
    problems = check_references(ruleset)
    if problems:
        raise InvalidInput("routing config: " + "; ".join(problems))
    return ruleset


def check_references(ruleset: RuleSet, teams: dict[str, Team] | None = None) -> list[str]:
    """Names used but not defined. Teams are checked when known (from the file, or passed in by a caller
    that keeps teams in the database); SLA policies when the file defines any; regions and calendars always."""
    teams = teams if teams is not None else ruleset.teams
    problems: list[str] = []
    for rule in ruleset.rules:
        problems += [f"rule {rule.name!r}: {problem}" for problem in _rule_references(rule, ruleset, teams)]
    for team in teams.values():
        if team.calendar and team.calendar not in ruleset.calendars:
            problems.append(f"team {team.name!r}: calendar {team.calendar!r} is not defined under calendars")
    for sla in ruleset.sla_policies.values():
        if sla.calendar and sla.calendar not in ruleset.calendars:
            problems.append(f"SLA policy {sla.name!r}: calendar {sla.calendar!r} is not defined under calendars")
    return problems


def _rule_references(rule: Rule, ruleset: RuleSet, teams: dict[str, Team]) -> list[str]:
    team_points = {name: team.location for name, team in teams.items() if team.location is not None}
    places, nearest, regions = referenced_places(rule.when)
    problems = [f"region {r!r} is not defined under regions" for r in regions if r not in ruleset.regions]
    policy = rule.then.sla_policy
    if policy and ruleset.sla_policies and policy not in ruleset.sla_policies:
        problems.append(f"then.sla_policy {policy!r} is not defined under sla_policies")
    if not teams:
        return problems  # teams live elsewhere (the database); the caller checks them with its own list
    if rule.then.team and rule.then.team not in teams:
        problems.append(f"then.team {rule.then.team!r} is not a defined team")
    problems += [f"nearest_team names {t!r}, not a team with a location" for t in nearest if t not in team_points]
    problems += [
        f"within_km.of {p!r} is neither a team with a location, an IATA code nor a known city"
        for p in places
        if resolve_place(p, team_points) is None
    ]
    return problems
