"""The reply service on a real database: the context a draft is judged in, every transition with its audit
line and timeline event, who may approve, and the hand-over to the outbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance.approval import (
    ApprovalRequired,
    DraftBlocked,
    InvalidTransition,
    NotAnApprover,
    NotTheAuthor,
    ReasonRequired,
    SelfApproval,
)
from groundswell.governance.audit_log import verify
from groundswell.governance.schemas import DraftContext, DraftState
from groundswell.models import AuditEntry, Case, CaseEvent, Enrichment, OutboxMessage, Reply
from groundswell.replies import service
from tests.replies.conftest import Act
from tests.replies.world import T0, World, add_case, add_staff, no_offence

NOW = T0 + timedelta(hours=1)
CLEAN = "Sorry about that, Jane. We are looking into your order now."
GUARANTEE = "We guarantee a full refund by Friday."
ADMISSION = "This was our fault, sorry."
CARD = "Jane, the charge on card 4111 1111 1111 1111 will be reversed."
MASKED = "Jane, the charge on card ending 1111 will be reversed."


def draft(act: Act, world: World, text: str = CLEAN, by: str = "ana", **extra: Any) -> Any:
    return act(service.draft_reply, case_id=world.case_id, author=by, text=text, scorer=no_offence, now=NOW, **extra)


def audit(store: Store, reply_id: int) -> list[tuple[str, str, Any, Any]]:
    with store.sessions() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "reply", AuditEntry.entity_id == str(reply_id))
            .order_by(AuditEntry.id)
        )  # fmt: skip
        return [(r.action, r.actor, r.before, r.after) for r in rows]


def timeline(store: Store, case_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    with store.sessions() as session:
        rows = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
        return [(e.kind, e.actor, e.data) for e in rows if e.kind.startswith("reply_")]


def stored_context(store: Store, reply_id: int) -> DraftContext:
    with store.sessions() as session:
        return DraftContext.model_validate(session.get_one(Reply, reply_id).context)


# ---- the draft's context --------------------------------------------------------------------------


def test_a_draft_is_judged_in_the_context_of_its_case(store: Store, act: Act) -> None:
    with write_transaction(store.sessions) as session:
        add_staff(session)
        world = add_case(
            session, texts=("First post", "Still nothing!"), followers=800, urgency=0.3, tags=["vip", "billing"]
        )
    # An earlier post was more urgent than the latest one: the case's urgency is the highest.
    with write_transaction(store.sessions) as session:
        row = session.scalars(
            select(Enrichment).where(Enrichment.post_id == world.post_ids[0], Enrichment.enricher == "urgency")
        ).one()
        row.value = {"score": 0.85, "level": "high", "signals": []}
    reply = draft(act, world, "Awesome news!! Your order is on its way", by="tom")
    context = stored_context(store, reply.id)
    assert context.author == "tom" and context.author_roles == frozenset({"agent", "trainee"})
    assert (context.customer_followers, context.customer_tier, context.urgency) == (800, "vip", 0.85)
    assert (context.policy.customer_sentiment, context.policy.customer_emotion) == ("negative", "anger")
    assert context.policy.offensive_score == 0.01
    assert reply.in_reply_to_post_id == world.post_ids[-1]
    assert {f.code for f in reply.findings} == {"tone.cheerful_to_upset"}
    assert reply.requirement is not None and reply.requirement.role == "manager"
    assert reply.requirement.reasons == (
        "the author is a trainee",
        "the customer's tier is vip",
        "the conversation is urgent (0.85) and negative",
    )
    assert reply.next_actions == ("revise", "submit")


@pytest.mark.parametrize(
    ("case_fields", "reason"),
    [
        ({"followers": 25_000}, "the customer has 25,000 followers"),
        ({"tags": ["influencer"]}, "the customer's tier is influencer"),
        ({"routing": {"signals": {"author_tier": "vip"}}}, "the customer's tier is vip"),
        ({"attributes": {"author_tier": "influencer"}}, "the customer's tier is influencer"),
        ({"urgency": 0.9}, "the conversation is urgent (0.90) and negative"),
    ],
)
def test_who_the_customer_is_can_require_approval(
    store: Store, act: Act, world: World, case_fields: dict[str, Any], reason: str
) -> None:
    with write_transaction(store.sessions) as session:
        other = add_case(session, handle="kim@mastodon.example", **case_fields)
    reply = draft(act, other)
    assert reply.requirement is not None and reply.requirement.reasons == (reason,)


def test_a_calm_regular_customer_needs_no_approval(act: Act, world: World) -> None:
    reply = draft(act, world)
    assert (reply.state, reply.requirement, reply.findings) == (DraftState.DRAFT, None, ())
    assert reply.next_actions == ("revise", "send")


def test_routing_can_require_approval_by_a_role_only_admins_hold(store: Store, act: Act, world: World) -> None:
    routing = {"decision": {"explanation": [{"rule": "press", "conditions": [], "actions": ["approver_role = pr"]}]}}
    with write_transaction(store.sessions) as session:
        pressed = add_case(session, handle="press@mastodon.example", routing=routing, requires_approval=True,
                           approver_role="pr")  # fmt: skip
    reply = draft(act, pressed)
    assert reply.requirement is not None
    assert (reply.requirement.role, reply.requirement.reasons) == (
        "pr",
        (f"the routing of case {pressed.case_id} requires approval (rule press)",),
    )
    act(service.submit, reply_id=reply.id, by="ana", now=NOW)
    with pytest.raises(NotAnApprover, match="needs someone with the pr role"):
        act(service.approve, reply_id=reply.id, by="sue", now=NOW)
    assert act(service.approve, reply_id=reply.id, by="max", now=NOW).approved_by == "max"


# ---- transitions, audit and timeline ---------------------------------------------------------------


def test_a_reply_that_needs_no_approval_goes_to_the_outbox(store: Store, act: Act, world: World) -> None:
    reply = draft(act, world)
    sent = act(service.send, reply_id=reply.id, by="ana", now=NOW)
    assert sent.state is DraftState.SENT and sent.next_actions == ()
    with store.sessions() as session:
        message = session.scalars(select(OutboxMessage)).one()
        case = session.get_one(Case, world.case_id)
        assert (message.idempotency_key, message.channel, message.visibility, message.text) == (
            f"reply:{reply.id}", "mastodon", "public", CLEAN,
        )  # fmt: skip
        assert (message.in_reply_to, message.recipient, message.reply_id, message.case_id) == (
            f"mastodon-{world.customer_id}-1", "jane@mastodon.example", reply.id, world.case_id,
        )  # fmt: skip
        assert case.first_response_at == NOW  # the inbox recorded the response
        view = service.view(session, reply.id)
        assert view.delivery is not None and view.delivery.status == "pending"
        assert verify(session).ok
    assert [
        (a, by, (before or {}).get("state"), after["state"]) for a, by, before, after in audit(store, reply.id)
    ] == [
        ("reply.draft", "ana", None, "draft"),
        ("reply.send", "ana", "draft", "sent"),
    ]
    assert audit(store, reply.id)[-1][3]["outbox_message_id"] == message.id
    events = timeline(store, world.case_id)
    assert [(kind, actor) for kind, actor, _ in events] == [("reply_draft", "ana"), ("reply_send", "ana")]
    assert events[-1][2] == {"reply_id": reply.id, "state": "sent", "findings": [], "outbox_message_id": message.id}
    with pytest.raises(InvalidTransition, match="it is sent; from there you can nothing"):
        act(service.send, reply_id=reply.id, by="ana", now=NOW)


def test_approval_by_a_manager_never_by_the_author(store: Store, act: Act, world: World) -> None:
    reply = draft(act, world, GUARANTEE, by="sue")  # sue is a manager herself
    with pytest.raises(ApprovalRequired, match="submit it to someone with the manager role"):
        act(service.send, reply_id=reply.id, by="sue", now=NOW)
    with pytest.raises(NotTheAuthor):
        act(service.submit, reply_id=reply.id, by="ana", now=NOW)
    pending = act(service.submit, reply_id=reply.id, by="sue", now=NOW)
    assert pending.next_actions == ("approve", "reject", "edit_and_approve", "withdraw")
    with pytest.raises(SelfApproval, match=f"sue wrote draft {reply.id} and cannot decide on it"):
        act(service.approve, reply_id=reply.id, by="sue", now=NOW)
    for someone in ("ana", "tia"):  # an agent; a trainee manager
        with pytest.raises(NotAnApprover, match="needs someone with the manager role"):
            act(service.approve, reply_id=reply.id, by=someone, now=NOW)
    with pytest.raises(Conflict, match="no longer active"):
        act(service.approve, reply_id=reply.id, by="old", now=NOW)
    with pytest.raises(NotFound, match="employee 'nobody' not found"):
        act(service.approve, reply_id=reply.id, by="nobody", now=NOW)
    approved = act(service.approve, reply_id=reply.id, by="max", now=NOW)  # an admin approves as a manager
    assert (approved.state, approved.approved_by) == (DraftState.APPROVED, "max")
    assert act(service.send, reply_id=reply.id, by="sue", now=NOW).state is DraftState.SENT
    assert [a for a, *_ in audit(store, reply.id)] == ["reply.draft", "reply.submit", "reply.approve", "reply.send"]
    approve_line = audit(store, reply.id)[2]
    assert approve_line[3]["approved_by"] == "max" and approve_line[3]["approver_role"] == "manager"


def test_admissions_of_liability_go_to_legal_which_admins_hold(act: Act, world: World) -> None:
    reply = draft(act, world, ADMISSION)
    assert reply.requirement is not None and reply.requirement.role == "legal"
    act(service.submit, reply_id=reply.id, by="ana", now=NOW)
    with pytest.raises(NotAnApprover, match="legal role"):
        act(service.approve, reply_id=reply.id, by="sue", now=NOW)
    assert act(service.approve, reply_id=reply.id, by="max", now=NOW).approved_by == "max"


def test_a_named_approver_may_approve_whatever_their_role(act: Act, world: World) -> None:
    reply = draft(act, world, GUARANTEE, named_approver="bob")
    assert reply.requirement is not None and reply.requirement.named_approver == "bob"
    act(service.submit, reply_id=reply.id, by="ana", now=NOW)
    assert act(service.approve, reply_id=reply.id, by="bob", now=NOW).approved_by == "bob"
    with pytest.raises(InvalidInput, match="someone other than the draft's author"):
        draft(act, world, GUARANTEE, named_approver="ana")
    with pytest.raises(Conflict, match="no longer active"):
        draft(act, world, GUARANTEE, named_approver="old")


def test_reject_with_a_reason_then_revise_and_send(store: Store, act: Act, world: World) -> None:
    reply = draft(act, world, GUARANTEE, by="tom")
    act(service.submit, reply_id=reply.id, by="tom", now=NOW)
    with pytest.raises(ReasonRequired):
        act(service.reject, reply_id=reply.id, by="sue", reason=" ", now=NOW)
    rejected = act(service.reject, reply_id=reply.id, by="sue", reason="No guarantees, please.", now=NOW)
    assert (rejected.state, rejected.rejection_reason) == (DraftState.REJECTED, "No guarantees, please.")
    revised = act(service.revise, reply_id=reply.id, by="tom", text=CLEAN, scorer=no_offence, now=NOW)
    assert revised.state is DraftState.DRAFT and revised.findings == ()
    assert revised.requirement is not None  # still a trainee's draft
    act(service.submit, reply_id=reply.id, by="tom", now=NOW)
    act(service.approve, reply_id=reply.id, by="sue", now=NOW)
    act(service.send, reply_id=reply.id, by="tom", now=NOW)
    assert [a for a, *_ in audit(store, reply.id)] == [
        "reply.draft", "reply.submit", "reply.reject", "reply.revise", "reply.submit", "reply.approve", "reply.send",
    ]  # fmt: skip
    reject_event = timeline(store, world.case_id)[2]
    assert reject_event[0] == "reply_reject" and reject_event[2]["reason"] == "No guarantees, please."


def test_withdraw_and_edit_and_approve(store: Store, act: Act, world: World) -> None:
    reply = draft(act, world, GUARANTEE)
    act(service.submit, reply_id=reply.id, by="ana", now=NOW)
    assert act(service.withdraw, reply_id=reply.id, by="ana", now=NOW).state is DraftState.DRAFT
    act(service.submit, reply_id=reply.id, by="ana", now=NOW)
    with pytest.raises(NotAnApprover, match="cannot approve the edited text: it needs the legal role"):
        act(service.edit_and_approve, reply_id=reply.id, by="sue", text=ADMISSION, scorer=no_offence, now=NOW)
    edited = act(service.edit_and_approve, reply_id=reply.id, by="sue", text=CLEAN, scorer=no_offence, now=NOW)
    assert (edited.state, edited.text, edited.approved_by) == (DraftState.EDITED_AND_APPROVED, CLEAN, "sue")
    line = audit(store, reply.id)[-1]
    assert line[0] == "reply.edit_and_approve"
    assert (line[2]["text"], line[3]["text"]) == (GUARANTEE, CLEAN)


def test_the_offensive_score_is_taken_again_for_every_new_text(act: Act, world: World) -> None:
    def harsh(text: str) -> float:
        return 0.97 if "idiot" in text else 0.02

    reply = act(service.draft_reply, case_id=world.case_id, author="ana", text="Only an idiot would ask.",
                scorer=harsh, now=NOW)  # fmt: skip
    assert [f.code for f in reply.findings] == ["offensive.classifier"]
    revised = act(service.revise, reply_id=reply.id, by="ana", text=CLEAN, scorer=harsh, now=NOW)
    assert revised.findings == () and revised.requirement is None


def test_the_bundled_offensive_classifier_scores_drafts(store: Store, act: Act, world: World) -> None:
    rude = act(service.draft_reply, case_id=world.case_id, author="ana", now=NOW,
               text="Shut up, you stupid moron. Nobody cares about your whining, idiot.")  # fmt: skip
    assert "offensive.classifier" in {f.code for f in rude.findings}
    assert rude.requirement is not None
    polite = act(service.draft_reply, case_id=world.case_id, author="ana", text=CLEAN, now=NOW)
    assert polite.findings == ()
    score = stored_context(store, polite.id).policy.offensive_score
    assert score is not None and score < 0.5


def test_a_card_number_is_held_until_an_approver_masks_it(store: Store, act: Act, world: World) -> None:
    reply = draft(act, world, CARD)
    assert reply.blocked and [(f.code, f.severity.value) for f in reply.findings] == [("pii.card", "block")]
    with pytest.raises(DraftBlocked, match=r"pii\.card .*use only its last four digits"):
        act(service.send, reply_id=reply.id, by="ana", now=NOW)
    pending = act(service.submit, reply_id=reply.id, by="ana", now=NOW)
    assert pending.next_actions == ("reject", "edit_and_approve", "withdraw")
    with pytest.raises(DraftBlocked):
        act(service.approve, reply_id=reply.id, by="sue", now=NOW)
    act(service.edit_and_approve, reply_id=reply.id, by="sue", text=MASKED, scorer=no_offence, now=NOW)
    act(service.send, reply_id=reply.id, by="ana", now=NOW)
    with store.sessions() as session:
        assert session.scalars(select(OutboxMessage.text)).one() == MASKED
        logged = " ".join(str(row) for row in session.scalars(select(AuditEntry.after)))
        events = " ".join(str(row) for row in session.scalars(select(CaseEvent.data)))
    # The permanent records never hold the card number, only its mask.
    assert "4111 1111 1111 1111" not in logged + events
    assert "**** **** **** 1111" in logged


def test_a_private_reply_goes_as_a_direct_message(store: Store, act: Act, world: World) -> None:
    reply = draft(act, world, "Please send us your order number here.", visibility="private")
    act(service.send, reply_id=reply.id, by="ana", now=NOW)
    with store.sessions() as session:
        message = session.scalars(select(OutboxMessage)).one()
    assert (message.visibility, message.recipient) == ("private", "jane@mastodon.example")


def test_an_email_reply_gets_a_subject(store: Store, act: Act, world: World) -> None:
    with write_transaction(store.sessions) as session:
        mailed = add_case(session, channel="email", handle="jane@example.com", texts=("Broken charger",))
    reply = draft(act, mailed)
    act(service.send, reply_id=reply.id, by="ana", now=NOW)
    with store.sessions() as session:
        message = session.scalars(select(OutboxMessage)).one()
    assert (message.channel, message.recipient, message.extra) == (
        "email", "jane@example.com", {"subject": "Re: Broken charger"},
    )  # fmt: skip


def test_what_a_draft_must_be_given(store: Store, act: Act, world: World) -> None:
    with pytest.raises(NotFound, match="case 999 not found"):
        act(service.draft_reply, case_id=999, author="ana", text=CLEAN, scorer=no_offence)
    with pytest.raises(InvalidInput, match="one of them, not both"):
        act(service.draft_reply, case_id=world.case_id, author="ana", scorer=no_offence)
    with pytest.raises(InvalidInput, match="one of them, not both"):
        draft(act, world, template="apology")
    with pytest.raises(InvalidInput, match="text is empty"):
        draft(act, world, "  ")
    with pytest.raises(InvalidInput, match="unknown visibility 'dm-ish'"):
        draft(act, world, visibility="dm-ish")
    with pytest.raises(InvalidInput, match=f"post 12345 is not part of case {world.case_id}"):
        draft(act, world, in_reply_to_post_id=12345)
    with pytest.raises(Conflict, match="no longer active"):
        draft(act, world, by="old")
    with pytest.raises(NotFound, match="reply 777 not found"):
        act(service.submit, reply_id=777, by="ana")
    with write_transaction(store.sessions) as session:
        closed = add_case(session, handle="x@mastodon.example", status="closed")
        merged = add_case(session, handle="y@mastodon.example")
        session.get_one(Case, merged.case_id).merged_into_id = world.case_id
    with pytest.raises(Conflict, match="is closed: reopen it"):
        draft(act, closed)
    with pytest.raises(Conflict, match=f"merged into case {world.case_id}"):
        draft(act, merged)
