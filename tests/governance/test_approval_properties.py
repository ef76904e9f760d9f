"""Random sequences of actions by random people never send a draft that needs approval without an
approval by someone other than its author, and never send a blocked draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groundswell.errors import GroundswellError
from groundswell.governance.approval import (
    ALLOWED_ACTIONS,
    approve,
    edit_and_approve,
    reject,
    requirement_for,
    revise,
    send,
    start_draft,
    submit,
    withdraw,
)
from groundswell.governance.policy import blocking, check_draft
from groundswell.governance.schemas import (
    Actor,
    AuditEvent,
    DraftContext,
    DraftState,
    PolicyContext,
    ReplyDraft,
    Transition,
)

PEOPLE = [
    Actor(name="ana", roles=frozenset({"agent"})),
    Actor(name="ana", roles=frozenset({"supervisor", "legal"})),  # the author, also holding approver roles
    Actor(name="tom", roles=frozenset({"trainee"})),
    Actor(name="sue", roles=frozenset({"supervisor"})),
    Actor(name="leo", roles=frozenset({"legal"})),
    Actor(name="kim"),  # sometimes the named approver
]
TEXTS = [
    "Sorry about the delay, we're on it.",
    "We guarantee a full refund.",
    "It was our fault, we will compensate you.",
    "Your card 4111 1111 1111 1111 was charged twice.",
    "This is shit, sorry.",
    "Mail me at jane@example.com",
    "We cannot guarantee anything.",
]
START = datetime(2026, 3, 1, tzinfo=UTC)

contexts = st.builds(
    DraftContext,
    author=st.just("ana"),
    author_roles=st.sampled_from([frozenset(), frozenset({"trainee"})]),
    customer_followers=st.none() | st.integers(0, 50_000),
    customer_tier=st.sampled_from([None, "regular", "influencer"]),
    urgency=st.none() | st.floats(0, 1),
    policy=st.builds(
        PolicyContext,
        customer_sentiment=st.sampled_from([None, "negative", "positive"]),
        # A paid advocate's drafts here carry no disclosure, so they would all be blocked: rarely, then.
        author_is_paid_advocate=st.sampled_from([False] * 9 + [True]),
    ),
    named_approver=st.sampled_from([None, "kim", "ana"]),
    required_approval=st.sampled_from([None, "a routing rule requires approval"]),
    required_role=st.sampled_from([None, "supervisor", "legal"]),
)
ALL_ACTIONS = ["revise", "submit", "withdraw", "approve", "reject", "edit_and_approve", "send"]


def next_action(data: st.DataObject, draft: ReplyDraft) -> tuple[str, Actor, str, str]:
    """Mostly an action the state allows (so that runs get far), sometimes any action at all."""
    allowed = list(ALLOWED_ACTIONS[draft.state])
    choices = allowed if allowed and data.draw(st.integers(0, 3)) > 0 else ALL_ACTIONS
    action = data.draw(st.sampled_from(choices))
    return (
        action,
        data.draw(st.sampled_from(PEOPLE)),
        data.draw(st.sampled_from(TEXTS)),
        data.draw(st.sampled_from(["", "Please rephrase."])),
    )


def act(draft: ReplyDraft, action: str, by: Actor, text: str, reason: str, at: datetime) -> Transition:
    moves: dict[str, Callable[[], Transition]] = {
        "revise": lambda: revise(draft, text, by=by, at=at),
        "submit": lambda: submit(draft, by=by, at=at),
        "withdraw": lambda: withdraw(draft, by=by, at=at),
        "approve": lambda: approve(draft, by=by, at=at),
        "reject": lambda: reject(draft, reason, by=by, at=at),
        "edit_and_approve": lambda: edit_and_approve(draft, text, by=by, at=at),
        "send": lambda: send(draft, by=by, at=at),
    }
    return moves[action]()


@given(context=contexts, first_text=st.sampled_from(TEXTS), length=st.integers(1, 30), data=st.data())
def test_nothing_that_needs_approval_is_sent_without_someone_else_approving_it(
    context: DraftContext, first_text: str, length: int, data: st.DataObject
) -> None:
    transition = start_draft("d1", first_text, context, at=START)
    draft, log = transition.draft, [transition.event]
    for n in range(1, length + 1):
        action, by, text, reason = next_action(data, draft)
        try:
            transition = act(draft, action, by, text, reason, START + timedelta(minutes=n))
        except GroundswellError:
            continue  # a refused action changes nothing
        assert transition.event.state_before is draft.state
        draft = transition.draft
        log.append(transition.event)
    assert_log_is_safe(log, context)


def assert_log_is_safe(log: list[AuditEvent], context: DraftContext) -> None:
    """Replays the audit log independently of the state machine."""
    approved_by_someone_else = False
    for before, event in zip([None, *log], log, strict=False):
        assert event.state_before == (before.state_after if before else None)  # the log is one unbroken chain
        if event.action in {"created", "revised", "withdrawn", "rejected"}:
            approved_by_someone_else = False
        if event.action in {"approved", "edited_and_approved"}:
            assert event.actor != context.author
            approved_by_someone_else = True
        if event.action == "sent":
            findings = tuple(check_draft(event.text_after, context.policy))
            assert not blocking(findings)
            needed = requirement_for(context.model_copy(update={"findings": findings}))
            assert needed is None or approved_by_someone_else
            assert event is log[-1] and event.state_after is DraftState.SENT  # nothing happens after sending
