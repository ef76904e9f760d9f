"""`groundswell topics`, in process, on a real database, with the airline example topics."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from groundswell.errors import InvalidInput
from tests.support.cli import invoke, invoke_json

AIRLINE = Path(__file__).resolve().parents[2] / "examples" / "topics" / "airline.yaml"


def test_import_list_retrain_versions_activate_export(database_url: str) -> None:
    db = ("--db", database_url)
    with pytest.raises(InvalidInput, match="no topics to train"):
        invoke("topics", "retrain", *db)
    imported = invoke_json("topics", "import", str(AIRLINE), "--by", "ana", *db)
    assert imported == {"created": len(yaml.safe_load(AIRLINE.read_text())["topics"]), "updated": 0, "removed": 0}
    listed = invoke_json("topics", "list", *db)
    assert listed["active_version"] is None and listed["unretrained"] and listed["topics"][0]["examples"] > 0

    first = invoke_json("topics", "retrain", "--tier", "fast", "--comment", "airline", *db)
    held_out = first["metrics"]["cross_validation"]
    assert first["version"] == 1 and first["active"] and held_out["n"] > 0 and 0 < held_out["top1_accuracy"] < 1
    assert invoke_json("topics", "list", *db)["unretrained"] is False
    second = invoke_json("topics", "retrain", "--tier", "fast", *db)
    assert second["version"] == 2
    assert invoke_json("topics", "activate", "1", *db)["active"] is True
    assert [v["active"] for v in invoke_json("topics", "versions", *db)] == [False, True]
    assert yaml.safe_load(invoke("topics", "export", *db).stdout) == yaml.safe_load(AIRLINE.read_text())
    assert "version 1 is active" in invoke("topics", "activate", "1", *db).stdout
