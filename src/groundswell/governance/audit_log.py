"""The append-only audit log, hash-chained so that tampering is detectable.

Each row's hash is SHA-256 over the previous row's hash and this row's content in canonical JSON. Editing a
row changes its content hash; deleting or inserting a row breaks the link of the row after it; truncating
the tail is caught by comparing against a hash the operator kept (`verify(..., expected_head=...)`).
The first row links to GENESIS. Services append and never update or delete.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from groundswell.models.audit import AuditEntry

GENESIS = "0" * 64
# Any constant: PostgreSQL advisory lock id that serialises appends, so concurrent writers queue up
# instead of failing on the unique prev_hash. SQLite writers are already serialised by BEGIN IMMEDIATE.
_PG_LOCK_ID = 0x67737764_61756474 & 0x7FFFFFFFFFFFFFFF


def _json_value(value: Any) -> Any:
    """The value as it will read back from a JSON column, so the hash of the stored row is reproducible."""
    return None if value is None else orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))


def entry_hash(
    prev_hash: str, *, at: datetime, actor: str, action: str, entity: str, entity_id: str, before: Any, after: Any
) -> str:
    content = {
        "prev": prev_hash,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
    }
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one line to the log (flushed, not committed: it commits or rolls back with the caller's change)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev_hash = last or GENESIS
    when = (at or datetime.now(UTC)).astimezone(UTC)
    before, after = _json_value(before), _json_value(after)
    entry = AuditEntry(
        at=when, actor=actor, action=action, entity=entity, entity_id=str(entity_id),
        before=before, after=after, prev_hash=prev_hash,
        hash=entry_hash(
            prev_hash, at=when, actor=actor, action=action, entity=entity, entity_id=str(entity_id),
            before=before, after=after,
        ),
    )  # fmt: skip
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    rows: int
    head: str  # the hash of the last row (keep it somewhere safe to detect truncation later)
    problems: tuple[str, ...]


def verify(session: Session, *, expected_head: str | None = None, batch: int = 5000) -> Verification:
    """Recompute the chain from the first row. Reports every row whose content or link does not match."""
    problems: list[str] = []
    prev, rows, last_id = GENESIS, 0, 0
    while True:
        chunk = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not chunk:
            break
        for entry in chunk:
            rows += 1
            if entry.prev_hash != prev:
                problems.append(f"row {entry.id}: links to {entry.prev_hash[:12]}…, but the row before hashes to "
                                f"{prev[:12]}… (a row was removed, inserted or edited before it)")  # fmt: skip
            recomputed = entry_hash(
                entry.prev_hash, at=entry.at, actor=entry.actor, action=entry.action, entity=entry.entity,
                entity_id=entry.entity_id, before=entry.before, after=entry.after,
            )  # fmt: skip
            if recomputed != entry.hash:
                problems.append(f"row {entry.id} ({entry.action} on {entry.entity} {entry.entity_id}): its content "
                                "does not match its hash (the row was edited)")  # fmt: skip
            prev, last_id = entry.hash, entry.id
            session.expunge(entry)
    if expected_head is not None and expected_head != prev:
        problems.append(f"the last row hashes to {prev[:12]}…, not the expected {expected_head[:12]}… "
                        "(rows were removed from the end, or the expected head is from another database)")  # fmt: skip
    return Verification(not problems, rows, prev, tuple(problems))
