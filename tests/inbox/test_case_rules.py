"""The case lifecycle rules, exhaustively and as properties of random walks."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.inbox.rules import allowed_next, is_reopen, transition_problem
from groundswell.inbox.schemas import OPEN_STATUSES, CaseStatus

S = CaseStatus
ALL = list(CaseStatus)
statuses = st.sampled_from(ALL)


def test_the_lifecycle_table() -> None:
    allowed = {(old, new) for old, new in itertools.product(ALL, ALL) if transition_problem(old, new) is None}
    assert allowed == {
        (S.NEW, S.OPEN), (S.NEW, S.WAITING_ON_CUSTOMER), (S.NEW, S.RESOLVED),
        (S.OPEN, S.WAITING_ON_CUSTOMER), (S.OPEN, S.RESOLVED),
        (S.WAITING_ON_CUSTOMER, S.OPEN), (S.WAITING_ON_CUSTOMER, S.RESOLVED),
        (S.RESOLVED, S.CLOSED), (S.RESOLVED, S.OPEN),
        (S.CLOSED, S.OPEN),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (S.OPEN, S.CLOSED, "resolve this open case first"),
        (S.CLOSED, S.RESOLVED, "can only be reopened"),
        (S.OPEN, S.NEW, "no case goes back to new"),
        (S.OPEN, S.OPEN, "already open"),
    ],
)
def test_refusals_say_what_to_do(old: CaseStatus, new: CaseStatus, says: str) -> None:
    assert says in (transition_problem(old, new) or "")


@given(statuses, statuses)
def test_closed_only_from_resolved_unless_merging(old: CaseStatus, new: CaseStatus) -> None:
    if new is S.CLOSED and transition_problem(old, new) is None:
        assert old is S.RESOLVED
    merge_close = transition_problem(old, S.CLOSED, via_merge=True)
    assert (merge_close is None) == (old in OPEN_STATUSES or old is S.RESOLVED)
    if new is not S.CLOSED:
        assert transition_problem(old, new, via_merge=True) is not None


@given(statuses, statuses)
def test_leaving_resolved_or_closed_is_always_a_reopen(old: CaseStatus, new: CaseStatus) -> None:
    if old in {S.RESOLVED, S.CLOSED} and new is not S.CLOSED and transition_problem(old, new) is None:
        assert new is S.OPEN and is_reopen(old, new)
    if is_reopen(old, new):
        assert old in {S.RESOLVED, S.CLOSED}


@given(statuses, statuses)
def test_nothing_returns_to_new_and_merged_cases_are_final(old: CaseStatus, new: CaseStatus) -> None:
    assert transition_problem(old, S.NEW) is not None
    assert transition_problem(old, new, merged=True) is not None
    assert allowed_next(old, merged=True) == frozenset()
    assert (transition_problem(old, new) is None) == (new in allowed_next(old))


@given(st.lists(statuses, max_size=30))
def test_every_walk_of_allowed_steps_resolves_before_it_closes(wanted: list[CaseStatus]) -> None:
    current, history = S.NEW, [S.NEW]
    for new in wanted:
        if transition_problem(current, new) is None:
            current = new
            history.append(new)
    for before, after in itertools.pairwise(history):
        if after is S.CLOSED:
            assert before is S.RESOLVED
        assert before != after
