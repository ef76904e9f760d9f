"""The people file: what it accepts, and errors that name the entry and the field at fault."""

from __future__ import annotations

from typing import Any

import pytest

from groundswell.errors import InvalidInput
from groundswell.people.schemas import Role, calendar_spec, parse_people
from groundswell.people.snapshots import calendar_from_json
from groundswell.routing.assignment import Strategy


def document(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "calendars": {"office": {"timezone": "America/Chicago", "hours": {"mon-fri": "08:00-18:00"}}},
        "teams": {
            "care": {"calendar": "office", "strategy": "best_match"},
            "bags": {"place": "ORD", "calendar": {"timezone": "UTC", "hours": "24/7"}},
        },
        "employees": [
            {"handle": "ana", "role": "agent", "team": "care", "shift": "office", "max_open_cases": 5},
            {"handle": "ben", "team": "bags", "place": {"name": "Store 12", "lat": 44.9, "lon": -93.3}},
        ],
    }
    return base | overrides


def test_a_valid_file_resolves_places_calendars_and_defaults() -> None:
    people = parse_people(document())
    care, bags = people.teams["care"], people.teams["bags"]
    assert care.strategy is Strategy.BEST_MATCH and bags.strategy is Strategy.LEAST_LOADED
    assert care.place is None and bags.place is not None and bags.place.name == "ORD"
    assert bags.place.lat == pytest.approx(41.98, abs=0.01)
    assert care.calendar == {"timezone": "America/Chicago", "hours": {"mon-fri": "08:00-18:00"}, "holidays": []}
    ana, ben = people.employees
    assert ana.shift == care.calendar  # a named calendar is copied in: what is stored stands alone
    assert (ana.role, ana.max_open_cases, ben.role, ben.max_open_cases) == (Role.AGENT, 5, Role.AGENT, 10)
    assert ben.place is not None and (ben.place.name, ben.place.lat) == ("Store 12", 44.9)
    assert ben.shift is None and not ben.trainee and not ben.on_leave


def test_a_city_name_is_a_place() -> None:
    people = parse_people(document(teams={"care": {"place": "Denver"}}, employees=[]))
    place = people.teams["care"].place
    assert place is not None and place.name == "Denver" and place.lat == pytest.approx(39.86, abs=0.1)


def test_stored_calendars_load_again_with_holidays() -> None:
    import datetime

    spec = calendar_spec({"timezone": "Europe/Dublin", "hours": {"daily": "09:00-17:00"},
                          "holidays": [datetime.date(2015, 3, 17), "2015-12-25"]})  # fmt: skip
    assert spec["holidays"] == ["2015-03-17", "2015-12-25"]
    calendar = calendar_from_json(spec)
    assert calendar.timezone == "Europe/Dublin" and datetime.date(2015, 3, 17) in calendar.holidays


def test_skills_are_kept_as_written_without_repeats() -> None:
    skills = {"topics": ["Lost Luggage", "Lost Luggage", " "], "languages": ["en", "es"]}
    people = parse_people(document(employees=[{"handle": "ana", "team": "care", "skills": skills}]))
    assert people.employees[0].skills.as_json() == {
        "topics": ["Lost Luggage"], "intents": [], "languages": ["en", "es"], "channels": [],
    }  # fmt: skip


def employee(**fields: Any) -> dict[str, Any]:
    return document(employees=[{"handle": "ana", "team": "care"} | fields])


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (employee(role="boss"), "employee 'ana' (#1): role: 'boss' is not a role; use one of admin, manager"),
        (employee(max_open_cases=-1), "employee 'ana' (#1): max_open_cases: Input should be greater than or equal"),
        (employee(team="sales"), "employee 'ana' (#1): team 'sales' is not defined under teams (known: bags, care)"),
        (employee(shift="night"), "employee 'ana' (#1): shift 'night' is not defined under calendars (known: office)"),
        (employee(shift={"timezone": "Mars/Olympus", "hours": "24/7"}), "'Mars/Olympus' is not an IANA time zone"),
        (employee(shift={"timezone": "UTC"}), "employee 'ana' (#1): shift: needs `hours`"),
        (employee(shift={"timezone": "UTC", "hours": "24/7", "days": 1}), "unknown key(s) days"),
        (employee(email="ana-at-example"), "email: 'ana-at-example' is not an e-mail address"),
        (employee(handle="ana smith"), "employee 'ana smith' (#1): handle: 'ana smith' is not a handle"),
        (employee(place="Atlantis"), "place: 'Atlantis' is neither an IATA airport code nor a city"),
        (employee(skills={"moods": ["calm"]}), "skills.moods: Extra inputs are not permitted"),
        (employee(salary=1), "salary: Extra inputs are not permitted"),
        (document(teams={"care": {"strategy": "random"}}, employees=[]), "team 'care': strategy: 'random' is not a"),
        (document(teams={"care": {"place": {"lat": 99, "lon": 0}}}, employees=[]), "team 'care': place.lat"),
        (document(teams={"care": {"calendar": "shop"}}, employees=[]), "team 'care': calendar 'shop' is not defined"),
        (document(teams={"care": "yes"}, employees=[]), "team 'care': expected a mapping"),
        (document(calendars={"x": {"timezone": "UTC", "hours": {"someday": "09:00-10:00"}}}), "calendar 'x': "),
        (document(employees=[{"handle": "a", "team": "care"}, {"handle": "A", "team": "bags"}]), "'A' is used twice"),
        (document(employees=["ana"]), "employee #1: expected a mapping"),
        (document(employees={"ana": {}}), "`employees` must be a list"),
        (document(staff=[]), "unknown section(s) staff"),
        (document(version=2), "version 2 is not supported"),
        ([1, 2], "must be a mapping with `teams:`"),
    ],
)
def test_errors_name_the_entry_and_the_field(doc: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_people(doc)
    assert message in raised.value.message


def test_an_empty_file_is_an_empty_roster() -> None:
    assert parse_people(None).employees == () and parse_people({}).teams == {}
