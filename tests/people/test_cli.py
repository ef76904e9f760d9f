"""`groundswell people` and `groundswell teams`, in process, on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from groundswell.db.engine import make_engine, make_session_factory
from groundswell.errors import InvalidInput, NotFound
from tests.people.helpers import audit_lines, roster
from tests.support.cli import invoke, invoke_json

EXAMPLE_PEOPLE = Path(__file__).resolve().parents[2] / "examples" / "airline" / "people.yaml"


def test_import_the_example_then_list_teams_and_people(database_url: str) -> None:
    report = invoke_json("people", "import", str(EXAMPLE_PEOPLE), "--by", "hr", "--db", database_url)
    assert len(report["teams_created"]) == 7 and len(report["employees_created"]) == 73
    again = invoke_json("people", "import", str(EXAMPLE_PEOPLE), "--db", database_url)
    assert again["employees_created"] == [] and len(again["employees_unchanged"]) == 73
    teams = {t["name"]: t for t in invoke_json("teams", "list", "--db", database_url)["teams"]}
    assert teams["baggage-ord"]["place"] == "ORD" and teams["customer-care"]["strategy"] == "best_match"
    assert teams["baggage-den"]["members"] == 8
    ord_people = invoke_json("people", "list", "--team", "baggage-ord", "--db", database_url)["employees"]
    assert len(ord_people) == 8 and {e["team"] for e in ord_people} == {"baggage-ord"}
    assert all(e["open_cases"] == 0 for e in ord_people)
    table = invoke("people", "list", "--db", database_url)
    assert table.exit_code == 0 and "employee(s)" in table.stdout


def test_import_reports_in_words(database_url: str) -> None:
    result = invoke("people", "import", str(EXAMPLE_PEOPLE), "--db", database_url)
    assert result.exit_code == 0
    assert "teams: 7 created, 0 updated, 0 unchanged" in result.output
    assert "employees: 73 created" in result.output


def test_set_changes_one_employee(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(yaml.safe_dump(roster()), encoding="utf-8")
    invoke_json("people", "import", str(path), "--db", database_url)
    shown = invoke_json("people", "set", "ben", "--on-leave", "--capacity", "4", "--team", "care", "--by", "m",
                        "--db", database_url)  # fmt: skip
    assert (shown["on_leave"], shown["max_open_cases"], shown["team"]) == (True, 4, "care")
    back = invoke_json("people", "set", "ben", "--back", "--role", "manager", "--trainee", "--db", database_url)
    assert (back["on_leave"], back["role"], back["trainee"]) == (False, "manager", True)
    gone = invoke_json("people", "set", "ana", "--deactivate", "--db", database_url)
    assert gone["active"] is False
    listed = invoke_json("people", "list", "--db", database_url)["employees"]
    assert [e["handle"] for e in listed] == ["ben", "cy"]
    everyone = invoke_json("people", "list", "--all", "--db", database_url)["employees"]
    assert [e["handle"] for e in everyone] == ["ana", "ben", "cy"]
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        actions = [(line.action, line.actor) for line in audit_lines(session)]
    engine.dispose()
    assert ("employee.leave", "m") in actions and ("employee.update", "m") in actions
    assert actions[-1][0] == "employee.deactivate"


def test_errors_name_what_is_wrong(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "people.yaml"
    bad.write_text(yaml.safe_dump(roster(employees=[{"handle": "ana", "team": "care", "max_open_cases": -1}])))
    with pytest.raises(InvalidInput, match=f"{bad}: employee 'ana' \\(#1\\): max_open_cases"):
        invoke("people", "import", str(bad), "--db", database_url)
    broken = tmp_path / "broken.yaml"
    broken.write_text("teams: [\n")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        invoke("people", "import", str(broken), "--db", database_url)
    with pytest.raises(NotFound, match="employee 'zed' not found"):
        invoke("people", "set", "zed", "--back", "--db", database_url)
    with pytest.raises(InvalidInput, match="nothing to change"):
        invoke("people", "set", "zed", "--db", database_url)
    assert invoke("people", "set", "ana", "--capacity", "-1", "--db", database_url).exit_code == 2
    with pytest.raises(NotFound, match="team 'sales' not found"):
        invoke("people", "list", "--team", "sales", "--db", database_url)
