"""The offensive-language score of a draft, from the bundled classifier (the `offensive` enricher).

The model is loaded on first use and kept for the life of the process; callers (tests, a web request
handler with its own model) may pass any function from text to a probability instead."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

OffensiveScorer = Callable[[str], float]


def bundled_offensive_scorer(models_dir: Path | None = None) -> OffensiveScorer:
    """A scorer over the bundled models (or the same layout in `models_dir`); built once per process."""
    return _scorer(str(models_dir) if models_dir else None)


@lru_cache(maxsize=4)
def _scorer(models_dir: str | None) -> OffensiveScorer:
    from groundswell.enrich.base import PostInput
    from groundswell.enrich.pipeline import Pipeline, PipelineSpec

    pipeline = Pipeline(PipelineSpec(only=("offensive",), models_dir=models_dir))

    def score(text: str) -> float:
        result = pipeline.run([PostInput(text=text)])[0]["offensive"]
        return float(result["scores"].get("offensive", 0.0))

    return score
