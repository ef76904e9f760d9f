"""The lost-and-found desk: a lost-item case records what was lost, where and when, and the search's status;
each status change is told to the customer through the outbox.

The message answers the case's latest customer post on its channel: privately (a direct message) where the
channel can, publicly otherwise, in the customer's language from the `lost_item.<status>` template (the
database's, else the shipped default). Its idempotency key is "lost-item:{case}:{status}", unique because a
status is reached at most once (see `lost_item_rules.TRANSITIONS`). A case the outbox cannot answer (no
customer post, a channel it does not deliver to) still changes status; the event says why nobody was told.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.inbox import repository, templates
from groundswell.inbox.lost_item_rules import LostItemStatus, check_transition, extract, parse_status
from groundswell.inbox.repository import record_event
from groundswell.models import Author, Case, LostItem, OutboxMessage, Team
from groundswell.outbox.rules import check_target
from groundswell.outbox.service import enqueue

SYSTEM = "system"
UNSPECIFIED_ITEM = "item (not stated)"
UNKNOWN_PLACE = "to be confirmed"


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    item: LostItem
    message: OutboxMessage | None  # the status update queued for the customer
    not_sent: str | None  # why the customer was not told, when message is None


def open_lost_item(
    session: Session,
    *,
    case: Case,
    post_text: str,
    places: Sequence[Mapping[str, Any]] = (),
    now: datetime | None = None,
    actor: str = SYSTEM,
) -> LostItem:
    """Record what the post says was lost (status reported). A case has one lost item: calling again
    returns the one recorded."""
    existing = item_of_case(session, case.id)
    if existing is not None:
        return existing
    now = now or datetime.now(UTC)
    facts = extract(post_text, places)
    row = LostItem(
        case_id=case.id, item=facts.item or UNSPECIFIED_ITEM, place=facts.place, latitude=facts.latitude,
        longitude=facts.longitude, lost_on=facts.lost_on, status=LostItemStatus.REPORTED.value, updated_at=now,
    )  # fmt: skip
    session.add(row)
    case.kind = "lost_item"
    session.flush()
    details = {"item": row.item, "kind": facts.kind, "place": row.place, "lost_on": row.lost_on, "flight": facts.flight}
    record_event(
        session, case=case, kind="lost_item_reported", actor=actor, at=now,
        data={**details, "explanation": list(facts.explanation)},
    )  # fmt: skip
    audit_log.append(
        session, actor=actor, action="lost_item.open", entity="case", entity_id=case.id, after=details, at=now
    )
    return row


def update_status(
    session: Session, *, case_id: int, status: str, actor: str, note: str | None = None, now: datetime | None = None
) -> StatusUpdate:
    """Move the search to `status` (reported -> searching -> found -> returned, or not_found), record it,
    and queue the customer's status update."""
    now = now or datetime.now(UTC)
    case = repository.get_case(session, case_id, for_update=True)
    row = item_of_case(session, case_id)
    if row is None:
        raise NotFound(f"case {case_id} has no lost item; `groundswell lost-found list` shows the lost-item cases")
    old = row.status
    new = check_transition(old, status)
    row.status, row.updated_at = new.value, now
    if note is not None and note.strip():
        row.found_note = note.strip()
    session.flush()
    message, why = _notify(session, case=case, item=row, status=new, note=note, actor=actor, now=now)
    record_event(
        session, case=case, kind="lost_item_status", actor=actor, at=now,
        data={"from": old, "to": new.value, "note": note, "outbox_id": message.id if message else None,
              "not_sent": why},
    )  # fmt: skip
    audit_log.append(
        session, actor=actor, action="lost_item.status", entity="case", entity_id=case_id,
        before={"status": old}, after={"status": new.value, "note": note}, at=now,
    )  # fmt: skip
    return StatusUpdate(row, message, why)


def item_of_case(session: Session, case_id: int) -> LostItem | None:
    return session.scalars(select(LostItem).where(LostItem.case_id == case_id)).one_or_none()


def list_items(session: Session, *, status: str | None = None, limit: int = 100) -> list[tuple[LostItem, Case]]:
    """Lost items with their cases, most recently changed first."""
    query = select(LostItem, Case).join(Case, Case.id == LostItem.case_id).order_by(LostItem.updated_at.desc())
    if status is not None:
        query = query.where(LostItem.status == parse_status(status).value)
    return [(item, case) for item, case in session.execute(query.limit(limit))]


def _notify(
    session: Session, *, case: Case, item: LostItem, status: LostItemStatus, note: str | None, actor: str, now: datetime
) -> tuple[OutboxMessage | None, str | None]:
    posts = repository.case_posts(session, case.id)
    if not posts:
        return None, "the case has no customer post to answer"
    post = posts[-1].post
    author = session.get(Author, post.author_id) if post.author_id is not None else None
    recipient = author.handle if author is not None else None
    visibility = _visibility(post.channel, post.external_id, recipient)
    if visibility is None:
        return None, f"the outbox does not deliver to channel {post.channel!r}"
    team = session.get(Team, case.team_id) if case.team_id is not None else None
    variables = {
        "customer_name": (author.display_name or author.handle) if author is not None else "there",
        "case_number": str(case.id),
        "item": item.item,
        "location": item.place or (team.place if team is not None else None) or UNKNOWN_PLACE,
        "note": (note or "").strip(),
        "status": status.value.replace("_", " "),
    }
    language = _language(session, post.id, post.language)
    text = templates.render(session, name=f"lost_item.{status.value}", language=language, variables=variables)
    message = enqueue(
        session, idempotency_key=f"lost-item:{case.id}:{status.value}", channel=post.channel, text=text,
        visibility=visibility, in_reply_to=post.external_id, recipient=recipient, case_id=case.id,
        extra={"template": f"lost_item.{status.value}", "language": language}, actor=actor, now=now,
    )  # fmt: skip
    return message, None


def _visibility(channel: str, in_reply_to: str | None, recipient: str | None) -> str | None:
    """Private where the channel takes a direct message to this customer, else public; None if neither."""
    for visibility in ("private", "public"):
        try:
            check_target(channel, visibility, in_reply_to, recipient)
        except InvalidInput:
            continue
        return visibility
    return None


def _language(session: Session, post_id: int, stored: str | None) -> str:
    """The post's language (as ingested, else as enriched), or English when unknown or unreadable."""
    candidate = stored or repository.post_enrichments(session, [post_id]).get(post_id, {}).get("language")
    if isinstance(candidate, str):
        try:
            return templates.normalise_language(candidate)
        except InvalidInput:
            pass
    return templates.DEFAULT_LANGUAGE
