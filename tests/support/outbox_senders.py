"""A scriptable in-memory channel for outbox tests that are about the worker, not about a channel.

`MemoryChannel` keeps what was "posted" like a remote service would, so `find_sent` answers from it; a
script of failures per idempotency key makes attempts fail, and `crash_after_post` makes the worker die
right after the remote accepted a post (the moment exactly-once delivery has to survive).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from groundswell.outbox.senders import OutgoingMessage, Receipt


class SimulatedCrash(BaseException):
    """The process dies here (BaseException: no `except Exception` in the worker catches it)."""


@dataclass
class MemoryChannel:
    channel: str = "x"
    posted: dict[str, Receipt] = field(default_factory=dict)  # idempotency key -> receipt, as the remote keeps it
    posts: Counter[str] = field(default_factory=Counter)  # idempotency key -> how many times it was posted
    failures: dict[str, list[Exception]] = field(default_factory=dict)  # raised in order, one per attempt
    crash_after_post: set[str] = field(default_factory=set)
    lookups: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, key: str, errors: Iterable[Exception]) -> None:
        self.failures.setdefault(key, []).extend(errors)

    def send(self, message: OutgoingMessage) -> Receipt:
        key = message.idempotency_key
        with self._lock:
            pending = self.failures.get(key)
            if pending:
                raise pending.pop(0)
            self.posts[key] += 1
            receipt = Receipt(external_id=f"{self.channel}-{len(self.posted) + 1}", url=f"https://example.test/{key}")
            self.posted[key] = receipt
        if key in self.crash_after_post:
            self.crash_after_post.discard(key)
            raise SimulatedCrash(f"crashed after posting {key}")
        return receipt

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        with self._lock:
            self.lookups.append(message.idempotency_key)
            return self.posted.get(message.idempotency_key)
