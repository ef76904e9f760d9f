"""A routing configuration folder, as `groundswell route --config DIR` reads it.

The folder holds one `rules.yaml` (or `rules.yml`) in the format of `groundswell.routing.ruleset`: teams,
regions, calendars, SLA policies and the ordered rules all live in that one file, so that a rule can never
name a team or policy from a file that was not loaded. Other files in the folder are ignored.

Beyond `load_rules` (which validates each part and calls `check_references`), routing a file needs every SLA
policy a rule names to be defined, and every business-hours policy to find a calendar, because each decision
gets a first-response deadline. Every problem raises InvalidInput naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from groundswell.errors import InvalidInput
from groundswell.routing.ruleset import RuleSet, check_references, load_rules

RULES_FILES = ("rules.yaml", "rules.yml")


@dataclass(frozen=True)
class RoutingConfig:
    path: Path  # the rules file
    ruleset: RuleSet


def load_config_dir(folder: Path) -> RoutingConfig:
    if not folder.is_dir():
        raise InvalidInput(f"routing config {folder} is not a folder; give --config DIR with a rules.yaml")
    path = next((folder / name for name in RULES_FILES if (folder / name).is_file()), None)
    if path is None:
        raise InvalidInput(f"routing config {folder}: no rules.yaml found")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc})") from exc
    try:
        ruleset = load_rules(text)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc.message}") from exc
    if not ruleset.rules:
        raise InvalidInput(f"{path}: no rules; add a `rules:` list")
    problems = check_references(ruleset) + _routing_problems(ruleset)
    if problems:
        raise InvalidInput(f"{path}: " + "; ".join(problems))
    return RoutingConfig(path=path, ruleset=ruleset)


def _routing_problems(ruleset: RuleSet) -> list[str]:
    problems: list[str] = []
    for rule in ruleset.rules:
        policy = rule.then.sla_policy
        if policy and policy not in ruleset.sla_policies:  # check_references skips this when none are defined
            problems.append(f"rule {rule.name!r}: then.sla_policy {policy!r} is not defined under sla_policies")
        if not ruleset.teams and rule.then.team:  # here the file is the only place teams can come from
            problems.append(f"rule {rule.name!r}: then.team {rule.then.team!r} is not a defined team (no teams:)")
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
