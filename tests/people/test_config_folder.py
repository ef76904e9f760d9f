"""A routing folder with a people.yaml: the teams come from it, once, for `groundswell route --config DIR`."""

from __future__ import annotations

from pathlib import Path

import pytest

from groundswell.errors import InvalidInput
from groundswell.routing.config_dir import load_config_dir

RULES = """\
sla_policies: {standard: {first_response: 4h, business_hours: true}}
rules:
  - {name: bags, when: {nearest_team: {teams: [bags-ord], max_km: 100}}, then: {team: bags-ord}}
  - {name: default, fallback: true, then: {team: care, sla_policy: standard}}
"""
PEOPLE = """\
calendars: {office: {timezone: America/Chicago, hours: {mon-fri: "08:00-17:00"}}}
teams:
  care: {calendar: office}
  bags-ord: {place: ORD}
employees:
  - {handle: ana, team: care}
"""


def folder(tmp_path: Path, rules: str, people: str | None) -> Path:
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    if people is not None:
        (tmp_path / "people.yaml").write_text(people, encoding="utf-8")
    return tmp_path


def test_teams_and_their_hours_come_from_the_people_file(tmp_path: Path) -> None:
    config = load_config_dir(folder(tmp_path, RULES, PEOPLE))
    teams, calendars = config.ruleset.teams, config.ruleset.calendars
    assert set(teams) == {"care", "bags-ord"} and config.people_path == tmp_path / "people.yaml"
    assert teams["bags-ord"].location is not None and teams["care"].location is None
    assert calendars["team:care"].timezone == "America/Chicago"
    assert calendars["team:bags-ord"].is_always_open  # no hours: open around the clock, as when stored


@pytest.mark.parametrize(
    ("rules", "people", "message"),
    [
        (RULES, None, "rules.yaml: rule 'bags': then.team 'bags-ord' is not a defined team (no teams are defined"),
        ("teams: {care: {}}\n" + RULES, PEOPLE, "the rules define teams (care) but teams come from"),
        (RULES.replace("team: care", "team: sales"), PEOPLE, "then.team 'sales' is not a defined team"),
        (RULES, PEOPLE.replace("{place: ORD}", "{}"), "nearest_team names 'bags-ord', not a team with a location"),
        (RULES, PEOPLE.replace("team: care}", "team: cares}"), "people.yaml: employee 'ana' (#1): team 'cares'"),
        (RULES, "teams: [\n", "people.yaml: not valid YAML"),
        ("calendars: {'team:care': {timezone: UTC, hours: 24/7}}\n" + RULES, PEOPLE, "'team:care' is reserved"),
    ],
)
def test_problems_name_the_file(tmp_path: Path, rules: str, people: str | None, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        load_config_dir(folder(tmp_path, rules, people))
    assert message in raised.value.message
