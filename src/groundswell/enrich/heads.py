"""Classification heads over encoder vectors, in numpy: a softmax head with a fitted temperature
(calibrated probabilities) and a one-vs-rest sigmoid head with per-label thresholds (multi-label)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


@dataclass(frozen=True)
class SoftmaxHead:
    labels: tuple[str, ...]
    weight: np.ndarray  # (dimension, classes)
    bias: np.ndarray  # (classes,)
    temperature: float = 1.0

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        result: np.ndarray = vectors @ self.weight + self.bias
        return result

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return softmax(self.logits(vectors) / self.temperature)


@dataclass(frozen=True)
class MultiLabelHead:
    labels: tuple[str, ...]
    weight: np.ndarray  # (features, labels)
    bias: np.ndarray
    thresholds: np.ndarray  # (labels,)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        result: np.ndarray = 1.0 / (1.0 + np.exp(-(features @ self.weight + self.bias)))
        return result


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature that minimises held-out negative log-likelihood (Guo et al., 2017)."""
    best, best_loss = 1.0, float("inf")
    for temperature in np.exp(np.linspace(np.log(0.25), np.log(8.0), 121)):
        probs = softmax(logits / temperature)
        loss = -float(np.mean(np.log(probs[np.arange(len(targets)), targets] + 1e-12)))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best
