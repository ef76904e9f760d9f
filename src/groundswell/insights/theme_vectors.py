"""Sentence vectors for finding themes: the fast tier's static vectors, whatever a post's stored embedding is.

The accurate tier's encoder is fine-tuned for sentiment, so its vectors group posts by mood more than by subject
(on the airline data a planted topic merged with unrelated happy posts: precision 0.13), while the fast tier's
static vectors keep subjects apart. Everything that calls `find_themes` on stored posts embeds through here, so
themes are always found in the same space, and its thresholds hold."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from groundswell.enrich.pipeline import Pipeline


@lru_cache(maxsize=1)
def _pipeline() -> Pipeline:
    from groundswell.enrich.pipeline import Pipeline, PipelineSpec

    return Pipeline(PipelineSpec(tier="fast", only=("embedding",)))


def theme_vectors(texts: Sequence[str]) -> list[list[float]]:
    from groundswell.enrich.base import PostInput

    return [out["embedding"] for out in _pipeline().run([PostInput(text=text) for text in texts])]
