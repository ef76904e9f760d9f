"""Incidents on a real database: opened from an alert and a playbook, one per scope, grouping alerts, posts
and cases, with roles, the checklist, notes and status changes, each on the timeline and in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance.audit_log import verify
from groundswell.incidents import repository, service
from groundswell.models import Alert, AuditEntry, Incident
from tests.incidents.world import T0, Crisis, add_alert, outage_playbook

NOW = T0 + timedelta(minutes=25)


def test_opening_from_an_alert_copies_the_playbook_and_links_alert_posts_and_cases(
    store: Store, crisis: Crisis
) -> None:
    with write_transaction(store.sessions) as session:
        incident = service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(),
                                         opened_by="sue", now=NOW)  # fmt: skip
        incident_id = incident.id
    with store.sessions() as session:
        incident = repository.get_incident(session, incident_id)
        assert (incident.status, incident.severity, incident.playbook) == ("open", "high", "service-outage")
        assert (incident.scope_kind, incident.scope, incident.marketing_paused) == ("brand", "Voltline", True)
        assert incident.roles == dict.fromkeys(["incident_lead", "spokesperson", "engineering_liaison", "care_lead"])
        first = incident.checklist[0]
        assert (first["n"], first["owner"], first["done"]) == (1, "engineering_liaison", False)
        assert first["due_at"] == (NOW + timedelta(minutes=15)).isoformat()
        assert session.get_one(Alert, crisis.alert_id).incident_id == incident_id
        assert repository.linked_ids(session, incident_id, "alert") == [crisis.alert_id]
        assert repository.linked_ids(session, incident_id, "post") == crisis.post_ids[:12]
        assert repository.linked_ids(session, incident_id, "case") == crisis.case_ids
        assert [e.kind for e in repository.events(session, incident_id)] == ["open", "link"]
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == ["incident.open", "incident.link"]
        assert verify(session).ok


def test_an_alert_for_a_scope_with_an_open_incident_joins_it(store: Store, crisis: Crisis) -> None:
    with write_transaction(store.sessions) as session:
        first = service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(), opened_by="sue",
                                      now=NOW)  # fmt: skip
        second_alert = add_alert(session, post_ids=crisis.post_ids[12:], kind="negative_shift")
        again = service.open_incident(session, alert_id=second_alert, playbook=outage_playbook(), opened_by="max",
                                      now=NOW + timedelta(hours=1))  # fmt: skip
        same = service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(), opened_by="max",
                                     now=NOW + timedelta(hours=1))  # fmt: skip
        assert again.id == first.id == same.id
        assert session.scalars(select(Incident)).all() == [first]
        assert repository.linked_ids(session, first.id, "alert") == [crisis.alert_id, second_alert]
        assert len(repository.linked_ids(session, first.id, "post")) == 18
        # Once resolved, a new alert for the scope opens a new incident.
        service.resolve(session, incident_id=first.id, by="sue", now=NOW + timedelta(hours=2))
        third_alert = add_alert(session, post_ids=[], kind="anger_shift")
        third = service.open_incident(session, alert_id=third_alert, playbook=outage_playbook(), opened_by="max",
                                      now=NOW + timedelta(hours=3))  # fmt: skip
        assert third.id != first.id
        with pytest.raises(Conflict, match=f"incident {third.id} is already open for Voltline"):
            service.reopen(session, incident_id=first.id, by="sue", now=NOW + timedelta(hours=3))


def test_roles_need_an_active_employee_with_an_allowed_role(store: Store, crisis: Crisis) -> None:
    with write_transaction(store.sessions) as session:
        incident = service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(),
                                         opened_by="sue", now=NOW)  # fmt: skip
        with pytest.raises(Conflict, match="ana is an agent; the spokesperson role needs one of: manager, admin"):
            service.assign_role(
                session, incident_id=incident.id, role="spokesperson", employee="ana", by="sue", now=NOW
            )
        with pytest.raises(Conflict, match="'old' is no longer active"):
            service.assign_role(
                session, incident_id=incident.id, role="spokesperson", employee="old", by="sue", now=NOW
            )
        with pytest.raises(NotFound, match="employee 'nobody' not found"):
            service.assign_role(session, incident_id=incident.id, role="spokesperson", employee="nobody", by="sue")
        with pytest.raises(InvalidInput, match="has no role 'legal'; its roles: incident_lead, spokesperson"):
            service.assign_role(session, incident_id=incident.id, role="legal", employee="max", by="sue")
        service.assign_role(session, incident_id=incident.id, role="spokesperson", employee="max", by="sue", now=NOW)
        service.assign_role(session, incident_id=incident.id, role="care_lead", employee="ana", by="sue", now=NOW)
        assert incident.roles["spokesperson"] == "max" and incident.roles["care_lead"] == "ana"


def test_tasks_notes_and_status_changes(store: Store, crisis: Crisis) -> None:
    with write_transaction(store.sessions) as session:
        incident = service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(),
                                         opened_by="sue", now=NOW)  # fmt: skip
        service.complete_task(session, incident_id=incident.id, number=1, by="bob", now=NOW + timedelta(minutes=20))
        with pytest.raises(Conflict, match=r"task 1 .* was already done by bob"):
            service.complete_task(session, incident_id=incident.id, number=1, by="ana")
        with pytest.raises(InvalidInput, match="has tasks 1 to 6, not 7"):
            service.complete_task(session, incident_id=incident.id, number=7, by="ana")
        service.add_note(session, incident_id=incident.id, text="Engineering confirms the login API is down.", by="bob",
                         now=NOW + timedelta(minutes=21))  # fmt: skip
        service.set_status(
            session, incident_id=incident.id, status="monitoring", by="sue", now=NOW + timedelta(hours=1)
        )
        with pytest.raises(Conflict, match="is monitoring: it can move to open or resolved"):
            service.set_status(session, incident_id=incident.id, status="monitoring", by="sue")
        service.resolve(session, incident_id=incident.id, by="sue", now=NOW + timedelta(hours=2))
        assert incident.resolved_at == NOW + timedelta(hours=2)
        service.reopen(session, incident_id=incident.id, by="sue", now=NOW + timedelta(hours=3))
        assert incident.status == "open"
        assert incident.resolved_at is None
        task = incident.checklist[0]
        assert (task["done"], task["done_by"]) == (True, "bob")
        events = repository.events(session, incident.id)
        assert [e.kind for e in events] == ["open", "link", "complete_task", "note", "status", "resolve", "reopen"]
        assert events[2].data["late"] is True  # due 15 minutes after opening, done after 20
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[-5:] == ["incident.complete_task", "incident.note", "incident.status", "incident.resolve",
                                "incident.reopen"]  # fmt: skip


def test_linking_and_unlinking_by_hand(store: Store, crisis: Crisis) -> None:
    with write_transaction(store.sessions) as session:
        incident = service.open_incident(session, playbook=outage_playbook(), opened_by="sue", now=NOW,
                                         scope_kind="brand", scope="Voltline")  # fmt: skip
        assert repository.links(session, incident.id) == []
        assert service.link(session, incident_id=incident.id, kind="post", ref_id=crisis.post_ids[0], by="sue") == 2
        assert repository.linked_ids(session, incident.id, "case") == [crisis.case_ids[0]]
        assert service.link(session, incident_id=incident.id, kind="post", ref_id=crisis.post_ids[0], by="sue") == 0
        service.link(session, incident_id=incident.id, kind="alert", ref_id=crisis.alert_id, by="sue")
        service.unlink(session, incident_id=incident.id, kind="alert", ref_id=crisis.alert_id, by="sue")
        assert session.get_one(Alert, crisis.alert_id).incident_id is None
        with pytest.raises(InvalidInput, match=r"alert .* is not linked"):
            service.unlink(session, incident_id=incident.id, kind="alert", ref_id=crisis.alert_id, by="sue")
        with pytest.raises(InvalidInput, match="post 999999 does not exist"):
            service.link(session, incident_id=incident.id, kind="post", ref_id=999999, by="sue")
        with pytest.raises(InvalidInput, match="an incident groups alert, post, case"):
            service.link(session, incident_id=incident.id, kind="tweet", ref_id=1, by="sue")
        with pytest.raises(InvalidInput, match="needs its scope"):
            service.open_incident(session, playbook=outage_playbook(), opened_by="sue")
