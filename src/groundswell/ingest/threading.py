"""Which conversation each new post belongs to.

A post's conversation is keyed by its thread root. The platform names the root for some channels
(X conversation_id, Bluesky reply.root, Reddit link_id, e-mail References); elsewhere the root is found
by walking reply links through this batch and the store. A reply whose parent has not arrived yet opens
a conversation keyed by the parent's id; when the parent arrives and turns out to be a reply itself,
that provisional conversation is merged into the parent's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from groundswell.channels.base import PostIn
from groundswell.ingest import repository
from groundswell.ingest.repository import Key

_MAX_DEPTH = 500  # longer reply chains inside one batch are cut (and merged later, when seen)


@dataclass(slots=True)
class _Span:
    added: int
    first: datetime
    last: datetime


def assign_conversations(session: Session, posts: Sequence[PostIn]) -> list[int]:
    """Conversation ids for `posts` (new, deduplicated), creating and merging conversations as needed."""
    in_batch = {(p.channel, p.external_id): p for p in posts}
    parent_keys = {
        (p.channel, p.reply_to_external_id)
        for p in posts
        if p.reply_to_external_id and not p.thread_external_id and (p.channel, p.reply_to_external_id) not in in_batch
    }
    stored_parents = repository.conversation_ids_of_posts(session, parent_keys) if parent_keys else {}

    # Each post resolves either to a stored conversation id or to a root key.
    resolved: list[int | Key] = [_resolve(p, in_batch, stored_parents) for p in posts]
    by_root = _ensure_conversations(session, posts, resolved)
    ids = [r if isinstance(r, int) else by_root[r] for r in resolved]
    merged_into = _merge_provisional(session, posts, ids)
    return [_final(cid, merged_into) for cid in ids]


def _resolve(post: PostIn, in_batch: dict[Key, PostIn], stored: dict[Key, int]) -> int | Key:
    current = post
    for _ in range(_MAX_DEPTH):
        if current.thread_external_id:
            return (current.channel, current.thread_external_id)
        if not current.reply_to_external_id:
            return (current.channel, current.external_id)
        parent_key = (current.channel, current.reply_to_external_id)
        if parent_key in stored:
            return stored[parent_key]
        parent = in_batch.get(parent_key)
        if parent is None or parent is post:
            return parent_key  # presumed root until the parent arrives
        current = parent
    return (current.channel, current.external_id)


def _spans(posts: Sequence[PostIn], targets: Sequence[int | Key]) -> dict[int | Key, _Span]:
    spans: dict[int | Key, _Span] = {}
    for post, target in zip(posts, targets, strict=True):
        span = spans.get(target)
        if span is None:
            spans[target] = _Span(1, post.created_at, post.created_at)
        else:
            span.added += 1
            span.first = min(span.first, post.created_at)
            span.last = max(span.last, post.created_at)
    return spans


def _ensure_conversations(session: Session, posts: Sequence[PostIn], resolved: list[int | Key]) -> dict[Key, int]:
    """Ids of the conversations for every root key, created or updated with this batch's stats in one
    upsert (one UPDATE per conversation would halve the ingest rate: most posts start their own thread)."""
    spans = _spans(posts, resolved)
    root_keys = [key for key in spans if isinstance(key, tuple)]
    repository.upsert_conversations(
        session,
        [
            {
                "channel": key[0],
                "root_external_id": key[1],
                "started_at": spans[key].first,
                "last_post_at": spans[key].last,
                "post_count": spans[key].added,
            }
            for key in root_keys
        ],
    )
    repository.update_conversation_stats(
        session,
        [
            {"cid": target, "added": span.added, "first": span.first, "last": span.last}
            for target, span in spans.items()
            if isinstance(target, int)
        ],
    )
    return repository.conversation_ids_by_root(session, root_keys)


def _merge_provisional(session: Session, posts: Sequence[PostIn], ids: list[int]) -> dict[int, int]:
    """Fold conversations that were opened for a post before it arrived into that post's own.

    Returns what was merged into what, because posts of this batch may point at a merged conversation
    (a reply to a stored post whose thread was still provisional). Stats move with the merge, and they
    already count this batch's posts, so every post is counted once, in its final conversation."""
    non_roots = {
        (p.channel, p.external_id): cid
        for p, cid in zip(posts, ids, strict=True)
        if p.reply_to_external_id or p.thread_external_id
    }
    merged_into: dict[int, int] = {}
    if not non_roots:
        return merged_into
    for key, cid in repository.conversation_ids_by_root(session, non_roots.keys()).items():
        source, target = _final(cid, merged_into), _final(non_roots[key], merged_into)
        if source != target:
            repository.merge_conversation(session, source_id=source, target_id=target)
            merged_into[source] = target
    return merged_into


def _final(conversation_id: int, merged_into: dict[int, int]) -> int:
    while conversation_id in merged_into:
        conversation_id = merged_into[conversation_id]
    return conversation_id
