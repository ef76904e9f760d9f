"""examples/airline: the people file and the rules load together, every team the rules name exists, and the
staffing covers each team's hours (the end-to-end test over the airline tweets relies on it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from groundswell.people.schemas import PeopleFile, Role, parse_people
from groundswell.people.snapshots import calendar_from_json
from groundswell.routing.calendar import is_open
from groundswell.routing.conditions import referenced_places
from groundswell.routing.config_dir import load_config_dir

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "airline"
MIN_ON_SHIFT = 2
# The data's week (Feb 2015), a summer week, and the weeks of the US and EU clock changes in spring and autumn.
WEEKS = [datetime(2015, 2, 16), datetime(2015, 3, 6), datetime(2015, 3, 27), datetime(2015, 7, 13),
         datetime(2015, 10, 23), datetime(2015, 10, 30)]  # fmt: skip


@pytest.fixture(scope="module")
def people() -> PeopleFile:
    return parse_people(yaml.safe_load((EXAMPLE / "people.yaml").read_text(encoding="utf-8")))


def test_rules_and_people_load_together_and_every_rule_team_exists(people: PeopleFile) -> None:
    config = load_config_dir(EXAMPLE)
    assert config.people_path == EXAMPLE / "people.yaml"
    assert set(config.ruleset.teams) == set(people.teams)
    named: set[str] = set()
    for rule in config.ruleset.rules:
        named |= {rule.then.team} if rule.then.team else set()
        named |= set(referenced_places(rule.when)[1])
    assert named and named <= set(people.teams)
    assert {"baggage-ord", "baggage-den", "baggage-jfk", "baggage-sfo", "baggage-central"} <= named
    airports = {name: team.place.name for name, team in people.teams.items() if team.place}
    assert all(airports[f"baggage-{code.lower()}"] == code for code in ("ORD", "DEN", "JFK", "SFO"))


def test_the_roster_has_every_role_and_the_flags(people: PeopleFile) -> None:
    employees = people.employees
    assert {e.role for e in employees} == set(Role)
    assert any(e.trainee for e in employees) and any(e.on_leave for e in employees)
    assert all(e.shift is not None for e in employees)
    assert all(e.max_open_cases > 0 for e in employees if e.role in (Role.AGENT, Role.MANAGER))
    assert all(e.max_open_cases == 0 for e in employees if e.role in (Role.ADMIN, Role.ANALYST))
    assert len({e.shift["timezone"] for e in employees if e.shift}) >= 5  # working hours in their own zones


def _instants(start: datetime) -> Iterator[datetime]:
    first = start.replace(tzinfo=UTC)
    return (first + timedelta(minutes=15 * step) for step in range(7 * 24 * 4))


@pytest.mark.parametrize("week", WEEKS, ids=lambda w: w.date().isoformat())
def test_shifts_cover_every_open_hour_of_every_team(people: PeopleFile, week: datetime) -> None:
    gaps: dict[str, list[str]] = {}
    for name, team in people.teams.items():
        hours = calendar_from_json(team.calendar)
        workers = [
            calendar_from_json(e.shift)
            for e in people.employees
            if e.team == name and not e.on_leave and not e.trainee and e.max_open_cases > 0
        ]
        for now in _instants(week):
            if is_open(hours, now) and sum(is_open(shift, now) for shift in workers) < MIN_ON_SHIFT:
                gaps.setdefault(name, []).append(now.strftime("%a %H:%M UTC"))
    assert gaps == {}


def test_around_the_clock_teams_are_always_open(people: PeopleFile) -> None:
    for name in ("customer-care", "baggage-central"):
        assert calendar_from_json(people.teams[name].calendar).is_always_open
