"""Sentence vectors for search, clustering and novelty detection: the tier encoder's unit-length vector."""

from __future__ import annotations

import numpy as np

from groundswell.enrich.base import Batch
from groundswell.enrich.pipeline import Resources


class EmbeddingEnricher:
    name = "embedding"
    requires: tuple[str, ...] = ()
    uses_encoder = True

    def __init__(self, resources: Resources) -> None:
        self.version = f"1+{resources.models.version(resources.spec.tier)}"

    def enrich(self, batch: Batch) -> list[list[float]]:
        # Four decimals keep cosine similarities exact to about 1e-4 at a third of the text size.
        rounded: list[list[float]] = np.round(batch.embeddings, 4).tolist()
        return rounded
