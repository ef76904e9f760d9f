"""Several changes to one case in one request (the API's PATCH): status, priority, tags and a note, each
through the inbox service that owns it, so each writes its own timeline event and audit line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.inbox import repository, service
from groundswell.inbox.schemas import CaseView
from groundswell.inbox.views import get_case


def update_case(
    session: Session,
    *,
    case_id: int,
    actor: str,
    status: str | None = None,
    priority: str | None = None,
    tags: Sequence[str] | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> CaseView:
    """Apply the given changes (None leaves a field alone; `tags` replaces the whole list, [] clears it) and
    return the case as it is now. Priority and tags go first, so a case being resolved keeps them."""
    now = now or datetime.now(UTC)
    if status is None and priority is None and tags is None and note is None:
        raise InvalidInput("nothing to change: give status, priority, tags or note")
    case = repository.get_case(session, case_id, for_update=True)
    if priority is not None:
        service.set_priority(session, case_id=case.id, priority=priority, actor=actor, now=now)
    if tags is not None:
        current = list(case.tags or [])
        wanted = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
        gone = [t for t in current if t not in wanted]
        added = [t for t in wanted if t not in current]
        if gone:
            service.remove_tags(session, case_id=case.id, tags=gone, actor=actor, now=now)
        if added:
            service.add_tags(session, case_id=case.id, tags=added, actor=actor, now=now)
    if note is not None:
        service.add_note(session, case_id=case.id, text=note, actor=actor, now=now)
    if status is not None and status != case.status:
        service.change_status(session, case_id=case.id, status=status, actor=actor, now=now)
    return get_case(session, case_id=case.id)
