"""Public statements: a holding statement unchanged from the playbook is approved at once; free or edited text
goes through the approval machine (someone else, with the right role); sending enqueues one public post
through the outbox, and sending again returns the same message; a block finding never goes out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict, InvalidInput
from groundswell.governance.approval import DraftBlocked, InvalidTransition, NotAnApprover, SelfApproval
from groundswell.governance.audit_log import verify
from groundswell.incidents import repository, service, statements
from groundswell.models import AuditEntry, OutboxMessage
from tests.incidents.world import T0, Crisis, outage_playbook

NOW = T0 + timedelta(minutes=25)


@pytest.fixture
def incident_id(store: Store, crisis: Crisis) -> int:
    with write_transaction(store.sessions) as session:
        return service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(), opened_by="sue",
                                     now=NOW).id  # fmt: skip


@pytest.fixture
def session(store: Store, incident_id: int) -> Iterator[Session]:
    """One transaction for the test, opened once the incident is committed."""
    with write_transaction(store.sessions) as session:
        yield session


def test_an_unchanged_holding_statement_is_pre_approved_and_sent_once(session: Session, incident_id: int) -> None:
    row = statements.draft_statement(session, incident_id=incident_id, author="ana", holding="first-response", now=NOW)
    assert row.state == "approved" and row.approved_by == "playbook service-outage"
    assert row.preapproved_template == "first-response" and row.channel == "mastodon"
    assert row.text.startswith("We know that many Voltline customers cannot use our service right now.")
    message = statements.send_statement(session, statement_id=row.id, by="ana", now=NOW)
    again = statements.send_statement(session, statement_id=row.id, by="sue", now=NOW + timedelta(minutes=1))
    assert again.id == message.id
    assert (message.idempotency_key, message.visibility, message.in_reply_to, message.channel) == (
        f"incident:{incident_id}:statement:{row.id}", "public", None, "mastodon",
    )  # fmt: skip
    assert session.scalars(select(OutboxMessage)).all() == [message]
    kinds = [e.kind for e in repository.events(session, incident_id)]
    assert kinds[-2:] == ["statement_draft", "statement_send"]
    drafted = repository.events(session, incident_id)[-2]
    assert drafted.data["preapproved"] == "pre-approved by playbook service-outage (first-response, en)"
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["statement.draft", "outbox.enqueue", "statement.send"]
    assert verify(session).ok


def test_a_holding_statement_in_another_language_with_variables(session: Session, incident_id: int) -> None:
    es = statements.draft_statement(session, incident_id=incident_id, author="ana", holding="first-response",
                                    language="es", now=NOW)  # fmt: skip
    assert es.state == "approved" and "clientes de Voltline" in es.text
    with pytest.raises(InvalidInput, match="needs next_update"):
        statements.draft_statement(session, incident_id=incident_id, author="ana", holding="update", now=NOW)
    update = statements.draft_statement(session, incident_id=incident_id, author="ana", holding="update",
                                        variables={"next_update": "16:00 UTC"}, now=NOW)  # fmt: skip
    assert update.state == "approved" and "Next update by 16:00 UTC." in update.text


def test_an_edited_holding_statement_needs_a_manager_who_is_not_the_author(session: Session, incident_id: int) -> None:
    text = "We know many Voltline customers cannot log in. Engineers are on it; update within the hour."
    row = statements.draft_statement(session, incident_id=incident_id, author="sue", holding="first-response",
                                     text=text, now=NOW)  # fmt: skip
    assert row.state == "pending_approval" and row.preapproved_template is None
    assert row.requirement is not None and row.requirement["role"] == "manager"
    with pytest.raises(SelfApproval):
        statements.approve_statement(session, statement_id=row.id, by="sue", now=NOW)
    with pytest.raises(NotAnApprover, match="needs someone with the manager role"):
        statements.approve_statement(session, statement_id=row.id, by="ana", now=NOW)
    with pytest.raises(InvalidTransition, match="cannot send"):
        statements.send_statement(session, statement_id=row.id, by="sue", now=NOW)
    approved = statements.approve_statement(session, statement_id=row.id, by="max", now=NOW)
    assert (approved.state, approved.approved_by) == ("approved", "max")
    message = statements.send_statement(session, statement_id=row.id, by="sue", now=NOW)
    assert message.text == text


def test_an_admission_of_liability_goes_to_legal(session: Session, incident_id: int) -> None:
    text = "This outage is our fault and we accept full responsibility."
    row = statements.draft_statement(session, incident_id=incident_id, author="ana", text=text, now=NOW)
    assert row.requirement is not None and row.requirement["role"] == "legal"
    with pytest.raises(NotAnApprover, match="legal"):
        statements.approve_statement(session, statement_id=row.id, by="sue", now=NOW)  # a manager is not legal
    assert statements.approve_statement(session, statement_id=row.id, by="max", now=NOW).state == "approved"


def test_block_findings_never_go_out(session: Session, incident_id: int) -> None:
    text = "Customer card 4111 1111 1111 1111 was affected."
    row = statements.draft_statement(session, incident_id=incident_id, author="ana", text=text, now=NOW)
    assert row.state == "pending_approval"
    with pytest.raises(DraftBlocked, match=r"pii\.card"):
        statements.approve_statement(session, statement_id=row.id, by="sue", now=NOW)
    with pytest.raises(InvalidTransition):
        statements.send_statement(session, statement_id=row.id, by="ana", now=NOW)
    fixed = statements.edit_and_approve_statement(session, statement_id=row.id, by="sue", now=NOW,
                                                  text="Some customers' cards were affected.")  # fmt: skip
    assert fixed.state == "edited_and_approved"
    assert "4111" not in statements.send_statement(session, statement_id=row.id, by="ana", now=NOW).text
    logged = " ".join(str(after) for after in session.scalars(select(AuditEntry.after)))
    assert "4111 1111 1111 1111" not in logged


def test_rejection_and_refusals(session: Session, incident_id: int) -> None:
    row = statements.draft_statement(session, incident_id=incident_id, author="ana", text="We are looking into it.",
                                     now=NOW)  # fmt: skip
    rejected = statements.reject_statement(session, statement_id=row.id, by="sue", reason="Say when the next update is",
                                           now=NOW)  # fmt: skip
    assert (rejected.state, rejected.rejection_reason) == ("rejected", "Say when the next update is")
    with pytest.raises(InvalidInput, match="no holding statement 'nope'"):
        statements.draft_statement(session, incident_id=incident_id, author="ana", holding="nope", now=NOW)
    with pytest.raises(InvalidInput, match="not 'fax'"):
        statements.draft_statement(session, incident_id=incident_id, author="ana", text="x", channel="fax", now=NOW)
    with pytest.raises(Conflict, match="no longer active"):
        statements.draft_statement(session, incident_id=incident_id, author="old", text="x", now=NOW)
    service.resolve(session, incident_id=incident_id, by="sue", now=NOW)
    with pytest.raises(Conflict, match="is resolved: reopen it"):
        statements.draft_statement(session, incident_id=incident_id, author="ana", holding="all-clear", now=NOW)
