"""User-defined topics, multi-label, with a calibrated "none of these".

Two views of each topic are combined: how close a post is to the topic's examples (the nearest example
and the centroid, which also carries the description), and a logistic regression across topics fitted
on the examples (which words tell topics apart). The "none" decision comes from the user's own
examples: leaving each example out in turn shows how similar a true member of a topic usually is, and a
post less similar than that belongs to none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from groundswell.enrich.base import Batch
from groundswell.enrich.pipeline import Resources
from groundswell.enrich.topics_file import TopicsFile, load_topics

# A topic is reported when its calibrated score reaches this; more than one topic may pass.
MIN_SCORE = 0.35


class TopicModel:
    """Fitted from a topics file and an encoder; pure numpy and scikit-learn afterwards."""

    def __init__(self, topics: TopicsFile, encode: Any) -> None:
        self.names = [t.name for t in topics.topics]
        texts, owners = [], []
        for index, topic in enumerate(topics.topics):
            for text in (*topic.examples, _described(topic.name, topic.description)):
                if text:
                    texts.append(text)
                    owners.append(index)
        vectors = _unit(encode(texts))
        self._examples = vectors
        self._owners = np.array(owners)
        self._centroids = _unit(np.vstack([vectors[self._owners == k].mean(axis=0) for k in range(len(self.names))]))
        self._classifier = self._fit_classifier(vectors)
        self._gate_centre, self._gate_width = self._calibrate_gate(vectors)

    def scores(self, embeddings: np.ndarray) -> np.ndarray:
        """(posts, topics) scores in [0, 1]: the chance a topic applies, "none" being all scores low."""
        similarity = self._similarity(embeddings, self._examples, self._owners)
        relevance = 1 / (1 + np.exp(-(similarity.max(axis=1, keepdims=True) - self._gate_centre) / self._gate_width))
        share = self._share(embeddings, similarity)
        # The best topic gets the relevance; the others keep their share of it relative to the best.
        return relevance * share / share.max(axis=1, keepdims=True)

    def _similarity(self, embeddings: np.ndarray, examples: np.ndarray, owners: np.ndarray) -> np.ndarray:
        pairwise = embeddings @ examples.T
        nearest = np.full((len(embeddings), len(self.names)), -1.0)
        for k in range(len(self.names)):
            members = owners == k
            if members.any():
                nearest[:, k] = pairwise[:, members].max(axis=1)
        return 0.5 * nearest + 0.5 * (embeddings @ self._centroids.T)

    def _share(self, embeddings: np.ndarray, similarity: np.ndarray) -> np.ndarray:
        by_similarity = _softmax(similarity / 0.05)
        if self._classifier is None:
            return by_similarity
        by_classifier = np.zeros_like(by_similarity)
        by_classifier[:, self._classifier.classes_] = self._classifier.predict_proba(embeddings)
        return 0.5 * by_similarity + 0.5 * by_classifier

    def _fit_classifier(self, vectors: np.ndarray) -> Any:
        if len(set(self._owners.tolist())) < 2:
            return None
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=10.0, max_iter=2000).fit(vectors, self._owners)

    def _calibrate_gate(self, vectors: np.ndarray) -> tuple[float, float]:
        """Leave-one-out similarity of each example to its own topic: its low tail is where "none" begins."""
        own = []
        for i in range(len(vectors)):
            keep = np.arange(len(vectors)) != i
            if not (self._owners[keep] == self._owners[i]).any():
                continue
            similarity = self._similarity(vectors[i : i + 1], vectors[keep], self._owners[keep])
            own.append(similarity[0, self._owners[i]])
        if len(own) < 3:
            return 0.3, 0.05
        values = np.array(own)
        return float(np.quantile(values, 0.1)), float(max(values.std() / 2, 0.02))


class TopicsEnricher:
    name = "topics"
    requires: tuple[str, ...] = ()
    uses_encoder = True

    def __init__(self, resources: Resources) -> None:
        assert resources.spec.topics_path, "the pipeline checks that a topics file is given"
        topics, digest = load_topics(Path(resources.spec.topics_path))
        self._model = TopicModel(topics, resources.encoder.pooled)
        self.version = f"1+{resources.models.version(resources.spec.tier)}+{digest}"

    def enrich(self, batch: Batch) -> list[list[dict[str, Any]]]:
        scores = self._model.scores(batch.embeddings)
        results = []
        for row in scores:
            order = np.argsort(-row)
            results.append([{"name": self._model.names[k], "score": round(float(row[k]), 3)}
                            for k in order if row[k] >= MIN_SCORE])
        return results


def _described(name: str, description: str | None) -> str | None:
    return f"{name}: {description}" if description else None


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
