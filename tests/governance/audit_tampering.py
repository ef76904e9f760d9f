"""Ways to tamper with the stored audit log, as someone with write access to the database would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from groundswell.governance.audit_log import GENESIS, entry_hash
from groundswell.models import AuditEntry


def ids(session: Session) -> list[int]:
    return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def edit(session: Session, row_id: int, column: str, value: Any, *, rehash: bool = False) -> None:
    """Change one column; with `rehash`, also recompute that row's own hash so it looks consistent."""
    session.execute(update(AuditEntry).where(AuditEntry.id == row_id).values({column: value}))
    if rehash:
        entry = session.get_one(AuditEntry, row_id)
        session.refresh(entry)
        entry.hash = _hash_of(entry, entry.prev_hash)
    session.flush()


def changed_value(entry: AuditEntry, column: str) -> Any:
    """A value for `column` that differs from the stored one."""
    current = getattr(entry, column)
    if column == "at":
        return current + timedelta(seconds=1)
    if column in {"before", "after"}:
        return {"tampered": True} if current != {"tampered": True} else {"tampered": False}
    return current + "x"


def remove(session: Session, row_id: int) -> None:
    session.execute(delete(AuditEntry).where(AuditEntry.id == row_id))
    session.flush()


def truncate(session: Session, keep: int) -> None:
    """Delete every row after the first `keep`."""
    kept = ids(session)[:keep]
    session.execute(delete(AuditEntry).where(AuditEntry.id > (kept[-1] if kept else 0)))
    session.flush()


def insert_after(session: Session, position: int) -> None:
    """Insert a forged row after the `position`-th row (0: before the first), hashed from its predecessor
    as carefully as a forger could, with the row after it relinked to it. Later rows move up one id."""
    existing = ids(session)
    prev_id = existing[position - 1] if position else None
    prev_hash = (
        session.scalar(select(AuditEntry.hash).where(AuditEntry.id == prev_id)) if prev_id else None
    ) or GENESIS
    new_id = (prev_id or 0) + 1
    if any(i >= new_id for i in existing):
        # Two steps, so that no intermediate state has two rows with the same id.
        top = session.scalar(select(func.max(AuditEntry.id))) or 0
        session.execute(update(AuditEntry).where(AuditEntry.id >= new_id).values(id=AuditEntry.id + top + 10))
        session.execute(update(AuditEntry).where(AuditEntry.id > top).values(id=AuditEntry.id - top - 9))
    at = session.scalar(select(func.min(AuditEntry.at))) or datetime(2026, 1, 1, tzinfo=UTC)
    forged = AuditEntry(
        id=new_id, at=at, actor="mallory", action="reply.approve", entity="reply", entity_id="1",
        before=None, after={"state": "approved"}, prev_hash=prev_hash, hash="",
    )  # fmt: skip
    forged.hash = _hash_of(forged, prev_hash)
    # prev_hash is unique, so the row that followed the predecessor must let go of the link first.
    session.execute(update(AuditEntry).where(AuditEntry.prev_hash == prev_hash).values(prev_hash=forged.hash))
    session.add(forged)
    session.flush()


def rehash_from(session: Session, row_id: int) -> None:
    """Recompute every link and hash from `row_id` to the end: the most a forger can do. Only a head hash
    kept outside the database reveals it."""
    rows = list(session.scalars(select(AuditEntry).where(AuditEntry.id >= row_id).order_by(AuditEntry.id)))
    prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.id < row_id).order_by(AuditEntry.id.desc()))
    updates = []
    link = prev or GENESIS
    for entry in rows:
        updates.append((entry.id, link, _hash_of(entry, link)))
        link = updates[-1][2]
    # Unique columns: park every touched row on placeholder values first.
    for row, _, _ in updates:
        session.execute(
            update(AuditEntry).where(AuditEntry.id == row).values(prev_hash=f"p{row:063d}", hash=f"h{row:063d}")
        )
    for row, new_prev, new_hash in updates:
        session.execute(update(AuditEntry).where(AuditEntry.id == row).values(prev_hash=new_prev, hash=new_hash))
    session.flush()


def _hash_of(entry: AuditEntry, prev_hash: str) -> str:
    return entry_hash(
        prev_hash, at=entry.at, actor=entry.actor, action=entry.action, entity=entry.entity,
        entity_id=entry.entity_id, before=entry.before, after=entry.after,
    )  # fmt: skip
