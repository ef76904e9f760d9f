"""A routing configuration folder, as `groundswell route --config DIR` reads it, and the checks that every
routing configuration passes before it is used (also by the rules stored in the database).

The folder holds one `rules.yaml` (or `rules.yml`) in the format of `groundswell.routing.ruleset`, and
optionally a `people.yaml` (or `people.yml`, the format of `groundswell.people.schemas`). When the people
file is there, the teams (places and business hours) come from it and the rules must not define teams of
their own: one definition per team. Without it, the rules file defines its teams itself. Other files in the
folder are ignored.

Beyond `load_rules` (which validates each part and calls `check_references`), routing needs every team a
rule names to exist, every SLA policy a rule names to be defined, and every business-hours policy to find a
calendar, because each decision gets a first-response deadline. Every problem raises InvalidInput naming
the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from groundswell.errors import InvalidInput
from groundswell.routing.calendar import BusinessCalendar
from groundswell.routing.ruleset import RuleSet, check_references, load_rules
from groundswell.routing.schemas import Team

RULES_FILES = ("rules.yaml", "rules.yml")
PEOPLE_FILES = ("people.yaml", "people.yml")


@dataclass(frozen=True)
class RoutingConfig:
    path: Path  # the rules file
    ruleset: RuleSet  # with the people file's teams and their calendars merged in, when there is one
    people_path: Path | None = None


def load_config_dir(folder: Path) -> RoutingConfig:
    if not folder.is_dir():
        raise InvalidInput(f"routing config {folder} is not a folder; give --config DIR with a rules.yaml")
    path = next((folder / name for name in RULES_FILES if (folder / name).is_file()), None)
    if path is None:
        raise InvalidInput(f"routing config {folder}: no rules.yaml found")
    people_path = next((folder / name for name in PEOPLE_FILES if (folder / name).is_file()), None)
    teams: Mapping[str, Team] | None = None
    calendars: Mapping[str, BusinessCalendar] = {}
    if people_path is not None:
        teams, calendars = _people_teams(people_path)
    try:
        ruleset = checked_ruleset(_read(path), teams=teams, team_calendars=calendars, teams_from=str(people_path))
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc.message}") from exc
    return RoutingConfig(path=path, ruleset=ruleset, people_path=people_path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc})") from exc


def _people_teams(path: Path) -> tuple[dict[str, Team], dict[str, BusinessCalendar]]:
    # Imported here: the people package builds on routing, not the other way round.
    from groundswell.people.schemas import parse_people
    from groundswell.people.snapshots import routing_teams_of_specs

    try:
        document = yaml.safe_load(_read(path))
        people = parse_people(document)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML ({exc})") from exc
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc.message}") from exc
    return routing_teams_of_specs(people.teams.values())


def checked_ruleset(
    text: str,
    *,
    teams: Mapping[str, Team] | None = None,
    team_calendars: Mapping[str, BusinessCalendar] | None = None,
    teams_from: str = "the people tables",
    replace_own_teams: bool = False,
) -> RuleSet:
    """Parse routing rules and check that they can route. `teams` (with their calendars) come from a people
    file or the database; given, they are merged into the returned RuleSet and the rules may not define
    teams themselves, unless `replace_own_teams` (rules saved before the teams were kept elsewhere), when
    the given teams replace theirs. Raises InvalidInput listing every problem."""
    problems: list[str] = []
    if teams is not None:
        own, text = _without_teams(text)
        if own and not replace_own_teams:
            problems.append(
                f"the rules define teams ({', '.join(own)}) but teams come from {teams_from}; "
                "remove `teams:` from the rules and keep each team in one place"
            )
    ruleset = load_rules(text)
    if not ruleset.rules:
        raise InvalidInput("; ".join([*problems, "no rules; add a `rules:` list"]))
    if teams is not None:
        calendars = dict(team_calendars or {})
        clashes = sorted(set(calendars) & set(ruleset.calendars))
        problems += [f"calendar {name!r} is reserved for a team's own hours; rename it" for name in clashes]
        ruleset = ruleset.model_copy(update={"teams": dict(teams), "calendars": {**ruleset.calendars, **calendars}})
    problems += check_references(ruleset) + _routing_problems(ruleset)
    if problems:
        raise InvalidInput("; ".join(problems))
    return ruleset


def _without_teams(text: str) -> tuple[list[str], str]:
    """The team names a rules text defines, and the text without them (so that its rules are checked against
    the teams kept elsewhere). Text that does not parse is returned as it is, for load_rules to explain."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return [], text
    if not isinstance(document, dict) or "teams" not in document:
        return [], text
    own = document.pop("teams")
    names = sorted(str(name) for name in own) if isinstance(own, dict) else ["(not a mapping)"]
    return names, yaml.safe_dump(document, sort_keys=False)


def _routing_problems(ruleset: RuleSet) -> list[str]:
    problems: list[str] = []
    for rule in ruleset.rules:
        policy = rule.then.sla_policy
        if policy and policy not in ruleset.sla_policies:  # check_references skips this when none are defined
            problems.append(f"rule {rule.name!r}: then.sla_policy {policy!r} is not defined under sla_policies")
        if not ruleset.teams and rule.then.team:  # check_references skips teams when none are known
            problems.append(
                f"rule {rule.name!r}: then.team {rule.then.team!r} is not a defined team (no teams are defined: "
                "add `teams:` to the rules, a people.yaml beside them, or import people into the database)"
            )
    for sla in ruleset.sla_policies.values():
        if not sla.business_hours or sla.calendar:
            continue
        # The clock runs on the handling team's calendar, so every team (and a team at all) must have one.
        missing = sorted(name for name, team in ruleset.teams.items() if not team.calendar)
        if missing or not ruleset.teams:
            problems.append(
                f"SLA policy {sla.name!r} runs in business hours without a calendar of its own, and "
                + (f"team(s) {', '.join(missing)} have no calendar" if missing else "no teams are defined")
                + "; set `calendar:` on the policy or on every team"
            )
    return problems
