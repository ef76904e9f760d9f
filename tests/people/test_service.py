"""People services on a real database: import, one-at-a-time changes, audit lines, and the repository."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.people import repository, service
from groundswell.people.snapshots import employee_snapshot
from groundswell.routing.calendar import is_open
from tests.people.helpers import audit_count, audit_lines, roster

T0 = datetime(2015, 2, 17, 15, 0, tzinfo=UTC)
T1 = datetime(2015, 2, 18, 15, 0, tzinfo=UTC)


def test_import_creates_teams_and_employees_with_one_audit_line_each(session: Session) -> None:
    report = service.import_people(session, document=roster(), actor="hr", now=T0)
    assert (report.teams_created, report.employees_created) == (["care", "bags-ord"], ["ana", "ben", "cy"])
    bags = repository.team_by_name(session, "bags-ord")
    assert (bags.place, bags.strategy, bags.created_at) == ("ORD", "least_loaded", T0)
    assert bags.latitude == pytest.approx(41.98, abs=0.01)
    ben = repository.employee_by_handle(session, "ben")
    assert (ben.team_id, ben.role, ben.max_open_cases, ben.active) == (bags.id, "agent", 10, True)
    assert ben.skills == {"topics": [], "intents": [], "languages": ["en", "es"], "channels": []}
    lines = audit_lines(session)
    assert [(line.action, line.entity_id) for line in lines] == [
        ("team.create", "care"), ("team.create", "bags-ord"),
        ("employee.create", "ana"), ("employee.create", "ben"), ("employee.create", "cy"),
    ]  # fmt: skip
    assert lines[3].actor == "hr" and (lines[3].after or {})["team"] == "bags-ord" and lines[3].before is None
    assert audit_log.verify(session).ok


def test_importing_the_same_file_again_changes_nothing(session: Session) -> None:
    service.import_people(session, document=roster(), actor="hr", now=T0)
    lines = audit_count(session)
    again = service.import_people(session, document=roster(), actor="hr", now=T1)
    assert not again.changed
    assert (again.teams_unchanged, again.employees_unchanged) == (["care", "bags-ord"], ["ana", "ben", "cy"])
    assert audit_count(session) == lines
    assert repository.employee_by_handle(session, "ana").updated_at == T0


def test_a_change_records_only_the_changed_fields(session: Session) -> None:
    service.import_people(session, document=roster(), actor="hr", now=T0)
    changed = roster()
    changed["employees"][0] |= {"max_open_cases": 8, "team": "bags-ord"}
    changed["teams"]["care"]["strategy"] = "round_robin"
    report = service.import_people(session, document=changed, actor="hr", now=T1)
    assert (report.teams_updated, report.employees_updated) == (["care"], ["ana"])
    team_line, employee_line = audit_lines(session)[-2:]
    assert (team_line.action, team_line.before, team_line.after) == (
        "team.update", {"strategy": "best_match"}, {"strategy": "round_robin"},
    )  # fmt: skip
    assert (employee_line.action, employee_line.before, employee_line.after) == (
        "employee.update", {"team": "care", "max_open_cases": 3}, {"team": "bags-ord", "max_open_cases": 8},
    )  # fmt: skip
    assert repository.employee_by_handle(session, "ana").updated_at == T1


def test_employees_missing_from_the_file_are_marked_inactive_not_deleted(session: Session) -> None:
    service.import_people(session, document=roster(), actor="hr", now=T0)
    without_ben = roster()
    without_ben["employees"] = [e for e in without_ben["employees"] if e["handle"] != "ben"]
    without_ben["teams"].pop("bags-ord")
    report = service.import_people(session, document=without_ben, actor="hr", now=T1)
    assert report.employees_deactivated == ["ben"] and report.teams_not_in_file == ["bags-ord"]
    ben = repository.employee_by_handle(session, "ben")
    assert not ben.active
    last = audit_lines(session)[-1]
    assert (last.action, last.entity_id, last.before, last.after) == (
        "employee.deactivate", "ben", {"active": True}, {"active": False},
    )  # fmt: skip
    bags = repository.team_by_name(session, "bags-ord")  # kept
    assert repository.employees_of_team(session, bags.id) == []
    back = service.import_people(session, document=roster(), actor="hr", now=T1)
    assert back.employees_updated == ["ben"] and repository.employee_by_handle(session, "ben").active
    assert audit_lines(session)[-1].after == {"active": True}


def test_an_invalid_file_changes_nothing(session: Session) -> None:
    bad = roster()
    bad["employees"][1]["role"] = "pilot"
    with pytest.raises(InvalidInput, match="employee 'ben' \\(#2\\): role: 'pilot' is not a role"):
        service.import_people(session, document=bad, actor="hr", now=T0)
    assert repository.all_teams(session) == [] and audit_count(session) == 0


def test_create_and_update_a_team(session: Session) -> None:
    team = service.create_team(session, team={"name": "den", "place": "DEN", "strategy": "sticky"}, actor="m", now=T0)
    assert (team.place, team.strategy, team.calendar) == ("DEN", "sticky", None)
    with pytest.raises(InvalidInput, match="team 'den' already exists"):
        service.create_team(session, team={"name": "den"}, actor="m")
    with pytest.raises(InvalidInput, match="team 'x': strategy: 'fastest' is not a strategy"):
        service.create_team(session, team={"name": "x", "strategy": "fastest"}, actor="m")
    hours = {"timezone": "America/Denver", "hours": {"daily": "05:00-23:00"}}
    service.update_team(session, name="den", changes={"calendar": hours, "description": "Denver"}, actor="m", now=T1)
    assert team.calendar == hours | {"holidays": []} and team.place == "DEN"  # untouched fields stay
    line = audit_lines(session)[-1]
    assert line.action == "team.update" and set(line.after or {}) == {"calendar", "description"}
    with pytest.raises(InvalidInput, match="cannot be renamed"):
        service.update_team(session, name="den", changes={"name": "denver"}, actor="m")
    with pytest.raises(NotFound, match="team 'nope' not found; known teams: den"):
        service.update_team(session, name="nope", changes={}, actor="m")


def test_create_and_update_an_employee_with_validation(session: Session) -> None:
    service.import_people(session, document=roster(), actor="hr", now=T0)
    dee = service.create_employee(session, employee={"handle": "dee", "team": "care", "trainee": True}, actor="m")
    assert dee.trainee and dee.active and dee.role == "agent"
    with pytest.raises(InvalidInput, match="employee 'dee' already exists"):
        service.create_employee(session, employee={"handle": "dee"}, actor="m")
    with pytest.raises(NotFound, match="team 'sales' not found"):
        service.create_employee(session, employee={"handle": "eve", "team": "sales"}, actor="m")
    with pytest.raises(InvalidInput, match="max_open_cases: Input should be greater than or equal to 0"):
        service.update_employee(session, handle="dee", changes={"max_open_cases": -2}, actor="m")
    with pytest.raises(InvalidInput, match="role: 'ceo' is not a role"):
        service.update_employee(session, handle="dee", changes={"role": "ceo"}, actor="m")
    with pytest.raises(InvalidInput, match="a handle cannot be changed"):
        service.update_employee(session, handle="dee", changes={"handle": "d"}, actor="m")
    lines = audit_count(session)
    service.update_employee(session, handle="ben", changes={"team": "care", "max_open_cases": 12}, actor="m", now=T1)
    ben = repository.employee_by_handle(session, "ben")
    assert ben.team_id == repository.team_by_name(session, "care").id and ben.skills["languages"] == ["en", "es"]
    assert audit_count(session) == lines + 1


def test_leave_and_deactivation_are_audited_and_idempotent(session: Session) -> None:
    service.import_people(session, document=roster(), actor="hr", now=T0)
    service.set_on_leave(session, handle="ben", on_leave=True, actor="m", now=T1)
    lines = audit_count(session)
    service.set_on_leave(session, handle="ben", on_leave=True, actor="m", now=T1)  # already on leave
    assert audit_count(session) == lines
    assert audit_lines(session)[-1].action == "employee.leave"
    service.deactivate_employee(session, handle="ana", actor="m", now=T1)
    care = repository.team_by_name(session, "care")
    assert [e.handle for e in repository.employees_of_team(session, care.id)] == ["cy"]
    assert [e.handle for e in repository.list_employees(session, include_inactive=True)] == ["ana", "ben", "cy"]
    service.reactivate_employee(session, handle="ana", actor="m", now=T1)
    assert [line.action for line in audit_lines(session)[-2:]] == ["employee.deactivate", "employee.reactivate"]
    with pytest.raises(NotFound, match="employee 'zed' not found"):
        service.set_on_leave(session, handle="zed", on_leave=False, actor="m")


def test_stored_employees_become_assigner_snapshots(session: Session) -> None:
    service.import_people(session, document=roster(), actor="hr", now=T0)
    service.set_on_leave(session, handle="ana", on_leave=True, actor="m")
    ben = employee_snapshot(repository.employee_by_handle(session, "ben"), team_name="bags-ord", open_cases=2)
    assert ben.location is not None and ben.skills.languages == {"en", "es"} and ben.open_cases == 2
    assert is_open(ben.shift, datetime(2015, 2, 17, 12, 0, tzinfo=UTC))  # Tuesday 06:00 in Chicago
    assert not is_open(ben.shift, datetime(2015, 2, 17, 21, 0, tzinfo=UTC))  # 15:00: off shift
    assert employee_snapshot(repository.employee_by_handle(session, "ana"), team_name="care", open_cases=0).on_leave
