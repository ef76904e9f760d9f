"""`groundswell cases`, in process, on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.errors import ConfigurationError, Conflict
from groundswell.governance import audit_log
from groundswell.models import AuditEntry
from groundswell.routing_store.service import save_rules
from tests.inbox.cases_support import NOW, RULES, add_author, add_post, care_team, later
from tests.support.cli import invoke, invoke_json

ISO_NOW = NOW.isoformat()


@pytest.fixture
def posts(store: Store) -> dict[str, int]:
    with store.sessions.begin() as session:
        care_team(session, "ann", "bob")
        carol = add_author(session, "carol")
        first = add_post(session, carol, "My order never arrived", at=later(hours=-2))
        second = add_post(session, carol, "And the invoice is wrong", at=later(hours=-1), thread_of=first)
        add_post(session, add_author(session, "spam"), "crypto giveaway here", at=later(hours=-1))
        return {"first": first.id, "second": second.id}


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    return tmp_path


def test_process_from_a_rules_folder_then_work_the_case(
    database_url: str, posts: dict[str, int], rules_dir: Path
) -> None:
    db = ("--db", database_url)
    report = invoke_json("cases", "process", "--rules-dir", str(rules_dir), "--now", ISO_NOW, *db)
    assert (report["opened"], report["attached"], report["suppressed"], report["assigned"]) == (1, 1, 1, 1)
    assert report["rules"].endswith("rules.yaml")
    assert invoke_json("cases", "process", "--rules-dir", str(rules_dir), *db)["processed"] == 0

    [listed] = invoke_json("cases", "list", "--status", "new", *db)["cases"]
    case_id = listed["id"]
    assert (listed["team"], listed["customer"], listed["priority"]) == ("care", "carol", "p3")
    shown = invoke_json("cases", "show", str(case_id), *db)
    assert [p["post_id"] for p in shown["posts"]] == [posts["first"], posts["second"]]
    assert [e["kind"] for e in shown["timeline"]] == ["created", "assigned", "customer_post"]

    other = "bob" if listed["assignee"] == "ann" else "ann"
    assert invoke_json("cases", "assign", str(case_id), other, "--by", "lead", *db)["assignee"] == other
    noted = invoke_json("cases", "note", str(case_id), "Asked the warehouse", "--by", other, *db)
    assert noted["timeline"][-1]["data"] == {"text": "Asked the warehouse"}
    waiting = invoke_json("cases", "status", str(case_id), "waiting_on_customer", "--by", other, *db)
    assert waiting["status"] == "waiting_on_customer"

    new = invoke_json("cases", "split", str(case_id), "--posts", str(posts["second"]), "--by", other, *db)
    assert new["id"] != case_id and [p["post_id"] for p in new["posts"]] == [posts["second"]]
    merged = invoke_json("cases", "merge", str(new["id"]), str(case_id), "--by", other, *db)
    assert merged["id"] == case_id and len(merged["posts"]) == 2

    rebalanced = invoke_json("cases", "rebalance", "--now", ISO_NOW, *db)
    assert rebalanced["still_queued"] == {}

    text = invoke("cases", "show", str(case_id), *db)
    assert text.exit_code == 0 and "everything-else" in text.stdout and "Asked the warehouse" in text.stdout
    table = invoke("cases", "list", *db)
    assert table.exit_code == 0 and "carol" in table.stdout

    with pytest.raises(Conflict, match="resolve this waiting_on_customer case first"):
        invoke("cases", "status", str(case_id), "closed", *db)


def test_process_uses_the_active_saved_rules(store: Store, database_url: str, posts: dict[str, int]) -> None:
    with pytest.raises(ConfigurationError, match="no routing rules are saved"):
        invoke("cases", "process", "--db", database_url)
    rules_without_teams = RULES.split("sla_policies:")[1].replace("team: baggage", "team: care")
    with store.sessions.begin() as session:
        save_rules(session, text="sla_policies:" + rules_without_teams.replace("team: ghosts", "team: care"),
                   actor="lead", now=NOW)  # fmt: skip
    report = invoke_json("cases", "process", "--now", ISO_NOW, "--db", database_url)
    assert (report["rules"], report["opened"]) == ("rules version 1", 1)
    [case] = invoke_json("cases", "list", "--db", database_url)["cases"]
    shown = invoke_json("cases", "show", str(case["id"]), "--db", database_url)
    assert shown["routing"]["rules_version"] == 1
    with store.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions[:1] == ["routing_rules.save"] and "case.open" in actions
        assert audit_log.verify(session).ok


def test_human_process_report(database_url: str, posts: dict[str, int], rules_dir: Path) -> None:
    result = invoke("cases", "process", "--rules-dir", str(rules_dir), "--now", ISO_NOW, "--db", database_url)
    assert result.exit_code == 0
    said = " ".join(result.stdout.split())  # the console wraps long lines
    assert "routed 3 posts with" in said and "1 cases opened, 1 follow-ups attached, 0 cases reopened" in said
    assert "1 assigned; 0 left in a team queue" in said and "suppressed by spam: 1" in said
