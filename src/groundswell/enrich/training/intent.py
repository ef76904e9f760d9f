"""Training the multi-label intent head on the hand-labelled seed set (both tiers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from groundswell.enrich.base import TextEncoder
from groundswell.enrich.datasets import LabelledText
from groundswell.enrich.enrichers.intent import decide, intent_features
from groundswell.enrich.heads import MultiLabelHead
from groundswell.enrich.metrics import multi_label_report
from groundswell.enrich.training.heads import encode_texts

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SEED_SET = DATA_DIR / "intent_seed.jsonl"
LABELS_FILE = DATA_DIR / "intent_labels.yaml"


def intent_labels() -> list[dict[str, Any]]:
    return list(yaml.safe_load(LABELS_FILE.read_text("utf-8"))["labels"])


def describe_labels(encoder: TextEncoder) -> tuple[tuple[str, ...], np.ndarray]:
    """Each label's description and prototypes, embedded and averaged into one unit vector."""
    names, vectors = [], []
    for label in intent_labels():
        texts = [label["description"], *label.get("prototypes", [])]
        pooled = encoder.pooled(texts)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        mean = pooled.mean(axis=0)
        names.append(label["name"])
        vectors.append(mean / np.linalg.norm(mean))
    return tuple(names), np.vstack(vectors).astype(np.float32)


def fit_intent_head(
    encoder: TextEncoder, train: Sequence[LabelledText], held_out: Sequence[LabelledText], *, seed: int
) -> tuple[MultiLabelHead, np.ndarray, dict[str, Any]]:
    """One-vs-rest logistic regressions; each label's threshold is the one that maximises its F1 in
    cross-validation on the training rows, so the held-out rows stay unseen."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    labels, descriptions = describe_labels(encoder)
    features = _features(encoder, train, descriptions)
    targets = np.array([[label in row.labels for label in labels] for row in train], dtype=int)
    weight = np.zeros((features.shape[1], len(labels)), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    thresholds = np.full(len(labels), 0.5, dtype=np.float32)
    for k in range(len(labels)):
        model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, random_state=seed)
        cv = cross_val_predict(model, features, targets[:, k], cv=5, method="predict_proba")[:, 1]
        thresholds[k] = _best_threshold(cv, targets[:, k])
        model.fit(features, targets[:, k])
        weight[:, k] = model.coef_[0]
        bias[k] = model.intercept_[0]
    head = MultiLabelHead(labels, weight, bias, thresholds)
    probabilities = head.probabilities(_features(encoder, held_out, descriptions))
    predicted = decide(probabilities, labels, thresholds)
    report = multi_label_report([r.labels for r in held_out], predicted, labels)
    return head, descriptions, {k: report[k] for k in ("n", "accuracy", "macro_f1", "micro_f1")}


def _features(encoder: TextEncoder, rows: Sequence[LabelledText], descriptions: np.ndarray) -> np.ndarray:
    pooled = encode_texts(encoder, [r.text for r in rows])
    unit = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return intent_features(unit, descriptions)


def _best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for threshold in np.linspace(0.2, 0.8, 25):
        predicted = scores >= threshold
        tp = float((predicted & (truth == 1)).sum())
        f1 = 2 * tp / max(float(predicted.sum() + truth.sum()), 1.0)
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best
