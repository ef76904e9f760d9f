"""`groundswell rules`, in process, on a real database, with the airline example."""

from __future__ import annotations

from pathlib import Path

import pytest

from groundswell.errors import InvalidInput, NotFound
from tests.support.cli import invoke, invoke_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "airline"


def test_save_list_show_activate_diff(database_url: str, tmp_path: Path) -> None:
    db = ("--db", database_url)
    with pytest.raises(InvalidInput, match=r"rules\.yaml: routing rules not saved: .*no teams are defined"):
        invoke("rules", "save", "--config", str(EXAMPLE), *db)
    invoke_json("people", "import", str(EXAMPLE / "people.yaml"), *db)
    first = invoke_json("rules", "save", "--config", str(EXAMPLE), "--comment", "launch", "--by", "lead", *db)
    assert (first["version"], first["active"], first["saved"], first["created_by"]) == (1, True, True, "lead")
    same = invoke_json("rules", "save", "--file", str(EXAMPLE / "rules.yaml"), *db)
    assert (same["version"], same["saved"]) == (1, False)
    edited = tmp_path / "rules.yaml"
    edited.write_text((EXAMPLE / "rules.yaml").read_text().replace("first_response: 2h", "first_response: 90m"))
    second = invoke_json("rules", "save", "--file", str(edited), "--comment", "faster bags", *db)
    assert (second["version"], second["active"]) == (2, True)
    versions = invoke_json("rules", "list", *db)["versions"]
    assert [(v["version"], v["active"], v["comment"]) for v in versions] == [(2, True, "faster bags"),
                                                                             (1, False, "launch")]  # fmt: skip
    assert invoke("rules", "show", *db).stdout == edited.read_text()
    assert invoke_json("rules", "show", "1", *db)["text"] == (EXAMPLE / "rules.yaml").read_text()
    diff = invoke("rules", "diff", "1", "2", *db).stdout.splitlines()
    assert diff[:2] == ["--- version 1", "+++ version 2"]
    assert any(line.startswith("-") and "first_response: 2h" in line for line in diff)
    assert any(line.startswith("+") and "first_response: 90m" in line for line in diff)
    rolled_back = invoke_json("rules", "activate", "1", *db)
    assert rolled_back["active"] and not invoke_json("rules", "show", "2", *db)["active"]
    table = invoke("rules", "list", *db)
    assert table.exit_code == 0 and "2 version(s)" in table.stdout


def test_argument_errors(database_url: str, tmp_path: Path) -> None:
    db = ("--db", database_url)
    with pytest.raises(InvalidInput, match="either --config DIR"):
        invoke("rules", "save", *db)
    with pytest.raises(InvalidInput, match=r"no rules\.yaml found"):
        invoke("rules", "save", "--config", str(tmp_path), *db)
    with pytest.raises(InvalidInput, match="cannot be read"):
        invoke("rules", "save", "--file", str(tmp_path / "missing.yaml"), *db)
    with pytest.raises(NotFound, match="no routing rules are active"):
        invoke("rules", "show", *db)
    with pytest.raises(NotFound, match="version 4 not found"):
        invoke("rules", "activate", "4", *db)
