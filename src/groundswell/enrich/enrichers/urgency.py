"""How urgently each post needs an answer, with the signals that say why (see `urgency_rules`)."""

from __future__ import annotations

from typing import Any

from groundswell.enrich.base import Batch
from groundswell.enrich.urgency_rules import UrgencyInput, assess


class UrgencyEnricher:
    name = "urgency"
    version = "1.0"
    requires: tuple[str, ...] = ("sentiment", "emotion", "intent", "offensive")
    uses_encoder = False

    def __init__(self, resources: Any = None) -> None:
        pass

    def enrich(self, batch: Batch) -> list[dict[str, Any]]:
        count = len(batch.posts)
        sentiment = _results(batch, "sentiment", count)
        emotion = _results(batch, "emotion", count)
        intent = _results(batch, "intent", count)
        # Offensive is optional: a pipeline run with `only=` may leave it out.
        offensive = _results(batch, "offensive", count)
        return [
            assess(
                UrgencyInput(
                    text=post.text,
                    reach=max(post.reach or 0, 0),
                    sentiment=sentiment[i],
                    emotion=emotion[i],
                    intents=tuple(intent[i] or ()),
                    offensive=offensive[i],
                )
            )
            for i, post in enumerate(batch.posts)
        ]


def _results(batch: Batch, name: str, count: int) -> list[Any]:
    found = batch.results.get(name)
    return list(found) if found is not None else [None] * count
