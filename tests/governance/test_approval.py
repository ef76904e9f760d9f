"""The approval workflow: when a draft needs approval and from whom, and every transition with its errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance.approval import (
    ApprovalRequired,
    ApprovalRules,
    DraftBlocked,
    InvalidTransition,
    NotAnApprover,
    NotTheAuthor,
    ReasonRequired,
    SelfApproval,
    approve,
    edit_and_approve,
    needs_approval,
    reject,
    revise,
    send,
    start_draft,
    submit,
    withdraw,
)
from groundswell.governance.policy import check_draft
from groundswell.governance.schemas import (
    Actor,
    DraftContext,
    DraftState,
    PolicyContext,
    ReplyDraft,
    Transition,
)

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ANA = Actor(name="ana", roles=frozenset({"agent"}))
TOM = Actor(name="tom", roles=frozenset({"agent", "trainee"}))
SUE = Actor(name="sue", roles=frozenset({"supervisor"}))
LEO = Actor(name="leo", roles=frozenset({"legal"}))
BEN = Actor(name="ben", roles=frozenset({"agent"}))

CLEAN = "Sorry about the delay, Ana. We're looking into it now."
GUARANTEE = "We guarantee it arrives on Friday."
ADMISSION = "It was our fault, sorry."
BLOCKED = "Your card 4111 1111 1111 1111 was charged twice."


def context(text: str = CLEAN, **fields: Any) -> DraftContext:
    base = DraftContext(author="ana", **fields)
    return base.model_copy(update={"findings": tuple(check_draft(text, base.policy))})


# ---- needs_approval -----------------------------------------------------------------------------


def test_a_plain_reply_needs_no_approval() -> None:
    assert needs_approval(context()) is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"author_roles": frozenset({"trainee"})}, "the author is a trainee"),
        ({"customer_tier": "influencer"}, "the customer's tier is influencer"),
        ({"customer_tier": "VIP"}, "the customer's tier is VIP"),
        ({"customer_followers": 10_000}, "the customer has 10,000 followers"),
        (
            {"urgency": 0.9, "policy": PolicyContext(customer_sentiment="negative")},
            "the conversation is urgent (0.90) and negative",
        ),
    ],
)
def test_circumstances_that_need_a_supervisor(fields: dict[str, Any], reason: str) -> None:
    requirement = needs_approval(context(**fields))
    assert requirement is not None
    assert requirement.role == "supervisor"
    assert requirement.reasons == (reason,)


@pytest.mark.parametrize(
    "fields",
    [
        {"customer_followers": 9_999},
        {"urgency": 0.9, "policy": PolicyContext(customer_sentiment="positive")},
        {"urgency": 0.5, "policy": PolicyContext(customer_sentiment="negative")},
        {"author_roles": frozenset({"agent"})},
    ],
)
def test_circumstances_below_the_thresholds_need_nothing(fields: dict[str, Any]) -> None:
    assert needs_approval(context(**fields)) is None


def test_thresholds_and_roles_are_configurable() -> None:
    rules = ApprovalRules(follower_threshold=500, approver_role="team_lead")
    requirement = needs_approval(context(customer_followers=600), rules)
    assert requirement is not None and requirement.role == "team_lead"


def test_findings_that_need_approval_and_who_approves_them() -> None:
    guarantee = needs_approval(context(GUARANTEE))
    assert guarantee is not None and guarantee.role == "supervisor"
    assert guarantee.reasons == ("policy finding commitment.guarantee: 'guarantee'",)
    admission = needs_approval(context(ADMISSION, author_roles=frozenset({"trainee"}), named_approver="kim"))
    assert admission is not None
    assert (admission.role, admission.named_approver) == ("legal", "kim")
    assert len(admission.reasons) == 2


def test_block_findings_cannot_be_approved() -> None:
    with pytest.raises(DraftBlocked, match=r"cannot be approved or sent until it is changed: pii\.card at 10-29"):
        needs_approval(context(BLOCKED))
    assert issubclass(DraftBlocked, Conflict)


# ---- transitions --------------------------------------------------------------------------------


def started(text: str = CLEAN, **fields: Any) -> ReplyDraft:
    transition = start_draft("d1", text, DraftContext(author="ana", **fields), at=AT)
    assert transition.event.action == "created" and transition.event.state_before is None
    return transition.draft


def test_a_draft_that_needs_no_approval_is_sent_directly() -> None:
    draft = started()
    assert draft.requirement is None and draft.findings == ()
    sent = send(draft, by=ANA, at=AT)
    assert sent.draft.state is DraftState.SENT
    event = sent.event
    assert (event.draft_id, event.action, event.actor, event.at) == ("d1", "sent", "ana", AT)
    assert (event.state_before, event.state_after, event.text_after) == (DraftState.DRAFT, DraftState.SENT, CLEAN)


def test_the_happy_path_with_approval_and_its_audit_trail() -> None:
    draft = started(GUARANTEE)
    assert draft.requirement is not None
    with pytest.raises(ApprovalRequired, match=r"needs approval before it is sent .*submit it to someone with the"):
        send(draft, by=ANA, at=AT)
    steps = [submit(draft, by=ANA, at=AT)]
    steps.append(approve(steps[-1].draft, by=SUE, at=AT))
    steps.append(send(steps[-1].draft, by=ANA, at=AT))
    assert [(s.event.action, s.event.actor, s.event.state_before, s.event.state_after) for s in steps] == [
        ("submitted", "ana", DraftState.DRAFT, DraftState.PENDING_APPROVAL),
        ("approved", "sue", DraftState.PENDING_APPROVAL, DraftState.APPROVED),
        ("sent", "ana", DraftState.APPROVED, DraftState.SENT),
    ]
    assert steps[-1].draft.approved_by == "sue"


def test_the_author_cannot_approve_even_with_the_role() -> None:
    pending = submit(started(GUARANTEE), by=ANA, at=AT).draft
    boss = Actor(name="ana", roles=frozenset({"supervisor", "legal"}))
    decisions: list[Callable[[], Transition]] = [
        lambda: approve(pending, by=boss, at=AT),
        lambda: reject(pending, "no", by=boss, at=AT),
        lambda: edit_and_approve(pending, CLEAN, by=boss, at=AT),
    ]
    for decide in decisions:
        with pytest.raises(SelfApproval, match="ana wrote draft d1 and cannot decide on it: ask another approver"):
            decide()


def test_only_the_required_role_or_the_named_approver_decides() -> None:
    pending = submit(started(GUARANTEE, named_approver="ben"), by=ANA, at=AT).draft
    with pytest.raises(
        NotAnApprover, match="leo cannot decide on draft d1: it needs someone with the supervisor role or ben"
    ):
        approve(pending, by=LEO, at=AT)
    with pytest.raises(NotAnApprover):
        reject(pending, "no", by=TOM, at=AT)
    assert approve(pending, by=BEN, at=AT).draft.approved_by == "ben"
    admission = submit(started(ADMISSION), by=ANA, at=AT).draft
    with pytest.raises(NotAnApprover, match="legal role"):
        approve(admission, by=SUE, at=AT)
    assert approve(admission, by=LEO, at=AT).draft.state is DraftState.APPROVED


def test_rejection_needs_a_reason_and_the_author_revises() -> None:
    pending = submit(started(GUARANTEE), by=ANA, at=AT).draft
    with pytest.raises(ReasonRequired, match="a rejection needs a reason"):
        reject(pending, "  ", by=SUE, at=AT)
    assert issubclass(ReasonRequired, InvalidInput)
    rejected = reject(pending, " Do not promise dates. ", by=SUE, at=AT)
    assert rejected.event.reason == "Do not promise dates."
    assert rejected.draft.rejection_reason == "Do not promise dates."
    with pytest.raises(InvalidTransition, match="cannot send draft d1: it is rejected; from there you can revise"):
        send(rejected.draft, by=ANA, at=AT)
    with pytest.raises(NotTheAuthor, match=r"only the author \(ana\) can revise draft d1, not sue"):
        revise(rejected.draft, CLEAN, by=SUE, at=AT)
    revised = revise(rejected.draft, CLEAN, by=ANA, at=AT)
    assert revised.draft.state is DraftState.DRAFT and revised.draft.requirement is None
    assert revised.event.text_after == CLEAN
    assert send(revised.draft, by=ANA, at=AT).draft.state is DraftState.SENT


def test_revising_into_a_commitment_requires_approval_again() -> None:
    draft = revise(started(), GUARANTEE, by=ANA, at=AT).draft
    assert draft.requirement is not None
    with pytest.raises(ApprovalRequired):
        send(draft, by=ANA, at=AT)


def test_edit_and_approve_rechecks_the_edit() -> None:
    pending = submit(started(GUARANTEE), by=ANA, at=AT).draft
    with pytest.raises(DraftBlocked):
        edit_and_approve(pending, BLOCKED, by=SUE, at=AT)
    with pytest.raises(NotAnApprover, match="cannot approve the edited text: it needs the legal role"):
        edit_and_approve(pending, ADMISSION, by=SUE, at=AT)
    edited = edit_and_approve(pending, CLEAN, by=SUE, at=AT)
    assert edited.draft.state is DraftState.EDITED_AND_APPROVED
    assert (edited.draft.text, edited.draft.findings, edited.draft.approved_by) == (CLEAN, (), "sue")
    assert edited.draft.requirement == pending.requirement  # the record of why approval was asked stays
    assert edited.event.text_after == CLEAN
    assert send(edited.draft, by=SUE, at=AT).event.state_before is DraftState.EDITED_AND_APPROVED


def test_blocked_drafts_can_be_saved_but_not_approved_or_sent() -> None:
    draft = started(BLOCKED)
    assert draft.requirement is not None
    assert draft.requirement.reasons == ("policy finding pii.card must be edited out: '**** **** **** 1111'",)
    with pytest.raises(DraftBlocked):
        send(draft, by=ANA, at=AT)
    fixed = revise(draft, "Your card ending 1111 was charged twice.", by=ANA, at=AT).draft
    assert fixed.requirement is None
    assert send(fixed, by=ANA, at=AT).draft.state is DraftState.SENT


def test_a_blocked_draft_is_held_for_an_approver_who_must_edit_the_finding_out() -> None:
    pending = submit(started(BLOCKED), by=ANA, at=AT).draft
    assert pending.state is DraftState.PENDING_APPROVAL
    with pytest.raises(DraftBlocked, match=r"cannot be approved or sent until it is changed: pii\.card at 10-29"):
        approve(pending, by=SUE, at=AT)
    with pytest.raises(DraftBlocked):
        edit_and_approve(pending, "Your card 4111 1111 1111 1111 was refunded.", by=SUE, at=AT)
    with pytest.raises(SelfApproval):
        edit_and_approve(pending, "Your card ending 1111 was charged twice.", by=ANA, at=AT)
    edited = edit_and_approve(pending, "Your card ending 1111 was charged twice.", by=SUE, at=AT).draft
    assert (edited.state, edited.findings, edited.approved_by) == (DraftState.EDITED_AND_APPROVED, (), "sue")
    assert edited.requirement == pending.requirement
    assert send(edited, by=ANA, at=AT).draft.text == "Your card ending 1111 was charged twice."


def test_an_approval_required_from_outside_the_text_and_its_role() -> None:
    routed = needs_approval(
        context(required_approval="routing rule vip-care requires approval", required_role="social_lead")
    )
    assert routed is not None
    assert (routed.role, routed.reasons) == ("social_lead", ("routing rule vip-care requires approval",))
    legal = needs_approval(context(ADMISSION, required_role="social_lead"))
    assert legal is not None and legal.role == "legal"  # an admission still goes to legal
    assert needs_approval(context(required_role="social_lead")) is None  # a role alone requires nothing


def test_submit_withdraw_and_state_errors() -> None:
    with pytest.raises(InvalidTransition, match="needs no approval: send it instead"):
        submit(started(), by=ANA, at=AT)
    draft = started(GUARANTEE)
    with pytest.raises(NotTheAuthor):
        submit(draft, by=SUE, at=AT)
    pending = submit(draft, by=ANA, at=AT).draft
    with pytest.raises(InvalidTransition, match="it is pending_approval; from there you can approve, reject"):
        revise(pending, CLEAN, by=ANA, at=AT)
    with pytest.raises(NotTheAuthor):
        withdraw(pending, by=SUE, at=AT)
    back = withdraw(pending, by=ANA, at=AT)
    assert (back.event.action, back.draft.state) == ("withdrawn", DraftState.DRAFT)
    sent = send(approve(pending, by=SUE, at=AT).draft, by=SUE, at=AT).draft
    with pytest.raises(InvalidTransition, match=r"it is sent; from there you can nothing \(it is final\)"):
        send(sent, by=SUE, at=AT)
