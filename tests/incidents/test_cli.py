"""`groundswell incidents` as a user types it: open from an alert with a folder of playbooks, fill a role, tick
a task, publish a holding statement and a free statement through approval, resolve, write the post-mortem."""

from __future__ import annotations

from pathlib import Path

import pytest

from groundswell.cli.common import Store
from groundswell.errors import Conflict, InvalidInput
from tests.incidents.world import EXAMPLES, Crisis
from tests.support.cli import invoke, invoke_json

AT = "2026-03-02T14:25:00Z"


def test_an_incident_from_the_command_line(store: Store, crisis: Crisis, tmp_path: Path) -> None:
    opened = invoke_json("incidents", "open", "--alert", str(crisis.alert_id), "--playbooks", str(EXAMPLES),
                         "--by", "sue", "--now", AT)  # fmt: skip
    incident = str(opened["id"])
    assert opened["playbook"] == "leak-or-scandal"  # high severity: both accept, the stricter trigger wins
    assert opened["links"]["alert"] == [crisis.alert_id] and opened["links"]["case"] == crisis.case_ids
    again = invoke_json("incidents", "open", "--alert", str(crisis.alert_id), "--playbook",
                        str(EXAMPLES / "service-outage.yaml"), "--by", "sue")  # fmt: skip
    assert again["id"] == opened["id"]
    with pytest.raises(Conflict, match="ana is an agent"):
        invoke("incidents", "role", incident, "spokesperson", "ana", "--by", "sue")
    assert (
        invoke_json("incidents", "role", incident, "spokesperson", "max", "--by", "sue")["roles"]["spokesperson"]
        == "max"
    )
    assert invoke_json("incidents", "task", incident, "1", "--done", "--by", "sue")["checklist"][0]["done_by"] == "sue"

    held = invoke_json("incidents", "statement", incident, "--holding", "acknowledge", "--by", "max", "--now", AT)
    assert (held["state"], held["preapproved_template"]) == ("approved", "acknowledge")
    sent = invoke_json("incidents", "statement-send", str(held["id"]), "--by", "max")
    assert sent["idempotency_key"] == f"incident:{incident}:statement:{held['id']}" and sent["delivery"] == "pending"
    assert (
        invoke_json("incidents", "statement-send", str(held["id"]), "--by", "max")["outbox_message_id"]
        == sent["outbox_message_id"]
    )

    free = invoke_json("incidents", "statement", incident, "--text", "An update follows at 16:00.", "--by", "max")
    assert free["state"] == "pending_approval" and free["approver_role"] == "manager"
    assert invoke_json("incidents", "statement-approve", str(free["id"]), "--by", "sue")["approved_by"] == "sue"

    assert invoke_json("incidents", "metrics", incident, "--now", "2026-03-02T17:00:00Z")["posts"] == 18
    assert invoke_json("incidents", "resolve", incident, "--by", "sue")["status"] == "resolved"
    assert [i["status"] for i in invoke_json("incidents", "list")["incidents"]] == ["resolved"]
    shown = invoke("incidents", "show", incident)
    assert shown.exit_code == 0 and "statement" in shown.stdout

    report = tmp_path / "pm.html"
    result = invoke("incidents", "postmortem", incident, "--format", "html", "--output", str(report))
    assert result.exit_code == 0 and report.read_text().startswith("<!DOCTYPE html>")
    markdown = invoke("incidents", "postmortem", incident, "--format", "md")
    assert markdown.stdout.startswith(f"# Post-mortem: incident {incident}")
    with pytest.raises(InvalidInput, match="use html or md"):
        invoke("incidents", "postmortem", incident, "--format", "pdf")
