"""The pipeline: builds the enrichers a `PipelineSpec` names, orders them by what they read, and runs
them over batches of posts. The spec is small and picklable, so a Ray worker can rebuild the same
pipeline (models loaded once per worker) from it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

from groundswell.enrich.base import Batch, Enricher, PostInput, TextEncoder
from groundswell.errors import InvalidInput

Tier = Literal["fast", "accurate"]
# The order results appear in, and the default set. Topics runs only when topics are given (file or stored).
ENRICHER_NAMES = (
    "language",
    "sentiment",
    "emotion",
    "offensive",
    "intent",
    "topics",
    "urgency",
    "locations",
    "embedding",
)


@dataclass(frozen=True)
class PipelineSpec:
    tier: Tier = "accurate"
    topics_path: str | None = None
    # The topics as JSON (`{"topics": [...]}`), e.g. the database's active topic set; used when no file is given.
    topics_json: str | None = None
    # A subset of enricher names; None means every default enricher.
    only: tuple[str, ...] | None = None
    # A folder of model artifacts to use instead of the bundled ones (same layout).
    models_dir: str | None = None
    # (task, local Hugging Face model folder) pairs that replace a bundled classifier.
    model_overrides: tuple[tuple[str, str], ...] = ()
    batch_size: int = 64

    def names(self) -> tuple[str, ...]:
        wanted = (
            self.only if self.only is not None else tuple(n for n in ENRICHER_NAMES if n != "topics" or self.has_topics)
        )
        unknown = sorted(set(wanted) - set(available_enrichers()))
        if unknown:
            raise InvalidInput(
                f"unknown enricher(s) {', '.join(unknown)}; choose from {', '.join(sorted(available_enrichers()))}"
            )
        if "topics" in wanted and not self.has_topics:
            raise InvalidInput("the topics enricher needs a topics file (--topics TOPICS.yaml)")
        return tuple(wanted)

    @property
    def has_topics(self) -> bool:
        return bool(self.topics_path or self.topics_json)


@dataclass
class Resources:
    """What enrichers share in one process: the spec and the tier's models, each loaded on first use."""

    spec: PipelineSpec
    _cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def models(self) -> Any:
        from groundswell.enrich.models import ModelBundle

        return ModelBundle.open(Path(self.spec.models_dir) if self.spec.models_dir else None)

    @cached_property
    def encoder(self) -> TextEncoder:
        encoder: TextEncoder = self.models.encoder(self.spec.tier)
        return encoder

    def override_for(self, task: str) -> str | None:
        return dict(self.spec.model_overrides).get(task)


class Pipeline:
    def __init__(self, spec: PipelineSpec) -> None:
        self.spec = spec
        self.resources = Resources(spec)
        registry = available_enrichers()
        built: dict[str, Enricher] = {}
        for name in _with_requirements(spec.names(), registry):
            built[name] = registry[name].load()(self.resources)
        self.enrichers = _ordered(built)
        self.output_names = [n for n in spec.names()]

    @property
    def versions(self) -> dict[str, str]:
        """Each enricher's version; one that reads others' results carries theirs too, so retraining
        sentiment also re-runs urgency."""
        versions: dict[str, str] = {}
        for enricher in self.enrichers:  # dependencies come first
            inputs = "|".join(versions[name] for name in sorted(enricher.requires))
            suffix = f"+in:{hashlib.sha256(inputs.encode()).hexdigest()[:8]}" if inputs else ""
            versions[enricher.name] = enricher.version + suffix
        return versions

    def run(self, posts: Sequence[PostInput]) -> list[dict[str, Any]]:
        """Each post's results by enricher name, in input order, for the enrichers the spec asked for."""
        from threadpoolctl import threadpool_limits

        # The matrices here are small: BLAS threads only fight onnxruntime and Python for the cores
        # (measured: the fast tier runs 3x faster with one BLAS thread on 2 cores).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._run(posts)

    def _run(self, posts: Sequence[PostInput]) -> list[dict[str, Any]]:
        outputs: list[dict[str, Any]] = [{} for _ in posts]
        size = self.spec.batch_size
        for start in range(0, len(posts), size):
            chunk = posts[start : start + size]
            batch = self._run_batch(chunk)
            for offset in range(len(chunk)):
                outputs[start + offset] = {name: batch.results[name][offset] for name in self.output_names}
        return outputs

    def _run_batch(self, posts: Sequence[PostInput]) -> Batch:
        needs_encoder = any(getattr(e, "uses_encoder", False) for e in self.enrichers)
        batch = Batch(posts=posts, encoder=self.resources.encoder if needs_encoder else None)
        for enricher in self.enrichers:
            batch.results[enricher.name] = enricher.enrich(batch)
        return batch


def available_enrichers() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group="groundswell.enrichers")}


def _with_requirements(names: Sequence[str], registry: dict[str, Any]) -> list[str]:
    """The requested enrichers plus those they read from, transitively (requirements found by loading)."""
    wanted: list[str] = []
    pending = list(names)
    while pending:
        name = pending.pop(0)
        if name in wanted:
            continue
        wanted.append(name)
        pending.extend(getattr(registry[name].load(), "requires", ()))
    return wanted


def _ordered(built: dict[str, Enricher]) -> list[Enricher]:
    """Dependencies first (a topological order, stable in ENRICHER_NAMES order)."""
    done: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in trail:
            raise RuntimeError(f"enrichers depend on each other in a cycle: {' -> '.join((*trail, name))}")
        for requirement in built[name].requires:
            visit(requirement, (*trail, name))
        done.append(name)

    for name in sorted(built, key=lambda n: ENRICHER_NAMES.index(n) if n in ENRICHER_NAMES else 99):
        visit(name, ())
    return [built[name] for name in done]
