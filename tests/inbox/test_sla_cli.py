"""`groundswell sla sweep` and `groundswell sla status`, in process, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.errors import NotFound
from groundswell.inbox import sla_service
from groundswell.models import Case, CaseEvent
from groundswell.routing import ALWAYS_OPEN, load_rules
from groundswell.routing_store.service import save_rules
from tests.inbox.cases_support import add_employee, add_team
from tests.support.cli import invoke, invoke_json

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
RULES = """
teams:
  care: {}
sla_policies:
  standard:
    first_response: 1h
    resolution: 8h
    escalate:
      - {on: warning, notify_role: lead, clocks: [first_response]}
      - {on: breach, priority: p1, add_tags: [sla-breach], reassign: true}
rules:
  - {name: everything, fallback: true, then: {team: care, sla_policy: standard}}
"""


@pytest.fixture
def case_id(store: Store) -> int:
    policy = load_rules(RULES).sla_policies["standard"]
    with store.sessions.begin() as session:
        team = add_team(session, "care")
        lead = add_employee(session, "lea", team)
        lead.role = "lead"
        ann, bob = add_employee(session, "ann", team), add_employee(session, "bob", team)
        case = Case(channel="x", status="open", team_id=team.id, assignee_id=ann.id, opened_at=T0, updated_at=T0,
                    tags=[])  # fmt: skip
        session.add(case)
        session.flush()
        sla_service.start_clocks(session, case=case, policy=policy, calendar=ALWAYS_OPEN, now=T0)
        assert bob.id
        return case.id


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    return tmp_path


def test_sweep_warns_then_breaches_escalates_and_reassigns(store: Store, case_id: int, rules_dir: Path) -> None:
    at = (T0 + timedelta(minutes=45)).isoformat()
    warned = invoke_json("sla", "sweep", "--now", at, "--rules-dir", str(rules_dir))
    assert [(w["case_id"], w["clock"]) for w in warned["warnings"]] == [(case_id, "first_response")]
    assert warned["escalations"][0]["notify"] == ["lea"] and warned["reassigned"] == []
    assert invoke_json("sla", "sweep", "--now", at, "--rules-dir", str(rules_dir))["warnings"] == []
    breached = invoke_json(
        "sla", "sweep", "--now", (T0 + timedelta(hours=1)).isoformat(), "--rules-dir", str(rules_dir)
    )
    assert breached["breaches"][0]["due_at"] == "2025-03-03T10:00:00Z"
    assert breached["escalations"][0]["priority_after"] == "p1"
    (moved,) = breached["reassigned"]
    assert moved["case_id"] == case_id and moved["assignee"] in ("bob", "lea")
    with store.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None and (case.priority, case.tags) == ("p1", ["sla-breach"])
        kinds = list(session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
        assert kinds.count("sla_warning") == 1 and kinds.count("sla_breach") == 1 and kinds.count("escalated") == 2


def test_sweep_uses_the_active_saved_rules_and_works_without_any(store: Store, case_id: int) -> None:
    late = (T0 + timedelta(hours=2)).isoformat()
    result = invoke("sla", "sweep", "--now", late, "--no-reassign")
    assert result.exit_code == 0, result.output
    assert "1 breach(es), 0 escalation(s)" in result.stdout and "nothing escalated" in result.stdout
    with store.sessions.begin() as session:
        save_rules(session, text=RULES.replace("teams:\n  care: {}\n", ""), actor="ed")  # teams are in the DB
    # The first-response breach is recorded; the resolution clock warns (at 6h of 8h) later, and escalates.
    report = invoke_json("sla", "sweep", "--now", (T0 + timedelta(hours=7)).isoformat(), "--no-reassign")
    assert [w["clock"] for w in report["warnings"]] == ["resolution"] and report["escalations"] == []
    assert report["unknown_policies"] == []


def test_status_shows_each_clock(case_id: int) -> None:
    shown = invoke_json("sla", "status", str(case_id), "--now", (T0 + timedelta(hours=2)).isoformat())
    first, resolution = shown["clocks"]
    assert (first["clock"], first["status"], first["remaining_seconds"]) == ("first_response", "breached", -3600)
    assert (resolution["status"], resolution["due_at"]) == ("ok", "2025-03-03T17:00:00Z")
    human = invoke("sla", "status", str(case_id), "--now", (T0 + timedelta(hours=2)).isoformat())
    assert "first_response" in human.stdout and "-1h00m" in human.stdout
    with pytest.raises(NotFound, match="case 999 not found"):
        invoke("sla", "status", "999")


def test_human_sweep_report(case_id: int, rules_dir: Path) -> None:
    result = invoke("sla", "sweep", "--now", (T0 + timedelta(hours=1)).isoformat(), "--rules-dir", str(rules_dir))
    assert result.exit_code == 0, result.output
    assert f"case {case_id} escalated on first_response breached: priority p3 -> p1" in result.stdout
    assert f"case {case_id} reassigned:" in result.stdout
