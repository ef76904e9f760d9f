"""Done-when 2 of the engagement issue, end to end on a real database and a local Mastodon API:

a reply containing a card number is held for approval with the finding explained; approval by its own
author is refused; after approval it is delivered exactly once, even if the worker crashes and retries.

A full card number is a block finding (PCI DSS forbids sending it), so no approval can let it out as written.
The draft is held for an approver, who cannot approve it as it is but edits the number down to its last
four digits and approves the edit in one step; that text is what the customer receives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from groundswell.channels.mastodon.sender import MastodonSender
from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.governance.approval import DraftBlocked, SelfApproval
from groundswell.governance.audit_log import verify
from groundswell.governance.schemas import DraftState, Severity
from groundswell.models import AuditEntry, Case, OutboxMessage, Post
from groundswell.outbox.senders import OutgoingMessage, Receipt
from groundswell.outbox.worker import deliver_due
from groundswell.replies import service
from tests.replies.conftest import Act
from tests.replies.world import T0, add_case, add_staff, no_offence
from tests.support.fake_channel_apis import FakeApiServer, fake_api_server
from tests.support.fake_channel_apis.mastodon import FakeMastodon
from tests.support.outbox_senders import SimulatedCrash
from tests.support.replay_server import Response

NOW = T0 + timedelta(hours=2)
LEASE = timedelta(minutes=5)
CARD_DRAFT = "Jane, we see two charges on card 4111 1111 1111 1111; the second one is being reversed."
MASKED = "Jane, we see two charges on your card ending 1111; the second one is being reversed."


@dataclass
class CrashAfterPosting:
    """The real Mastodon sender, in a worker that dies right after Mastodon accepted the first post."""

    inner: MastodonSender
    channel: str = "mastodon"
    crashes_left: int = 1
    posted: list[str] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> Receipt:
        receipt = self.inner.send(message)
        self.posted.append(message.idempotency_key)
        if self.crashes_left:
            self.crashes_left -= 1
            raise SimulatedCrash("the worker died before recording the delivery")
        return receipt

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        return self.inner.find_sent(message)


@pytest.fixture
def fake_api() -> Iterator[FakeApiServer]:
    with fake_api_server() as server:
        yield server
        assert server.problems == [], "the fake Mastodon refused requests:\n" + "\n".join(server.problems)


def test_a_card_number_reply_is_held_approved_by_someone_else_and_delivered_once(
    store: Store, act: Act, fake_api: FakeApiServer
) -> None:
    mastodon = FakeMastodon(fake_api)
    with write_transaction(store.sessions) as session:
        add_staff(session)
        world = add_case(session, handle="jane@mastodon.social", texts=("@voltline I was charged twice!",))
        parent = session.get_one(Post, world.post_ids[0]).external_id
    mastodon.add_customer_status(parent, "@voltline I was charged twice!", acct="jane@mastodon.social")

    # 1. The author, a manager herself, writes the card number into a public reply.
    draft = act(service.draft_reply, case_id=world.case_id, author="sue", text=CARD_DRAFT, scorer=no_offence, now=NOW)
    [finding] = draft.findings
    assert (finding.code, finding.severity, finding.span.excerpt) == ("pii.card", Severity.BLOCK, "**** **** **** 1111")
    assert "PCI DSS" in finding.why and "last four digits" in finding.what_to_do
    with pytest.raises(DraftBlocked, match=r"pii\.card at 33-52 \(Remove the number; .*last four digits"):
        act(service.send, reply_id=draft.id, by="sue", now=NOW)

    # 2. It is held for approval, with the finding as the reason.
    held = act(service.submit, reply_id=draft.id, by="sue", now=NOW)
    assert held.state is DraftState.PENDING_APPROVAL and held.blocked
    assert held.requirement is not None and held.requirement.role == "manager"
    assert held.requirement.reasons == ("policy finding pii.card must be edited out: '**** **** **** 1111'",)

    # 3. Its author cannot approve it, although she holds the approver role.
    with pytest.raises(SelfApproval, match=f"sue wrote draft {draft.id} and cannot decide on it"):
        act(service.approve, reply_id=draft.id, by="sue", now=NOW)
    with pytest.raises(SelfApproval):
        act(service.edit_and_approve, reply_id=draft.id, by="sue", text=MASKED, scorer=no_offence, now=NOW)

    # 4. Another approver cannot wave the card number through, but masks it and approves the edit.
    with pytest.raises(DraftBlocked):
        act(service.approve, reply_id=draft.id, by="max", now=NOW)
    approved = act(service.edit_and_approve, reply_id=draft.id, by="max", text=MASKED, scorer=no_offence, now=NOW)
    assert (approved.state, approved.approved_by, approved.findings) == (DraftState.EDITED_AND_APPROVED, "max", ())
    assert act(service.send, reply_id=draft.id, by="sue", now=NOW).state is DraftState.SENT
    with store.sessions() as session:
        queued = service.view(session, draft.id).delivery
    assert queued is not None and queued.status == "pending"

    # 5. Delivery: Mastodon is down once, then the worker dies right after Mastodon accepted the post.
    fake_api.fail_next("POST", "/api/v1/statuses", Response(503, {"error": "Service Unavailable"}))
    sender = CrashAfterPosting(MastodonSender(fake_api.url, mastodon.token))
    first = deliver_due(store.sessions, senders={"mastodon": sender}, now=NOW, lease=LEASE)
    assert first.retrying == [queued.message_id]
    with pytest.raises(SimulatedCrash):
        deliver_due(store.sessions, senders={"mastodon": sender}, now=NOW + timedelta(seconds=30), lease=LEASE)
    assert len(mastodon.posted) == 1
    # Nobody takes the message while the dead worker's lease runs; then a new run finds it already posted.
    assert deliver_due(store.sessions, senders={"mastodon": sender}, now=NOW + timedelta(minutes=2)).claimed == 0
    recovery = deliver_due(store.sessions, senders={"mastodon": sender}, now=NOW + timedelta(minutes=6), lease=LEASE)
    assert recovery.recovered == recovery.sent and len(recovery.sent) == 1
    assert deliver_due(store.sessions, senders={"mastodon": sender}, now=NOW + timedelta(hours=3)).claimed == 0

    # Exactly one status, the approved text, in reply to the customer, under the reply's idempotency key.
    [status] = mastodon.posted
    assert status["in_reply_to_id"] == parent and status["visibility"] == "public"
    assert "ending 1111" in status["content"] and "4111" not in status["content"]
    posts = fake_api.calls("POST", "/api/v1/statuses")
    assert len(posts) == 2 and sender.posted == [f"reply:{draft.id}"]  # the 503, then the one that went out
    assert {p.headers.get("idempotency-key") for p in posts} == {f"reply:{draft.id}"}
    assert parse_qs(posts[-1].body.decode())["status"] == [MASKED]

    with store.sessions() as session:
        view = service.view(session, draft.id)
        assert view.delivery is not None
        assert (view.delivery.status, view.delivery.external_id, view.delivery.attempts) == ("sent", status["id"], 3)
        assert session.scalars(select(OutboxMessage)).one().idempotency_key == f"reply:{draft.id}"
        assert session.get_one(Case, world.case_id).first_response_at == NOW
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == [
            "reply.draft", "reply.submit", "reply.edit_and_approve",
            "outbox.enqueue", "case.responded", "reply.send",  # one transaction: the send and what it caused
            "outbox.sent",
        ]  # fmt: skip
        assert verify(session).ok
        logged = " ".join(str(after) for after in session.scalars(select(AuditEntry.after)))
        assert "4111 1111 1111 1111" not in logged
