"""Fitting heads on encoder vectors with scikit-learn, and measuring them on held-out rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from groundswell.enrich.base import TextEncoder
from groundswell.enrich.datasets import LabelledText
from groundswell.enrich.heads import SoftmaxHead, fit_temperature
from groundswell.enrich.metrics import single_label_report


def encode_texts(encoder: TextEncoder, texts: Sequence[str], chunk: int = 512) -> np.ndarray:
    return np.vstack([encoder.pooled(texts[i : i + chunk]) for i in range(0, len(texts), chunk)])


# Inverse regularisation strengths tried by cross-validation on the training rows.
REGULARISATION_GRID = (0.1, 0.3, 1.0, 3.0)


def fit_softmax_head(
    encoder: TextEncoder,
    labels: Sequence[str],
    train: Sequence[LabelledText],
    held_out: Sequence[LabelledText],
    *,
    seed: int,
) -> tuple[SoftmaxHead, dict[str, Any]]:
    """A class-balanced logistic regression (the targets are macro-averaged), its temperature fitted on
    the held-out rows, and the held-out figures."""
    from sklearn.linear_model import LogisticRegression

    index = {label: i for i, label in enumerate(labels)}
    x_train = encode_texts(encoder, [r.text for r in train])
    y_train = np.array([index[r.label] for r in train])
    regularisation = choose_regularisation(x_train, y_train, seed=seed)
    model = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=3000, random_state=seed)
    model.fit(x_train, y_train)
    weight = np.zeros((x_train.shape[1], len(labels)), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    if len(model.classes_) == 2:
        # A binary model keeps one weight vector for its second class; softmax([0, z]) is sigmoid(z).
        weight[:, model.classes_[1]] = model.coef_[0]
        bias[model.classes_[1]] = model.intercept_[0]
    else:
        weight[:, model.classes_] = model.coef_.T
        bias[model.classes_] = model.intercept_
    head = SoftmaxHead(tuple(labels), weight, bias)
    x_held = encode_texts(encoder, [r.text for r in held_out])
    y_held = np.array([index[r.label] for r in held_out])
    temperature = fit_temperature(head.logits(x_held), y_held)
    head = SoftmaxHead(tuple(labels), weight, bias, temperature)
    predicted = [labels[i] for i in head.probabilities(x_held).argmax(axis=1)]
    report = single_label_report([r.label for r in held_out], predicted, labels)
    return head, {k: report[k] for k in ("n", "accuracy", "macro_recall", "macro_f1")} | {"C": regularisation}


def choose_regularisation(x: np.ndarray, y: np.ndarray, *, seed: int, sample: int = 12_000) -> float:
    """The C with the best 3-fold macro-F1 on (a sample of) the training rows; the held-out rows stay unseen."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    if len(y) > sample:
        picked = np.random.default_rng(seed).choice(len(y), sample, replace=False)
        x, y = x[picked], y[picked]
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    scores = {
        c: cross_val_score(
            LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed),
            x,
            y,
            cv=folds,
            scoring="f1_macro",
        ).mean()
        for c in REGULARISATION_GRID
    }
    return max(scores, key=lambda c: scores[c])
