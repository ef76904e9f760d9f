"""`groundswell alerts notify | escalate | ack | resolve` on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.alert_rows import add_alert
from tests.support.cli import invoke, invoke_json

from groundswell.cli.common import Store
from groundswell.errors import ConfigurationError, InvalidInput

ROUTES = """
targets:
  - {name: room, kind: slack, url: "https://hooks.slack.com/services/T/B/X"}
  - {name: leads, kind: email, addresses: [lead@voltline.example]}
routes:
  - name: brand
    levels:
      - targets: [room]
      - {after_minutes: 15, targets: [leads]}
"""


def test_notify_escalate_ack_resolve(store: Store, tmp_path: Path) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES)
    with store.sessions.begin() as session:
        alert_id = add_alert(session).id
    first = invoke_json("alerts", "notify", "--config", str(routes), "--now", "2026-03-02T03:00:00Z")
    assert [(r["alert_id"], r["level"], r["channel"]) for r in first] == [(alert_id, 0, "slack")]
    assert invoke_json("alerts", "notify", "--config", str(routes), "--now", "2026-03-02T03:05:00Z") == []
    assert invoke_json("alerts", "escalate", "--config", str(routes), "--now", "2026-03-02T03:14:00Z") == []
    level1 = invoke_json("alerts", "escalate", "--config", str(routes), "--now", "2026-03-02T03:16:00Z")
    assert [(r["level"], r["recipient"]) for r in level1] == [(1, "lead@voltline.example")]
    acked = invoke_json("alerts", "ack", str(alert_id), "--by", "dana", "--now", "2026-03-02T03:20:00Z")
    assert (acked["status"], acked["acknowledged_by"], acked["escalation_level"]) == ("acknowledged", "dana", 1)
    result = invoke("alerts", "resolve", str(alert_id), "--by", "dana")
    assert result.exit_code == 0 and f"alert {alert_id} is resolved" in result.output
    outbox = invoke_json("outbox", "list")
    assert sorted(m["channel"] for m in outbox["messages"]) == ["email", "slack"]


def test_notify_needs_routes(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"pass --config ROUTES\.yaml or set GROUNDSWELL_ALERT_ROUTES"):
        invoke("alerts", "notify")
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets: []\nroutes: []\n")
    with pytest.raises(InvalidInput, match="targets: List should have at least 1 item"):
        invoke("alerts", "escalate", "--config", str(bad))
