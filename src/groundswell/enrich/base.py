"""The enricher contract.

An enricher is pure: given a batch of posts (and what earlier enrichers said of them) it returns one
JSON-ready value per post, and nothing else changes. Its `name` and `version` are stored with every
result, so re-running skips what is current and a new model version re-enriches. Heavy libraries are
imported when an enricher is built, never at module import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class PostInput:
    """What enrichers may read of a post: its text and the little context that changes a judgement."""

    text: str
    author_location: str | None = None
    # Audience size: author followers plus the post's own reposts and likes, when the channel says.
    reach: int = 0
    created_at: datetime | None = None
    channel: str | None = None


class TextEncoder(Protocol):
    """Turns texts into vectors. `pooled` feeds the task heads; `embed` is unit-length for similarity."""

    model_id: str
    dimension: int

    def pooled(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass
class Batch:
    """One batch passing through the pipeline. The encoder runs once per batch, however many enrichers
    read its vectors; `results` gathers each enricher's output by name as the pipeline goes."""

    posts: Sequence[PostInput]
    encoder: TextEncoder | None = None
    results: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def texts(self) -> list[str]:
        return [post.text for post in self.posts]

    @cached_property
    def pooled(self) -> np.ndarray:
        if self.encoder is None:
            raise RuntimeError("this pipeline has no encoder")
        vectors: np.ndarray = self.encoder.pooled(self.texts)
        return vectors

    @cached_property
    def embeddings(self) -> np.ndarray:
        vectors = self.pooled
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: np.ndarray = vectors / np.maximum(norms, 1e-12)
        return unit


class Enricher(Protocol):
    name: str
    version: str
    # Names of enrichers whose results this one reads from `batch.results`; the pipeline runs them first.
    requires: tuple[str, ...]

    def enrich(self, batch: Batch) -> list[Any]: ...
