"""The accuracy figures `groundswell eval` publishes, checked against small cases computed by hand
(not by calling scikit-learn a second time)."""

from __future__ import annotations

import pytest

from groundswell.enrich.metrics import multi_label_report, single_label_report

# truth a a a b b c / predicted a a b b c c
TRUTH = ["a", "a", "a", "b", "b", "c"]
PREDICTED = ["a", "a", "b", "b", "c", "c"]


def test_three_classes_by_hand() -> None:
    report = single_label_report(TRUTH, PREDICTED)

    assert report["n"] == 6
    assert report["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    # recall: a 2/3, b 1/2, c 1/1
    assert report["macro_recall"] == pytest.approx((2 / 3 + 1 / 2 + 1) / 3, abs=1e-4)
    # precision: a 2/2, b 1/2, c 1/2; f1: a 0.8, b 0.5, c 2/3
    assert report["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3, abs=1e-4)
    assert report["per_class"]["a"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "support": 3}
    assert report["per_class"]["b"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["per_class"]["c"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert report["labels"] == ["a", "b", "c"]
    # rows: true label; columns: predicted
    assert report["confusion"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_the_labels_argument_orders_the_report() -> None:
    report = single_label_report(TRUTH, PREDICTED, labels=["c", "b", "a"])

    assert report["labels"] == ["c", "b", "a"]
    assert list(report["per_class"]) == ["c", "b", "a"]
    assert report["confusion"] == [[1, 0, 0], [1, 1, 0], [0, 1, 2]]
    assert report["macro_recall"] == single_label_report(TRUTH, PREDICTED)["macro_recall"]


def test_a_prediction_outside_the_true_classes_counts_against_recall_but_is_not_averaged() -> None:
    # "none" is what topics predicts for no topic: it is wrong, but it is not a class to average over.
    report = single_label_report(["a", "b", "b", "a"], ["a", "none", "b", "a"])

    assert report["labels"] == ["a", "b", "none"]
    assert report["accuracy"] == 0.75
    assert report["macro_recall"] == pytest.approx((1 + 0.5) / 2, abs=1e-4)
    # f1: a 1.0; b precision 1, recall 1/2 -> 2/3
    assert report["macro_f1"] == pytest.approx((1 + 2 / 3) / 2, abs=1e-4)
    assert report["per_class"]["none"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert report["confusion"] == [[2, 0, 0], [0, 1, 1], [0, 0, 0]]


def test_perfect_and_hopeless_predictions() -> None:
    perfect = single_label_report(["x", "y", "z"], ["x", "y", "z"])
    assert (perfect["accuracy"], perfect["macro_recall"], perfect["macro_f1"]) == (1.0, 1.0, 1.0)
    hopeless = single_label_report(["x", "y"], ["y", "x"])
    assert (hopeless["accuracy"], hopeless["macro_recall"], hopeless["macro_f1"]) == (0.0, 0.0, 0.0)


def test_multi_label_by_hand() -> None:
    truth = [["q"], ["q", "c"], ["o"]]
    predicted = [["q"], ["q"], ["c"]]
    report = multi_label_report(truth, predicted, ["c", "o", "q"])

    assert report["n"] == 3
    assert report["accuracy"] == pytest.approx(1 / 3, abs=1e-4), "exact-set matches: only the first post"
    # per label: c tp0 fp1 fn1; o tp0 fp0 fn1; q tp2 fp0 fn0
    assert report["per_class"]["q"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert report["per_class"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert report["per_class"]["o"]["support"] == 1
    assert report["macro_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert report["macro_recall"] == pytest.approx(1 / 3, abs=1e-4)
    # micro: tp 2, fp 1, fn 2 -> 2*2 / (2*2 + 1 + 2)
    assert report["micro_f1"] == pytest.approx(4 / 7, abs=1e-4)
    assert report["labels"] == ["c", "o", "q"]
    assert report["confusion"] == {"c": [[1, 1], [1, 0]], "o": [[2, 0], [1, 0]], "q": [[1, 0], [0, 2]]}


def test_multi_label_perfect() -> None:
    truth = [["praise"], ["question", "complaint"], ["other"]]
    report = multi_label_report(truth, truth, ["complaint", "other", "praise", "question"])

    assert (report["accuracy"], report["macro_f1"], report["micro_f1"]) == (1.0, 1.0, 1.0)
