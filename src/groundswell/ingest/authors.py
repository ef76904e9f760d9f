"""Author upserts with a bounded in-process cache, so a batch only touches authors that are new or
whose profile changed (follower counts move, people rename themselves)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.channels.base import AuthorIn
from groundswell.ingest import repository
from groundswell.ingest.repository import AUTHOR_FIELDS, Key

Profile = tuple[Any, ...]  # the AUTHOR_FIELDS values, in order


def _profile(author: AuthorIn) -> Profile:
    return tuple(getattr(author, name) for name in AUTHOR_FIELDS)


def _merged(old: Profile, new: Profile) -> Profile:
    """The newer profile, keeping what we knew where the newer source says nothing."""
    return tuple(n if n is not None else o for o, n in zip(old, new, strict=True))


class AuthorResolver:
    """Maps (channel, author external id) to the author row id, creating and updating rows.

    The cache may only hold committed rows: the owner must call `forget()` after a rollback.
    """

    def __init__(self, max_cached: int = 200_000) -> None:
        self._cache: dict[Key, tuple[int, Profile]] = {}
        self._max_cached = max_cached

    def forget(self) -> None:
        self._cache.clear()

    def resolve(self, session: Session, authors: dict[Key, AuthorIn], now: datetime) -> dict[Key, int]:
        if len(self._cache) > self._max_cached:  # constant memory on endless streams
            self._cache.clear()
        missing = [key for key in authors if key not in self._cache]
        if missing:
            for key, row in repository.authors_by_key(session, missing).items():
                self._cache[key] = (row.id, tuple(getattr(row, name) for name in AUTHOR_FIELDS))
        self._insert_new(session, authors, now)
        self._update_changed(session, authors, now)
        return {key: self._cache[key][0] for key in authors}

    def _insert_new(self, session: Session, authors: dict[Key, AuthorIn], now: datetime) -> None:
        new_keys = [key for key in authors if key not in self._cache]
        if not new_keys:
            return
        rows: list[dict[str, Any]] = []
        for key in new_keys:
            author = authors[key]
            values = {name: getattr(author, name) for name in AUTHOR_FIELDS}
            values.update(channel=key[0], external_id=key[1], first_seen_at=now, updated_at=now)
            rows.append(values)
        repository.insert_authors(session, rows)
        for key, row in repository.authors_by_key(session, new_keys).items():
            self._cache[key] = (row.id, tuple(getattr(row, name) for name in AUTHOR_FIELDS))

    def _update_changed(self, session: Session, authors: dict[Key, AuthorIn], now: datetime) -> None:
        updates = []
        for key, author in authors.items():
            author_id, known = self._cache[key]
            merged = _merged(known, _profile(author))
            if merged != known:
                updates.append(
                    {
                        "author_id": author_id,
                        **dict(zip(AUTHOR_FIELDS, merged, strict=True)),
                        "updated_at": now,
                    }
                )
                self._cache[key] = (author_id, merged)
        repository.update_authors(session, updates)
