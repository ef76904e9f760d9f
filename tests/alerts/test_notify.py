"""Alert notifications through the outbox: routing, quiet de-duplication, severity rises, acknowledgement,
resolution and escalation timing (real SQLite, or PostgreSQL with GROUNDSWELL_TEST_PG)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.support.alert_rows import T0, add_alert, recur

from groundswell.alerts import notify
from groundswell.alerts.routes import RoutesConfig, parse_routes
from groundswell.cli.common import Store
from groundswell.errors import Conflict, NotFound
from groundswell.models import Alert, AuditEntry, OutboxMessage

DELAYS = (15.0, 30.0)  # level 1 after 15 minutes, level 2 after 30 more


def routes(**overrides: Any) -> RoutesConfig:
    document: dict[str, Any] = {
        "base_url": "https://gs.example",
        "targets": [
            {"name": "leads", "kind": "email", "addresses": ["a@voltline.example", "b@voltline.example"]},
            {"name": "pager", "kind": "webhook", "url": "https://hooks.example/gs", "secret": "s" * 32},
            {"name": "room", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/X"},
            {"name": "execs", "kind": "teams", "url": "https://example.webhook.office.com/webhookb2/x"},
        ],
        "routes": [
            {"name": "brand", "min_severity": "medium", "scope_kind": "brand", "levels": [
                {"targets": ["room", "pager"]},
                {"after_minutes": DELAYS[0], "targets": ["leads"]},
                {"after_minutes": DELAYS[1], "targets": ["execs"]},
            ]},
        ],
    }  # fmt: skip
    document.update(overrides)
    return parse_routes(document)


def keys(messages: list[OutboxMessage]) -> list[str]:
    return sorted(m.idempotency_key for m in messages)


def test_a_new_alert_notifies_level_zero_with_payloads(store: Store) -> None:
    with store.sessions.begin() as session:
        alert = add_alert(session)
        queued = notify.on_alerts(session, alerts=[alert], config=routes(), now=T0)
        assert keys(queued) == [f"alert:{alert.id}:0:pager", f"alert:{alert.id}:0:room"]
        by_channel = {m.channel: m for m in queued}
        assert by_channel["slack"].recipient == "https://hooks.slack.com/services/T/B/X"
        slack = by_channel["slack"].extra["payload"]
        assert "HIGH" in slack["text"] and "Voltline" in slack["text"]
        assert slack["blocks"][-1]["elements"][0]["url"] == f"https://gs.example/alerts/{alert.id}"
        hook = by_channel["webhook"].extra["payload"]
        assert hook["alert"]["key_phrases"] == ["battery fire", "recall"]
        assert hook["idempotency_key"] == f"alert:{alert.id}:0:pager"
        assert "Voltline" in by_channel["webhook"].text and "battery fire" in by_channel["webhook"].text
        assert (alert.escalation_level, alert.escalated_at) == (0, T0)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "alert.notify")).all()
        assert [(a.entity_id, (a.after or {})["messages"]) for a in audit] == [(str(alert.id), [m.id for m in queued])]


def test_no_matching_route_and_no_configuration_send_nothing(store: Store) -> None:
    with store.sessions.begin() as session:
        low = add_alert(session, severity="low")
        topic = add_alert(session, scope_kind="topic", scope="battery", fingerprint="t")
        assert notify.on_alerts(session, alerts=[low, topic], config=routes(), now=T0) == []
        assert low.escalated_at is None
        assert notify.on_alerts(session, alerts=[low], now=T0) == []  # GROUNDSWELL_ALERT_ROUTES unset


def test_fifty_recurrences_notify_once_per_target_and_a_rise_once_more(store: Store) -> None:
    config = routes()
    with store.sessions.begin() as session:
        alert = add_alert(session, severity="medium")
        first = notify.on_alerts(session, alerts=[alert], config=config, now=T0)
        for minute in range(1, 50):
            recur(session, alert, at=T0 + timedelta(seconds=minute * 10))
            assert notify.on_alerts(session, alerts=[alert], config=config, now=T0 + timedelta(seconds=minute)) == []
        assert alert.occurrences == 50
        rose = notify.on_alerts(session, alerts=[recur(session, alert, at=T0, severity="critical")], config=config,
                                now=T0 + timedelta(minutes=9))  # fmt: skip
        assert keys(rose) == [f"alert:{alert.id}:0:pager:critical", f"alert:{alert.id}:0:room:critical"]
        assert all("severity rose to CRITICAL" in m.text for m in rose)
        assert notify.on_alerts(session, alerts=[recur(session, alert, at=T0, severity="high")], config=config,
                                now=T0 + timedelta(minutes=10)) == []  # fmt: skip
        assert len(notify.notifications(session, alert.id)) == len(first) + len(rose) == 4


def test_a_rise_into_a_route_notifies_its_targets(store: Store) -> None:
    config = routes(routes=[
        {"name": "all", "levels": [{"targets": ["room"]}]},
        {"name": "critical", "min_severity": "critical", "levels": [{"targets": ["pager"]}]},
    ])  # fmt: skip
    with store.sessions.begin() as session:
        alert = add_alert(session, severity="medium")
        assert keys(notify.on_alerts(session, alerts=[alert], config=config, now=T0)) == [f"alert:{alert.id}:0:room"]
        recur(session, alert, at=T0, severity="critical")
        assert keys(notify.on_alerts(session, alerts=[alert], config=config, now=T0)) == [
            f"alert:{alert.id}:0:pager", f"alert:{alert.id}:0:room:critical"]  # fmt: skip


def test_escalation_follows_the_levels_and_acknowledgement_stops_it(store: Store) -> None:
    config = routes()
    with store.sessions.begin() as session:
        alert = add_alert(session)
        notify.on_alerts(session, alerts=[alert], config=config, now=T0)
        assert notify.escalate_due(session, config=config, now=T0 + timedelta(minutes=14, seconds=59)) == []
        level1 = notify.escalate_due(session, config=config, now=T0 + timedelta(minutes=20))
        assert keys(level1) == [f"alert:{alert.id}:1:leads/a@voltline.example",
                                f"alert:{alert.id}:1:leads/b@voltline.example"]  # fmt: skip
        assert level1[0].extra["subject"].startswith("groundswell alert: [HIGH] volume_spike")
        assert (alert.escalation_level, alert.escalated_at) == (1, T0 + timedelta(minutes=20))
        # Level 2 waits 30 minutes after level 1 went out (at minute 20), not after the alert.
        assert notify.escalate_due(session, config=config, now=T0 + timedelta(minutes=49)) == []
        notify.acknowledge(session, alert_id=alert.id, by="dana", now=T0 + timedelta(minutes=49, seconds=30))
        assert notify.escalate_due(session, config=config, now=T0 + timedelta(hours=5)) == []
        assert alert.status == "acknowledged" and alert.acknowledged_by == "dana"
        with pytest.raises(Conflict, match="already acknowledged by dana"):
            notify.acknowledge(session, alert_id=alert.id, by="eve", now=T0)
        notify.resolve(session, alert_id=alert.id, by="dana", now=T0 + timedelta(hours=6))
        recur(session, alert, at=T0 + timedelta(hours=7), severity="critical")
        assert notify.on_alerts(session, alerts=[alert], config=config, now=T0 + timedelta(hours=7)) == []
        with pytest.raises(Conflict, match="already resolved"):
            notify.resolve(session, alert_id=alert.id, by="dana")
        with pytest.raises(NotFound, match="no alert with id 999999"):
            notify.acknowledge(session, alert_id=999_999, by="dana")
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "alert")).all()
        assert actions == ["alert.notify", "alert.escalate", "alert.acknowledge", "alert.resolve"]


def test_an_unacknowledged_alert_escalates_to_the_last_level_and_stops(store: Store) -> None:
    config = routes()
    with store.sessions.begin() as session:
        alert = add_alert(session)
        notify.on_alerts(session, alerts=[alert], config=config, now=T0)
        sent = [notify.escalate_due(session, config=config, now=T0 + timedelta(hours=h)) for h in range(1, 6)]
        assert [len(s) for s in sent] == [2, 1, 0, 0, 0]
        assert sent[1][0].channel == "teams" and sent[1][0].extra["level"] == 2
        assert alert.escalation_level == 2


MINUTES = st.integers(min_value=0, max_value=120) | st.sampled_from([14, 15, 16, 44, 45, 46, 59, 60])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sweeps=st.lists(MINUTES, max_size=12), ack=st.none() | st.integers(0, 120))
def test_escalation_property(store: Store, sweeps: list[int], ack: int | None) -> None:
    """For any sequence of sweeps (minutes after the alert), each level is notified at most once, in order,
    never before its delay after the level before, never after an acknowledgement; and a level that is due
    at a sweep is notified at that sweep."""
    config = routes()
    with store.sessions.begin() as session:
        alert = add_alert(session, fingerprint=f"p{len(sweeps)}")
        notify.on_alerts(session, alerts=[alert], config=config, now=T0)
        levels_at: dict[int, int] = {0: 0}
        for minute in sorted(sweeps):
            if ack is not None and minute >= ack and alert.status == "open":
                notify.acknowledge(session, alert_id=alert.id, by="prop", now=T0 + timedelta(minutes=ack))
            due_level = len(levels_at)
            due = due_level <= len(DELAYS) and minute >= levels_at[due_level - 1] + DELAYS[due_level - 1]
            sent = [m for m in notify.escalate_due(session, config=config, now=T0 + timedelta(minutes=minute))
                    if m.extra["alert_id"] == alert.id]  # fmt: skip
            levels = {m.extra["level"] for m in sent}
            if due and alert.status == "open":
                assert levels == {due_level}
                levels_at[due_level] = minute
            else:
                assert levels == set()
        all_keys = [m.idempotency_key for m in notify.notifications(session, alert.id)]
        assert len(all_keys) == len(set(all_keys))
        assert alert.escalation_level == max(levels_at)
        if alert.status == "open":
            notify.resolve(session, alert_id=alert.id, by="prop", now=T0)


def test_alerts_notified_by_another_transaction_stay_quiet(store: Store) -> None:
    config = routes()
    with store.sessions.begin() as session:
        alert_id = add_alert(session).id
        notify.on_alerts(session, alerts=[session.get_one(Alert, alert_id)], config=config, now=T0)
    with store.sessions.begin() as session:
        alert = session.get_one(Alert, alert_id)
        assert notify.on_alerts(session, alerts=[recur(session, alert, at=T0)], config=config, now=T0) == []
        assert len(notify.notifications(session, alert_id)) == 2


def test_long_addresses_keep_keys_within_the_outbox_limit() -> None:
    long_address = "a" * 60 + "@" + "b" * 80 + ".example"
    key = notify.idempotency_key(12, 1, f"leads/{long_address}", "critical")
    other = notify.idempotency_key(12, 1, f"leads/{long_address[1:]}", "critical")
    assert len(key) <= 128 and key.startswith("alert:12:1:leads/") and key.endswith(":critical") and key != other
    assert notify.idempotency_key(12, 0, "room") == "alert:12:0:room"
