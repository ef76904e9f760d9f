"""Merging two cases of one customer into one, and splitting posts off into a case of their own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput
from groundswell.governance import audit_log
from groundswell.inbox import repository, sla_service
from groundswell.inbox.assignment import assign_case
from groundswell.inbox.case_routing import SUBJECT_CHARS, sla_of
from groundswell.inbox.repository import record_event
from groundswell.inbox.schemas import OPEN_STATUSES, CaseStatus, EventKind
from groundswell.inbox.status import apply_status
from groundswell.models import Case

_OPEN = {s.value for s in OPEN_STATUSES}


def merge(session: Session, *, case_id: int, into_id: int, actor: str, now: datetime | None = None) -> Case:
    """Merge case `case_id` into `into_id` (the survivor): its posts move over, the survivor takes the union
    of the tags and the more urgent priority, and the merged case is closed pointing at the survivor."""
    now = now or datetime.now(UTC)
    if case_id == into_id:
        raise InvalidInput("a case cannot be merged into itself")
    source = repository.get_case(session, case_id, for_update=True)
    target = repository.get_case(session, into_id, for_update=True)
    if target.merged_into_id is not None:
        raise Conflict(f"case {target.id} was itself merged into case {target.merged_into_id}; merge into that one")
    if source.customer_id is None or source.customer_id != target.customer_id:
        raise Conflict(
            f"cases {source.id} and {target.id} are not from the same customer; only one customer's cases merge"
        )
    if target.status not in _OPEN:
        raise Conflict(f"case {target.id} is {target.status}; reopen it before merging another case into it")
    apply_status(session, case=source, new=CaseStatus.CLOSED, actor=actor, at=now, via_merge=True,
                 data={"merged_into": target.id})  # fmt: skip
    source.merged_into_id = target.id
    moved = repository.move_posts(session, from_case=source.id, to_case=target.id)
    before = {"tags": list(target.tags or []), "priority": target.priority}
    target.tags = list(dict.fromkeys([*(target.tags or []), *(source.tags or [])]))
    target.priority = min(target.priority, source.priority)  # p1 sorts first and is the most urgent
    target.requires_approval = target.requires_approval or source.requires_approval
    target.approver_role = target.approver_role or source.approver_role
    latest = [t for t in (target.last_customer_post_at, source.last_customer_post_at) if t is not None]
    target.last_customer_post_at = max(latest) if latest else None
    after = {"tags": target.tags, "priority": target.priority}
    record_event(session, case=source, kind=EventKind.MERGED, actor=actor, data={"into": target.id, "posts": moved},
                 at=now)  # fmt: skip
    record_event(session, case=target, kind=EventKind.MERGED_FROM, actor=actor,
                 data={"case": source.id, "posts": moved, "before": before, "after": after}, at=now)  # fmt: skip
    audit_log.append(session, actor=actor, action="case.merge", entity="case", entity_id=source.id,
                     before={"status": "closed", "merged_into": None},
                     after={"merged_into": target.id, "posts_moved": moved, "survivor": after}, at=now)  # fmt: skip
    return target


def split(session: Session, *, case_id: int, post_ids: Sequence[int], actor: str, now: datetime | None = None) -> Case:
    """Move the chosen posts of a case into a new case of the same customer, routed to the same team with the
    same priority, tags and SLA policy, and give it an owner (or queue it)."""
    now = now or datetime.now(UTC)
    wanted = sorted(set(post_ids))
    if not wanted:
        raise InvalidInput("choose the posts to split off (--posts ID ...)")
    case = repository.get_case(session, case_id, for_update=True)
    if case.merged_into_id is not None:
        raise Conflict(f"case {case.id} was merged into case {case.merged_into_id}; split that one")
    rows = repository.case_posts(session, case.id)
    ours = {row.post.id: row for row in rows}
    missing = [p for p in wanted if p not in ours]
    if missing:
        raise InvalidInput(f"post(s) {', '.join(map(str, missing))} are not in case {case.id} "
                           f"(its posts: {', '.join(map(str, sorted(ours)))})")  # fmt: skip
    if len(wanted) == len(ours):
        raise InvalidInput(f"splitting off every post would leave case {case.id} empty; leave at least one")
    moving = [ours[p] for p in wanted]
    new = _copy_case(case, [row.post.created_at for row in moving], now, subject=moving[0].post.text[:SUBJECT_CHARS])
    session.add(new)
    session.flush()
    for row in moving:
        row.link.case_id = new.id
    staying = [row.post.created_at for row in rows if row.post.id not in set(wanted)]
    case.last_customer_post_at = max(staying)
    record_event(session, case=case, kind=EventKind.SPLIT, actor=actor, data={"to": new.id, "posts": wanted}, at=now)
    record_event(session, case=new, kind=EventKind.SPLIT_FROM, actor=actor, data={"case": case.id, "posts": wanted},
                 at=now)  # fmt: skip
    audit_log.append(session, actor=actor, action="case.split", entity="case", entity_id=case.id,
                     after={"new_case": new.id, "posts": wanted}, at=now)  # fmt: skip
    sla = sla_of(new.routing)
    if sla is not None:
        policy, calendar = sla
        sla_service.start_clocks(session, case=new, policy=policy, calendar=calendar, now=new.opened_at)
    assign_case(session, case=new, now=now, actor=actor, why=f"split from case {case.id}")
    return new


def _copy_case(case: Case, times: list[datetime], now: datetime, *, subject: str) -> Case:
    return Case(
        kind=case.kind, status=CaseStatus.NEW.value, priority=case.priority, channel=case.channel, brand=case.brand,
        subject=subject, customer_id=case.customer_id, team_id=case.team_id, tags=list(case.tags or []),
        sla_policy=case.sla_policy, requires_approval=case.requires_approval, approver_role=case.approver_role,
        routing=dict(case.routing or {}) | {"split_from": case.id}, opened_at=min(min(times), now),
        last_customer_post_at=max(times), updated_at=now,
    )  # fmt: skip
