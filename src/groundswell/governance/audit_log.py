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
_INT64 = 2**63


def _json_value(value: Any) -> Any:
    """The value as it will read back from a JSON column, so the hash of the stored row is reproducible."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        # SQLite gives a JSON column numeric affinity: a bare number comes back as a number, not as JSON
        # text, and the row could no longer be read (nor the chain verified). Wrap it: {"count": 3}.
        raise TypeError(f"audit before/after must be a JSON object, list, string or null, not the number {value!r}")
    if value is None:
        return None
    return _whole_floats_as_ints(orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)))


def _whole_floats_as_ints(value: Any) -> Any:
    """PostgreSQL's JSONB keeps a number as its decimal digits: 1e16 reads back as the int 10000000000000000
    and 5.039464136900505e16 as 50394641369005050, not the float's exact value. Storing whole-valued floats
    as the ints they equal makes what is read back equal what was hashed."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _INT64:
        return int(value)
    if isinstance(value, list):
        return [_whole_floats_as_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: _whole_floats_as_ints(item) for key, item in value.items()}
    return value


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
        "before": _canonical_numbers(before),
        "after": _canonical_numbers(after),
    }
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _canonical_numbers(value: Any) -> Any:
    """Numbers as both databases read them back. `_json_value` stored whole-valued floats as ints, but beyond
    64 bits that cannot be done (nor can orjson write such an int) and PostgreSQL's JSONB may give a float
    back as an int or the reverse: there, every number counts as a float."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if abs(value) >= _INT64:
            return float(value)
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, list):
        return [_canonical_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: _canonical_numbers(item) for key, item in value.items()}
    return value


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


def list_entries(
    session: Session,
    *,
    entity: str | None = None,
    entity_id: str | int | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """The newest entries first, filtered by what was acted on, by whom, or how (an action or its prefix
    such as "reply." matches every reply action)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if action is not None:
        query = query.where(
            AuditEntry.action.startswith(action, autoescape=True)
            if action.endswith(".")
            else AuditEntry.action == action
        )
    return list(session.scalars(query))


def entry_dict(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }
