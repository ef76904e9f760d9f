"""Done-when 3 of the preparedness issue, end to end on a real database and real local HTTP servers:

posts stream in (four quiet days for Acme, then 30 angry posts in 30 minutes about a leaked memo); the streaming
detector raises a spike, which the alert routes send to a signed webhook and a Slack room through the outbox;
an incident is opened from the playbook matching the alert (later alerts on Acme join it); the spokesperson
publishes the pre-approved holding statement, which the outbox worker posts once to a local Mastodon even
though the worker runs twice; the incident is resolved and its post-mortem written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from groundswell.alerts.service import detect_new_posts
from groundswell.cli.common import Store
from groundswell.config import Settings, get_settings
from groundswell.db.engine import write_transaction
from groundswell.governance.audit_log import verify
from groundswell.incidents import postmortem, repository, service, statements
from groundswell.incidents.playbooks import load_playbooks, match
from groundswell.models import Alert, Enrichment, Incident, OutboxMessage, Post
from groundswell.outbox.configured import configured_senders
from groundswell.outbox.worker import deliver_due
from tests.incidents.world import EXAMPLES, add_case
from tests.replies.world import add_staff
from tests.support.cli import invoke
from tests.support.fake_alert_receivers import WEBHOOK_PATH, AlertReceivers
from tests.support.fake_channel_apis import FakeApiServer, fake_api_server
from tests.support.fake_channel_apis.mastodon import FakeMastodon

T0 = datetime(2026, 3, 2, tzinfo=UTC)
SPIKE = T0 + timedelta(hours=72, minutes=31)  # 00:31 on the fourth day: a quiet hour
SECRET = "whsec-" + "e" * 26
CHATTER = ["where is my order", "delivery was late again", "thanks for the quick help", "lovely staff", "app is slow"]


@pytest.fixture
def server() -> Iterator[FakeApiServer]:
    with fake_api_server() as api:
        yield api
        assert api.problems == [], "the fake services refused requests:\n" + "\n".join(api.problems)


def posts() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    quiet = [
        {"id": f"b{i}", "channel": "mastodon", "author": f"user{i % 200}", "text": CHATTER[i % len(CHATTER)],
         "created_at": (T0 + timedelta(minutes=15 * i)).isoformat(), "brand": "Acme"}
        for i in range(4 * 24 * 3 + 4 * 3)  # three days and three hours, four posts an hour
    ]  # fmt: skip
    spike = [
        {"id": f"s{i}", "channel": "mastodon", "author": f"angry{i}", "text": f"leaked Acme memo is disgusting #{i}",
         "created_at": (SPIKE + timedelta(minutes=i)).isoformat(), "brand": "Acme"}
        for i in range(30)
    ]  # fmt: skip
    return quiet, spike


def ingest(store: Store, tmp_path: Path, name: str, rows: list[dict[str, Any]], negative: bool) -> None:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert invoke("ingest", str(path)).exit_code == 0
    label = "negative" if negative else "neutral"
    with write_transaction(store.sessions) as session:  # what the enrichment pipeline would have stored
        ids = session.scalars(select(Post.id).where(Post.external_id.in_([r["id"] for r in rows])))
        for post_id in ids:
            session.add(Enrichment(post_id=post_id, enricher="sentiment", version="t", enriched_at=T0,
                                   value={"label": label, "scores": {label: 0.9}}))  # fmt: skip


def routes_file(tmp_path: Path, receivers: AlertReceivers) -> Path:
    path = tmp_path / "routes.yaml"
    path.write_text(
        "targets:\n"
        f"  - {{name: pager, kind: webhook, url: '{receivers.webhook_url}', secret: '{SECRET}'}}\n"
        f"  - {{name: war-room, kind: slack, url: '{receivers.slack_url}'}}\n"
        "routes:\n"
        "  - {name: spikes, kinds: [volume_spike], min_severity: low, levels: [{targets: [pager, war-room]}]}\n"
    )
    return path


def test_a_crisis_from_spike_to_post_mortem(
    store: Store, server: FakeApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receivers = AlertReceivers(server, SECRET).install()
    mastodon = FakeMastodon(server)
    routes = routes_file(tmp_path, receivers)
    monkeypatch.setenv("GROUNDSWELL_ALERT_ROUTES", str(routes))
    get_settings.cache_clear()
    settings = Settings(alert_routes=routes, mastodon_base_url=server.url, mastodon_access_token=mastodon.token)
    senders = configured_senders(settings, ["mastodon", "webhook", "slack"])
    with write_transaction(store.sessions) as session:
        add_staff(session)
    quiet, spike = posts()

    # 1. Quiet days stream in: no alert. Then the spike: the detector raises it and the routes notify.
    ingest(store, tmp_path, "quiet.jsonl", quiet, negative=False)
    with write_transaction(store.sessions) as session:
        assert detect_new_posts(session, by=("brand",), now=SPIKE - timedelta(minutes=1)) == []
    ingest(store, tmp_path, "spike.jsonl", spike, negative=True)
    detected_at = SPIKE + timedelta(minutes=30)
    with write_transaction(store.sessions) as session:
        raised = detect_new_posts(session, by=("brand",), now=detected_at)
        alerts = [(a.id, a.kind, a.scope, a.detected_at) for a in raised]
        spike_ids = session.scalars(select(Post.id).where(Post.external_id.like("s%"))).all()
        case_id = add_case(session, list(spike_ids[:2]), opened_at=SPIKE + timedelta(minutes=2),
                           responded_after=timedelta(minutes=12))  # fmt: skip
    spikes = [a for a in alerts if a[1] == "volume_spike"]
    assert len(spikes) == 1 and spikes[0][2] == "Acme"
    assert spikes[0][3] <= SPIKE + timedelta(minutes=30)

    # 2. The notifications go out through the real worker, once each even when it runs twice.
    first = deliver_due(store.sessions, senders=senders, now=detected_at)
    again = deliver_due(store.sessions, senders=senders, now=detected_at + timedelta(minutes=1))
    assert len(first.sent) == 2 and again.claimed == 0
    assert len(receivers.webhooks) == 1 and receivers.webhook_repeats == 0 and len(receivers.slack) == 1
    [hook] = receivers.webhooks.values()
    assert (hook["alert"]["id"], hook["alert"]["kind"], hook["alert"]["scope"]) == (
        spikes[0][0],
        "volume_spike",
        "Acme",
    )

    # 3. The on-call lead opens an incident from the playbook that matches the alert; the other alerts join it.
    opened_at = detected_at + timedelta(minutes=5)
    with write_transaction(store.sessions) as session:
        alert = session.get_one(Alert, spikes[0][0])
        playbook = match(load_playbooks(EXAMPLES), alert)
        assert playbook is not None
        incident = service.open_incident(session, alert_id=alert.id, playbook=playbook, opened_by="sue", now=opened_at)
        for other_id, *_ in alerts:
            assert service.open_incident(session, alert_id=other_id, playbook=playbook, opened_by="sue",
                                         now=opened_at).id == incident.id  # fmt: skip
        service.assign_role(session, incident_id=incident.id, role="spokesperson", employee="max", by="sue",
                            now=opened_at)  # fmt: skip
        incident_id, playbook_name = incident.id, playbook.name
        holding = "acknowledge" if playbook_name == "leak-or-scandal" else "first-response"

    # 4. The spokesperson publishes the pre-approved holding statement; sending twice queues one post.
    with write_transaction(store.sessions) as session:
        row = statements.draft_statement(session, incident_id=incident_id, author="max", holding=holding,
                                         now=opened_at + timedelta(minutes=3))  # fmt: skip
        assert (row.state, row.approved_by) == ("approved", f"playbook {playbook_name}")
        message = statements.send_statement(
            session, statement_id=row.id, by="max", now=opened_at + timedelta(minutes=4)
        )
        statement_id, message_id, text = row.id, message.id, row.text
    with write_transaction(store.sessions) as session:
        assert statements.send_statement(session, statement_id=statement_id, by="max").id == message_id
    sent_at = opened_at + timedelta(minutes=5)
    assert len(deliver_due(store.sessions, senders=senders, now=sent_at).sent) == 1
    assert deliver_due(store.sessions, senders=senders, now=sent_at + timedelta(minutes=1)).claimed == 0
    [status] = mastodon.posted
    assert status["visibility"] == "public" and status["in_reply_to_id"] is None
    [post_call] = server.calls("POST", "/api/v1/statuses")
    assert parse_qs(post_call.body.decode())["status"] == [text] and "Acme" in text
    assert post_call.headers.get("idempotency-key") == f"incident:{incident_id}:statement:{statement_id}"
    assert len(server.calls("POST", WEBHOOK_PATH)) == 1 and len(receivers.slack) == 1  # still one each

    # 5. Resolved; the post-mortem tells the story.
    resolved_at = opened_at + timedelta(hours=3)
    with write_transaction(store.sessions) as session:
        service.resolve(session, incident_id=incident_id, by="sue", now=resolved_at)
    report = tmp_path / "postmortem.html"
    with store.sessions() as session:
        report.write_text(postmortem.render(session, incident_id=incident_id, format="html"))
        markdown = postmortem.render(session, incident_id=incident_id, format="md")
        assert session.scalars(select(Incident)).one().status == "resolved"
        assert sorted(repository.linked_ids(session, incident_id, "alert")) == sorted(a[0] for a in alerts)
        assert case_id in repository.linked_ids(session, incident_id, "case")
        outbox = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [m.channel for m in outbox] == ["webhook", "slack", "mastodon"] and {m.status for m in outbox} == {
            "sent"
        }
        assert verify(session).ok
    page = report.read_text()
    assert "<svg" in page and "<script" not in page and text.split(".")[0] in page
    assert f"{status['id']}" in page  # the statement's delivery, with Mastodon's id
    assert "Posts in scope" in page and f"| sent ({status['id']}) |" in markdown
    assert "## Lessons learned" in markdown and "volume\\_spike" in markdown
