"""Accuracy figures for single-label and multi-label predictions, as published by `groundswell eval`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def single_label_report(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
) -> dict[str, Any]:
    """Accuracy, macro recall and F1, per-class precision/recall/F1/support and the confusion matrix
    (rows: true label, columns: predicted)."""
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
        recall_score,
    )

    names = list(labels) if labels else sorted(set(truth) | set(predicted))
    # Predictions outside the true classes (e.g. "none") still count against precision and recall.
    scored = [n for n in names if n in set(truth)]
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=names, zero_division=0)
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_recall": round(
            float(recall_score(truth, predicted, labels=scored, average="macro", zero_division=0)), 4
        ),
        "macro_f1": round(float(f1_score(truth, predicted, labels=scored, average="macro", zero_division=0)), 4),
        "per_class": _per_class(names, precision, recall, f1, support),
        "labels": names,
        "confusion": confusion_matrix(truth, predicted, labels=names).tolist(),
    }


def multi_label_report(
    truth: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], labels: Sequence[str]
) -> dict[str, Any]:
    """Exact-match accuracy, micro/macro F1 and per-label precision/recall/F1 for multi-label sets;
    the confusion matrix is one 2x2 [[tn, fp], [fn, tp]] per label."""
    import numpy as np
    from sklearn.metrics import f1_score, multilabel_confusion_matrix, precision_recall_fscore_support, recall_score

    names = list(labels)
    y_true = np.array([[name in row for name in names] for row in truth], dtype=int)
    y_pred = np.array([[name in row for name in names] for row in predicted], dtype=int)
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    return {
        "n": len(truth),
        "accuracy": round(float((y_true == y_pred).all(axis=1).mean()), 4),
        "macro_recall": round(float(recall_score(y_true, y_pred, average="macro", zero_division=0)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro", zero_division=0)), 4),
        "micro_f1": round(float(f1_score(y_true, y_pred, average="micro", zero_division=0)), 4),
        "per_class": _per_class(names, precision, recall, f1, support),
        "labels": names,
        "confusion": {
            name: m.tolist() for name, m in zip(names, multilabel_confusion_matrix(y_true, y_pred), strict=True)
        },
    }


def _per_class(names: Sequence[str], *columns: Any) -> dict[str, dict[str, float | int]]:
    precision, recall, f1, support = columns
    return {
        name: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for name, p, r, f, s in zip(names, precision, recall, f1, support, strict=True)
    }
