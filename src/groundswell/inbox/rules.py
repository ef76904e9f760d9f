"""Which status changes a case may make. Pure: no database, no clock.

The lifecycle, in full:
- new -> open, waiting_on_customer, resolved  (a case is worked on, or answered and done at once)
- open <-> waiting_on_customer; both -> resolved
- resolved -> closed  (closed is reached only from resolved, or by merging the case into another)
- resolved, closed -> open  (a reopen; the only way out of resolved or closed)
- nothing goes back to new, and a status never "changes" to itself
- a case merged into another is final: it stays closed and points at the survivor

Merging closes a case from any status that is not already final, because the merged case's work continues
in the survivor.
"""

from __future__ import annotations

from groundswell.inbox.schemas import OPEN_STATUSES, CaseStatus

_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.RESOLVED}),
    CaseStatus.OPEN: frozenset({CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.RESOLVED}),
    CaseStatus.WAITING_ON_CUSTOMER: frozenset({CaseStatus.OPEN, CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.OPEN}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}
REOPENABLE = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})


def allowed_next(old: CaseStatus, *, merged: bool = False) -> frozenset[CaseStatus]:
    """The statuses a case in `old` may move to by an ordinary status change."""
    return frozenset() if merged else _ALLOWED[old]


def transition_problem(
    old: CaseStatus, new: CaseStatus, *, merged: bool = False, via_merge: bool = False
) -> str | None:
    """Why the case cannot go from `old` to `new`; None when it can. `merged` says the case was already merged
    into another; `via_merge` asks for the close that a merge makes."""
    if merged:
        return "the case was merged into another and is final; work on the case it was merged into"
    if old == new:
        return f"the case is already {old.value}"
    if via_merge:
        if new is not CaseStatus.CLOSED:
            return "a merge can only close the merged case"
        return None if old in OPEN_STATUSES or old is CaseStatus.RESOLVED else f"a {old.value} case cannot be merged"
    if new in _ALLOWED[old]:
        return None
    if new is CaseStatus.CLOSED:
        return f"a case is closed only once resolved (or by merging it); resolve this {old.value} case first"
    if new is CaseStatus.NEW:
        return "no case goes back to new"
    if old in REOPENABLE:
        return f"a {old.value} case can only be reopened (status open)"
    allowed = ", ".join(sorted(s.value for s in _ALLOWED[old]))
    return f"a {old.value} case can go to {allowed}, not {new.value}"


def is_reopen(old: CaseStatus, new: CaseStatus) -> bool:
    return old in REOPENABLE and new is CaseStatus.OPEN
