"""Property tests of the import: it is idempotent, and the stored roster converges to the last file imported,
whatever was there before."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.people import repository, service
from tests.people.helpers import audit_count

TEAM_NAMES = ["care", "bags-ord", "rebooking", "sales"]
HANDLES = ["ana", "ben", "cy", "dee", "eve", "finn", "gus"]
WORDS = ["Lost Luggage", "Late Flight", "en", "es", "x", "email", "complaint"]
CALENDARS = [
    None,
    {"timezone": "UTC", "hours": "24/7"},
    {"timezone": "America/Chicago", "hours": {"mon-fri": "08:00-17:00", "sat": "closed"}, "holidays": ["2015-12-25"]},
    {"timezone": "Asia/Manila", "hours": {"daily": ["09:00-12:00", "13:00-18:00"]}},
]
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)  # PostgreSQL text has no NUL
coordinates = st.fixed_dictionaries(
    {"name": text, "lat": st.floats(-90, 90, allow_nan=False), "lon": st.floats(-180, 180, allow_nan=False)}
)
places = st.one_of(st.none(), st.sampled_from(["ORD", "DEN", "Chicago"]), coordinates)
skills = st.fixed_dictionaries({}, optional={kind: st.lists(st.sampled_from(WORDS), max_size=3) for kind in
                                             ("topics", "intents", "languages", "channels")})  # fmt: skip


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    team_names = draw(st.lists(st.sampled_from(TEAM_NAMES), min_size=1, unique=True))
    teams = {
        name: {
            "description": draw(text),
            "place": draw(places),
            "calendar": draw(st.sampled_from(CALENDARS)),
            "strategy": draw(st.sampled_from(["round_robin", "least_loaded", "best_match", "sticky"])),
        }
        for name in team_names
    }
    employees = [
        {
            "handle": handle,
            "display_name": draw(text),
            "email": draw(st.sampled_from([None, f"{handle}@example.com"])),
            "role": draw(st.sampled_from(["admin", "manager", "agent", "analyst"])),
            "team": draw(st.sampled_from([None, *team_names])),
            "skills": draw(skills),
            "place": draw(places),
            "shift": draw(st.sampled_from(CALENDARS)),
            "max_open_cases": draw(st.integers(0, 50)),
            "trainee": draw(st.booleans()),
            "on_leave": draw(st.booleans()),
        }
        for handle in draw(st.lists(st.sampled_from(HANDLES), unique=True, max_size=6))
    ]
    return {"teams": teams, "employees": employees}


def stored(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
    names = repository.team_names_by_id(session)
    teams = {row.name: service.team_state(row) for row in repository.all_teams(session)}
    people = {
        row.handle: service.employee_state(row, names.get(row.team_id) if row.team_id else None)
        for row in repository.list_employees(session, include_inactive=True)
    }
    return teams, people


NOW = datetime(2015, 2, 20, tzinfo=UTC)
SETTINGS = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(document=documents())
def test_importing_the_same_document_twice_changes_nothing_the_second_time(store: Store, document: Any) -> None:
    with store.sessions() as session:  # rolled back at the end: each example starts from an empty database
        service.import_people(session, document=document, actor="p", now=NOW)
        before, lines = stored(session), audit_count(session)
        again = service.import_people(session, document=document, actor="p", now=NOW)
        assert not again.changed
        assert stored(session) == before and audit_count(session) == lines
        session.rollback()


@SETTINGS
@given(first=documents(), second=documents())
def test_the_roster_converges_to_the_last_file(store: Store, first: Any, second: Any) -> None:
    with store.sessions() as session:
        service.import_people(session, document=second, actor="p", now=NOW)
        expected_teams, expected_people = stored(session)
        session.rollback()
    with store.sessions() as session:
        service.import_people(session, document=first, actor="p", now=NOW)
        service.import_people(session, document=second, actor="p", now=NOW)
        teams, people = stored(session)
        session.rollback()
    assert {name: teams[name] for name in expected_teams} == expected_teams
    assert {handle: people[handle] for handle in expected_people} == expected_people
    assert all(not people[handle]["active"] for handle in set(people) - set(expected_people))
