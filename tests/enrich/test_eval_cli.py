"""`groundswell eval TASK --input ... --json` as a subprocess: the report's keys and internal consistency on
a small labelled JSONL (sentiment, language), the intent seed set's held-out part (multi-label report),
topics against the airline complaint reasons, a TweetEval folder (emotion), and errors that exit with 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from groundswell.enrich.training.data import HOLDOUT
from groundswell.enrich.training.intent import SEED_SET
from tests.support.process import run
from tests.support.records import write_jsonl

REPO = Path(__file__).resolve().parents[2]
AIRLINE_TOPICS = REPO / "examples" / "topics" / "airline.yaml"
SINGLE_LABEL_KEYS = {"n", "accuracy", "macro_recall", "macro_f1", "per_class", "labels", "confusion", "task",
                     "versions", "input", "tier"}  # fmt: skip

EASY_SENTIMENT = [
    ("I absolutely love this airline, best flight ever! thank you so much", "positive"),
    ("What a wonderful crew, amazing service, so happy :)", "Positive"),
    ("Great job today, the staff were fantastic and friendly", "positive"),
    ("Thank you for the upgrade, you made my day! awesome", "positive"),
    ("This is the worst airline ever, I hate you, terrible service", "negative"),
    ("Awful experience, rude staff, lost my bag, never again", "NEGATIVE"),
    ("Disgusting, horrible, furious. Delayed five hours and nobody cares", "negative"),
    ("Terrible. Cancelled my flight and no refund. Worst customer service", "negative"),
    ("The flight departs at 6pm from gate 12", "neutral"),
    ("Flight 402 to Boston is scheduled for Tuesday", "neutral"),
    ("The airline announced a new route to Denver starting in March", "neutral"),
    ("Boarding begins 30 minutes before departure", "neutral"),
]


def evaluate(*args: str) -> dict[str, Any]:
    done = run("eval", *args, "--json", timeout=900)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def check_single_label(report: dict[str, Any]) -> None:
    assert set(report) >= SINGLE_LABEL_KEYS
    labels, confusion = report["labels"], report["confusion"]
    assert list(report["per_class"]) == labels
    assert len(confusion) == len(labels) and all(len(row) == len(labels) for row in confusion)
    for label, row in zip(labels, confusion, strict=True):
        assert sum(row) == report["per_class"][label]["support"], "rows are the true labels"
    assert sum(map(sum, confusion)) == report["n"]
    correct = sum(confusion[i][i] for i in range(len(labels)))
    assert report["accuracy"] == pytest.approx(correct / report["n"], abs=1e-4)
    for figure in ("accuracy", "macro_recall", "macro_f1"):
        assert 0.0 <= report[figure] <= 1.0


@pytest.mark.parametrize("tier", ["accurate", "fast"])
def test_sentiment_on_an_easy_labelled_file(tmp_path: Path, tier: str) -> None:
    path = write_jsonl(tmp_path / "easy.jsonl", [{"text": t, "label": label} for t, label in EASY_SENTIMENT])
    report = evaluate("sentiment", "--input", str(path), "--tier", tier)

    check_single_label(report)
    assert report["n"] == 12 and report["task"] == "sentiment" and report["tier"] == tier
    assert report["labels"] == ["negative", "neutral", "positive"], "labels are lower-cased and sorted"
    assert report["per_class"]["positive"]["support"] == 4
    assert report["versions"]["sentiment"].endswith(f"-{tier}")
    assert report["accuracy"] >= 0.75 and report["macro_recall"] >= 0.75, "obvious posts are not hard"


def test_language_with_a_label_field(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"text": "@united my bag never made it to Denver and nobody can tell me anything", "lang": "en"},
        {"text": "is the lounge in terminal 2 open on sundays? asking for a friend", "lang": "en"},
        {"text": "@Iberia mi maleta no llegó a Madrid y nadie me da respuesta", "lang": "es"},
        {"text": "@AirFrance ma valise est perdue depuis trois jours, aucune nouvelle", "lang": "fr"},
        {"text": "note to self", "lang": None},  # unlabelled rows are skipped
    ]
    report = evaluate("language", "--input", str(write_jsonl(tmp_path / "l.jsonl", rows)), "--label-field", "lang")

    check_single_label(report)
    assert report["n"] == 4 and report["accuracy"] == 1.0


def test_intent_on_the_seed_sets_held_out_part() -> None:
    report = evaluate("intent", "--input", str(SEED_SET), "--held-out")

    seed_rows = sum(1 for line in SEED_SET.read_text("utf-8").split("\n") if line.strip())
    assert report["n"] == pytest.approx(seed_rows * HOLDOUT["intent"], abs=10)
    assert {"accuracy", "macro_recall", "macro_f1", "micro_f1", "per_class", "labels", "confusion"} <= set(report)
    assert set(report["confusion"]) == set(report["labels"]) == set(report["per_class"])
    for label, ((tn, fp), (fn, tp)) in report["confusion"].items():
        assert tn + fp + fn + tp == report["n"]
        assert fn + tp == report["per_class"][label]["support"]
    assert "other" in report["labels"] and "lost_item" in report["labels"]
    assert report["micro_f1"] > 0.4, "far above chance, even for the development models"


def test_held_out_is_smaller_than_the_whole_file() -> None:
    whole = evaluate("intent", "--input", str(SEED_SET))
    held = evaluate("intent", "--input", str(SEED_SET), "--held-out", "--seed", "13")
    assert whole["n"] > held["n"] * 4


def test_topics_against_the_airline_complaint_reasons(airline_file: Path) -> None:
    report = evaluate("topics", "--input", str(airline_file), "--label-field", "label_negative_reason",
                      "--topics", str(AIRLINE_TOPICS))  # fmt: skip

    with airline_file.open(encoding="utf-8") as handle:
        reasons = [json.loads(line)["label_negative_reason"] for line in handle if line.strip()]
    labelled = [r for r in reasons if r]
    assert report["n"] == len(labelled) < len(reasons), "rows with a null reason are skipped"
    check_single_label(report)
    assert set(labelled) <= set(report["labels"])
    assert {name: report["per_class"][name]["support"] for name in set(labelled)} == {
        name: labelled.count(name) for name in set(labelled)
    }
    assert report["accuracy"] > 0.25, "ten topics: chance is about 0.1"
    assert report["versions"]["topics"].startswith("1+")


def test_a_tweeteval_folder_uses_its_val_split(shared_data: Path) -> None:
    folder = shared_data / "tweeteval" / "emotion"
    report = evaluate("emotion", "--input", str(folder))

    expected = len((folder / "val_labels.txt").read_text("utf-8").split())
    check_single_label(report)
    assert report["n"] == expected
    assert set(report["labels"]) <= {"anger", "joy", "optimism", "sadness"}
    assert report["macro_recall"] > 0.35, "four classes: chance is 0.25"


def test_the_human_report_prints_tables(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "easy.jsonl", [{"text": t, "label": label} for t, label in EASY_SENTIMENT[:6]])
    done = run("eval", "sentiment", "--input", str(path))

    assert done.returncode == 0, done.stderr
    assert "macro_recall" in done.stdout and "confusion matrix" in done.stdout


EVAL_ERRORS = {
    "unknown-task": (("bogus",), "cannot evaluate 'bogus'"),
    "topics-without-file": (("topics",), "needs a topics file"),
    "missing-label-field": (("sentiment", "--label-field", "nope"), "no 'nope' field"),
    "missing-input": (("sentiment", "--input", "{d}/missing.jsonl"), "missing.jsonl not found"),
    "not-json": (("sentiment", "--input", "{d}/broken.jsonl"), "broken.jsonl:2: not JSON"),
    "no-labelled-rows": (("sentiment", "--input", "{d}/unlabelled.jsonl"), "no labelled rows"),
}


@pytest.mark.parametrize(("arguments", "message"), list(EVAL_ERRORS.values()), ids=list(EVAL_ERRORS))
def test_eval_errors_exit_2_with_a_message(tmp_path: Path, arguments: tuple[str, ...], message: str) -> None:
    easy = write_jsonl(tmp_path / "easy.jsonl", [{"text": t, "label": label} for t, label in EASY_SENTIMENT[:3]])
    write_jsonl(tmp_path / "broken.jsonl", ['{"text": "fine", "label": "neutral"}', "{oops"])
    write_jsonl(tmp_path / "unlabelled.jsonl", [{"text": "fine", "label": None}])
    task, *rest = (a.format(d=tmp_path) for a in arguments)
    done = run("eval", task, *(rest if "--input" in rest else ["--input", str(easy), *rest]), "--json")

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert message.replace(" ", "") in "".join(done.stderr.split()), done.stderr
