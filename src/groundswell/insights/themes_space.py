"""The space new themes are found in: each recent post's unit sentence vector beside a vector of the key phrases
that are new in the recent window (weighted by how much more often they occur there than in the baseline), so
two posts are close when they mean the same and share the window's new words. Pure."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from groundswell.alerts.phrases import log_odds_z, phrases
from groundswell.insights.catalogue import stem


def stemmed_phrases(text: str) -> frozenset[str]:
    """The post's 1- and 2-grams (alerts.phrases) with each word stemmed, so `texted`, `texting` and `texts` count
    as one phrase."""
    return frozenset(" ".join(stem(w) for w in p.split(" ")) for p in phrases(text))


def novel_phrase_weights(
    recent: Sequence[frozenset[str]], baseline: Counter[str], baseline_docs: int, *, min_count: int, min_z: float
) -> dict[str, float]:
    """Phrases over-represented in the recent window (log-odds z at least min_z, in min_count posts or more), each
    weighted by the log of its recent rate over its baseline rate (half a post added to both): a phrase common
    before (`denver`, `free`) weighs little even when it is frequent now."""
    counts = Counter(p for post in recent for p in post)
    weights: dict[str, float] = {}
    for phrase, n in counts.items():
        if n < min_count:
            continue
        before = baseline.get(phrase, 0)
        if log_odds_z(n, len(recent), before, baseline_docs) < min_z:
            continue
        ratio = ((n + 0.5) / len(recent)) / ((before + 0.5) / max(baseline_docs, 1))
        if ratio > 1.0:
            weights[phrase] = math.log(ratio)
    return weights


def phrase_matrix(posts: Sequence[frozenset[str]], weights: dict[str, float]) -> np.ndarray:
    """Rows of unit length (or zero) over the weighted phrases."""
    vocabulary = {p: i for i, p in enumerate(sorted(weights))}
    matrix = np.zeros((len(posts), len(vocabulary)), dtype=np.float32)
    for row, post in enumerate(posts):
        for phrase in post:
            column = vocabulary.get(phrase)
            if column is not None:
                matrix[row, column] = weights[phrase]
    return _unit_rows(matrix)


def joint_space(embeddings: np.ndarray, phrase_rows: np.ndarray, *, meaning_weight: float) -> np.ndarray:
    """Unit rows of [sqrt(w) * embedding, sqrt(1 - w) * phrases]: their dot product is w * cosine of meaning plus
    (1 - w) * cosine of new phrases."""
    return np.hstack(
        [math.sqrt(meaning_weight) * _unit_rows(embeddings), math.sqrt(1.0 - meaning_weight) * phrase_rows]
    ).astype(np.float32)


def cluster(points: np.ndarray, *, distance: float) -> np.ndarray:
    """Average-linkage agglomerative clustering on cosine distance, cut at `distance`; a label per row."""
    if len(points) < 2:
        return np.zeros(len(points), dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    distances = np.clip(1.0 - points @ points.T, 0.0, 2.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=distance)  # fmt: skip
    labels: np.ndarray = model.fit_predict(distances)
    return labels


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: np.ndarray = np.divide(matrix, norms, out=np.zeros_like(matrix, dtype=np.float32), where=norms > 0)
    return unit.astype(np.float32)
