"""How well a topic set recognises its topics, measured the honest way (never on texts the model was fitted on).

- Examples: k-fold cross-validation over each topic's examples (round-robin folds, so each topic is split
  evenly): every example is scored by a model fitted without it (the description always stays in). A full
  leave-one-out would refit the model once per example (about half a second each on the accurate tier).
- Corrections: the employees' topic corrections (`LabelCorrection`, task "topics"), scored by the model fitted
  on all examples; corrections naming a topic the set does not hold are counted, not scored.

A prediction is every topic whose score reaches the enricher's threshold, as enrichment reports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from groundswell.enrich.datasets import LabelledText
from groundswell.enrich.enrichers.topics import MIN_SCORE, TopicModel
from groundswell.enrich.metrics import multi_label_report
from groundswell.enrich.topics_file import TopicDefinition, TopicsFile

Encode = Callable[[Sequence[str]], np.ndarray]
MAX_FOLDS = 5


def cached_encoder(encode: Encode) -> Encode:
    """Encode each distinct text once across the folds (the encoder is the slow part)."""
    cache: dict[str, np.ndarray] = {}

    def cached(texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            cache.update(zip(missing, encode(missing), strict=True))
        return np.vstack([cache[t] for t in texts])

    return cached


def predict(model: TopicModel, encode: Encode, texts: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """Each text's reported topics (score >= MIN_SCORE, best first) and its single best topic."""
    if not texts:
        return [], []
    vectors = encode(texts)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    scores = model.scores(unit, texts)
    reported = [[model.names[k] for k in np.argsort(-row) if row[k] >= MIN_SCORE] for row in scores]
    return reported, [model.names[int(np.argmax(row))] for row in scores]


def cross_validate_examples(topics: TopicsFile, encode: Encode, *, folds: int = MAX_FOLDS) -> dict[str, Any]:
    """Figures for held-out examples: top-1 accuracy, the multi-label report, and the share given no topic."""
    largest = max(len(t.examples) for t in topics.topics)
    k = min(folds, largest)
    if k < 2:
        return {"n": 0, "folds": 0, "note": "needs a topic with at least two examples"}
    truth: list[str] = []
    reported: list[list[str]] = []
    best: list[str] = []
    for fold in range(k):
        kept, held = _split(topics, fold, k)
        if not held:
            continue
        model = TopicModel(kept, encode)
        fold_reported, fold_best = predict(model, encode, [text for text, _ in held])
        truth += [name for _, name in held]
        reported += fold_reported
        best += fold_best
    names = [t.name for t in topics.topics]
    report = _compact(multi_label_report([[t] for t in truth], reported, names))
    report.update(
        folds=k,
        top1_accuracy=round(float(np.mean([a == b for a, b in zip(truth, best, strict=True)])), 4),
        no_topic_share=round(sum(1 for r in reported if not r) / len(reported), 4),
    )
    return report


def evaluate_corrections(model: TopicModel, encode: Encode, corrections: Sequence[LabelledText]) -> dict[str, Any]:
    """Figures on the employees' corrections whose labels the topic set holds."""
    known = set(model.names)
    scored = [c for c in corrections if set(c.labels) <= known]
    outside = len(corrections) - len(scored)
    if not scored:
        return {"n": 0, "outside_topic_set": outside}
    reported, _ = predict(model, encode, [c.text for c in scored])
    report = _compact(multi_label_report([list(c.labels) for c in scored], reported, model.names))
    report["outside_topic_set"] = outside
    return report


def _split(topics: TopicsFile, fold: int, k: int) -> tuple[TopicsFile, list[tuple[str, str]]]:
    """The topics without fold `fold`'s examples, and the held-out (text, topic) pairs. A topic left with
    neither examples nor a description is dropped from the fitted set: its held-out examples then count
    as misses, as they would in use."""
    kept: list[TopicDefinition] = []
    held: list[tuple[str, str]] = []
    for topic in topics.topics:
        examples = [e for i, e in enumerate(topic.examples) if i % k != fold]
        held += [(e, topic.name) for i, e in enumerate(topic.examples) if i % k == fold]
        if examples or topic.description:
            kept.append(topic.model_copy(update={"examples": tuple(examples)}))
    return TopicsFile.model_construct(topics=tuple(kept)), held


def _compact(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the confusion matrices (kept small: it is stored with every version)."""
    return {key: value for key, value in report.items() if key not in {"confusion", "labels"}}
