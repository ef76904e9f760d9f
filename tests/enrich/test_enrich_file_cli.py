"""`groundswell enrich --input IN --output OUT` run as the real console script (a subprocess): every output
line of the shared airline file checked against a schema, malformed input lines sent to the rejects file,
the fast tier, `--only`, `--embeddings`, and user errors that exit with 2 and a message, never a traceback."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from groundswell.enrich.training.intent import intent_labels
from groundswell.enrich.urgency_rules import level_of
from tests.support.process import COMMAND
from tests.support.records import write_jsonl

REPO = Path(__file__).resolve().parents[2]
AIRLINE_TOPICS = REPO / "examples" / "topics" / "airline.yaml"
DEFAULT_FIELDS = {"language", "sentiment", "emotion", "offensive", "intent", "urgency", "locations"}
INTENTS = {label["name"] for label in intent_labels()}


def groundswell(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=timeout, check=False)


def enrich(source: Path, target: Path, *options: str, timeout: float = 600) -> dict[str, Any]:
    done = groundswell("enrich", "--input", str(source), "--output", str(target), *options, "--json", timeout=timeout)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return dict(json.loads(done.stdout))  # stdout is exactly one JSON document


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    # split("\n"), not splitlines(): tweets hold U+2028 and other characters splitlines() breaks at.
    return [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Classified(Strict):
    LABELS: ClassVar[tuple[str, ...]] = ()
    label: str
    scores: dict[str, float]

    @model_validator(mode="after")
    def _calibrated(self) -> Classified:
        assert set(self.scores) == set(self.LABELS), f"scores for {sorted(self.scores)}, not {self.LABELS}"
        assert self.label in self.LABELS
        assert all(0.0 <= p <= 1.0 for p in self.scores.values())
        assert math.isclose(sum(self.scores.values()), 1.0, abs_tol=0.002), self.scores
        assert self.scores[self.label] == max(self.scores.values()), "the label is the most probable class"
        return self


class Sentiment(Classified):
    LABELS = ("negative", "neutral", "positive")


class Emotion(Classified):
    LABELS = ("anger", "joy", "optimism", "sadness")


class Offensive(Classified):
    LABELS = ("not-offensive", "offensive")


class Topic(Strict):
    name: str
    score: float = Field(ge=0.0, le=1.0)

    @field_validator("name")
    @classmethod
    def _defined(cls, name: str, info: ValidationInfo) -> str:
        assert info.context is not None and name in info.context["topics"], f"{name!r} is not in the topics file"
        return name


class Signal(Strict):
    signal: str = Field(min_length=1)
    weight: float = Field(gt=0.0, le=1.0)
    evidence: str


class Urgency(Strict):
    score: float = Field(ge=0.0, le=1.0)
    level: Literal["low", "medium", "high", "critical"]
    signals: list[Signal]

    @model_validator(mode="after")
    def _consistent(self) -> Urgency:
        assert self.level == level_of(self.score)
        weights = [s.weight for s in self.signals]
        assert weights == sorted(weights, reverse=True), "signals come strongest first"
        return self


class Location(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    name: str = Field(min_length=1)
    kind: Literal["city", "airport", "state", "country"]
    code: str | None
    country: str | None
    admin: str | None
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    source: Literal["text", "profile"]
    matched: str = Field(min_length=1)


class EnrichedLine(BaseModel):
    """One output line: the input object's own keys (checked separately) plus the enrichers' results."""

    model_config = ConfigDict(extra="allow", strict=True)
    language: str = Field(pattern=r"^([a-z]{2}|und)$")
    sentiment: Sentiment
    emotion: Emotion
    offensive: Offensive
    intent: list[str] = Field(min_length=1)
    topics: list[Topic]
    urgency: Urgency
    locations: list[Location]

    @field_validator("intent")
    @classmethod
    def _known_intents(cls, intents: list[str]) -> list[str]:
        assert set(intents) <= INTENTS and len(set(intents)) == len(intents), intents
        assert "other" not in intents or intents == ["other"], "'other' never comes with another intent"
        return intents

    @field_validator("topics")
    @classmethod
    def _best_first(cls, topics: list[Topic]) -> list[Topic]:
        scores = [t.score for t in topics]
        assert scores == sorted(scores, reverse=True)
        return topics


def check_enriched(inputs: list[dict[str, Any]], outputs: list[dict[str, Any]], topics: Path) -> None:
    names = {t["name"] for t in yaml.safe_load(topics.read_text("utf-8"))["topics"]}
    assert len(outputs) == len(inputs)
    assert [o["id"] for o in outputs] == [i["id"] for i in inputs], "same posts in the same order"
    for source, line in zip(inputs, outputs, strict=True):
        assert {k: line[k] for k in source} == source, "the input object is kept exactly"
        assert set(line) == set(source) | DEFAULT_FIELDS | {"topics"}
        EnrichedLine.model_validate(line, context={"topics": names})


def test_the_whole_airline_file_passes_the_schema(airline_file: Path, tmp_path: Path) -> None:
    output = tmp_path / "airline.enriched.jsonl"
    summary = enrich(airline_file, output, "--topics", str(AIRLINE_TOPICS), timeout=1800)

    inputs = read_jsonl(airline_file)
    outputs = read_jsonl(output)
    assert len(inputs) >= 2000
    assert (summary["read"], summary["enriched"], summary["rejected"]) == (len(inputs), len(inputs), 0)
    assert not output.with_name(output.name + ".rejected.jsonl").exists(), "no rejects, no rejects file"
    assert set(summary["versions"]) == DEFAULT_FIELDS | {"topics"}
    digest = hashlib.sha256(AIRLINE_TOPICS.read_bytes()).hexdigest()[:12]
    assert summary["versions"]["topics"].endswith(digest), "the topics file's content is part of the version"
    check_enriched(inputs, outputs, AIRLINE_TOPICS)

    # Sanity, not tuned figures: the posts are English, places are found, and the models beat chance.
    def share(hits: Iterable[bool]) -> float:
        return sum(hits) / len(outputs)

    assert share(o["language"] == "en" for o in outputs) > 0.9
    assert share(bool(o["locations"]) for o in outputs) > 0.2
    assert any(p["kind"] == "airport" and p["source"] == "text" for o in outputs for p in o["locations"])
    assert share(o["sentiment"]["label"] == o["label_sentiment"] for o in outputs) > 0.45
    reasons = [o for o in outputs if o["label_negative_reason"]]
    top_is_reason = sum(bool(o["topics"]) and o["topics"][0]["name"] == o["label_negative_reason"] for o in reasons)
    assert top_is_reason / len(reasons) > 0.3  # ten topics: chance is about 0.1


MALFORMED = [
    '{"id": "p1", "text": "@united my bag never arrived in Denver and nobody answers the phone"}',
    "{not json",
    "[1, 2, 3]",
    "",
    '{"id": "p2", "message": "no text field here"}',
    '{"id": "p3", "text": "thanks @SouthwestAir, lovely crew on the flight to Chicago today"}',
    '{"id": "p4", "text": 42}',
    '"just a string"',
    '{"id": "p5", "content": "Flight from SFO to LAX delayed again, third time this month", "extra": {"a": [1]}}',
]


@pytest.fixture
def malformed(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "mixed.jsonl", MALFORMED)


def test_unreadable_lines_go_to_the_rejects_file_with_line_and_reason(malformed: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    summary = enrich(malformed, output)

    assert (summary["read"], summary["enriched"], summary["rejected"]) == (8, 3, 5), "blank lines are not posts"
    rejected = read_jsonl(output.with_name("out.jsonl.rejected.jsonl"))
    assert [r["line"] for r in rejected] == [2, 3, 5, 7, 8]
    assert [r["raw"] for r in rejected] == [MALFORMED[n - 1] for n in (2, 3, 5, 7, 8)]
    assert all(r["reason"] for r in rejected)
    assert "not a JSON object" in rejected[1]["reason"] and "not a JSON object" in rejected[4]["reason"]
    assert "no text field" in rejected[2]["reason"] and "no text field" in rejected[3]["reason"]

    lines = read_jsonl(output)
    assert [line["id"] for line in lines] == ["p1", "p3", "p5"]
    assert lines[2]["extra"] == {"a": [1]}
    for line in lines:
        assert set(line) - {"id", "text", "content", "extra"} == DEFAULT_FIELDS, "no topics without --topics"
        EnrichedLine.model_validate({**line, "topics": []}, context={"topics": set()})


def test_the_fast_tier(airline_file: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample.jsonl"
    with airline_file.open("rb") as handle:
        sample.write_bytes(b"".join(islice(handle, 300)))
    output = tmp_path / "fast.jsonl"
    summary = enrich(sample, output, "--topics", str(AIRLINE_TOPICS), "--tier", "fast")

    assert summary["enriched"] == 300
    model_versions = [v for k, v in summary["versions"].items() if k in {"sentiment", "emotion", "intent", "topics"}]
    assert all("-fast" in v for v in model_versions), summary["versions"]
    check_enriched(read_jsonl(sample), read_jsonl(output), AIRLINE_TOPICS)


def test_only_gives_only_those_fields(malformed: Path, tmp_path: Path) -> None:
    output = tmp_path / "only.jsonl"
    summary = enrich(malformed, output, "--only", "language, locations")

    assert set(summary["versions"]) == {"language", "locations"}
    for line in read_jsonl(output):
        assert set(line) - {"id", "text", "content", "extra"} == {"language", "locations"}


def test_embeddings_are_unit_length_vectors(malformed: Path, tmp_path: Path) -> None:
    output = tmp_path / "vectors.jsonl"
    summary = enrich(malformed, output, "--embeddings")

    assert "embedding" in summary["versions"]
    vectors = [line["embedding"] for line in read_jsonl(output)]
    assert len(vectors) == 3 and len({len(v) for v in vectors}) == 1 and len(vectors[0]) >= 64
    for vector in vectors:
        assert all(isinstance(x, float) for x in vector)
        assert math.isclose(math.sqrt(sum(x * x for x in vector)), 1.0, abs_tol=2e-3)
    assert vectors[0] != vectors[1]


def test_embeddings_are_not_silently_dropped_with_only(malformed: Path, tmp_path: Path) -> None:
    output = tmp_path / "vectors.jsonl"
    done = groundswell(
        "enrich", "--input", str(malformed), "--output", str(output), "--only", "language", "--embeddings", "--json"
    )
    if done.returncode == 2:  # refusing the combination with a message is fine too
        assert "--embeddings" in done.stderr and "Traceback" not in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert all("embedding" in line for line in read_jsonl(output)), "--embeddings was asked for"


BAD_TOPICS = {
    "duplicate.yaml": "topics:\n- {name: Bags, examples: [x]}\n- {name: bags, description: y}\n",
    "empty-topic.yaml": "topics:\n- name: Bags\n",
    "broken.yaml": "topics: [unclosed\n  - : :\n",
}
IN_OUT = ("--input", "{d}/in.jsonl", "--output", "{d}/o.jsonl")
USER_ERRORS = {
    "missing-input": (("--input", "{d}/missing.jsonl", "--output", "{d}/o.jsonl"), "missing.jsonl not found"),
    "no-output": (("--input", "{d}/in.jsonl"), "--output"),
    "no-input": (("--output", "{d}/o.jsonl"), "--input"),
    "duplicate-topic-names": ((*IN_OUT, "--topics", "{d}/duplicate.yaml"), "names must be unique; repeated: bags"),
    "topic-without-examples": ((*IN_OUT, "--topics", "{d}/empty-topic.yaml"), "needs a description or at least one"),
    "topics-not-yaml": ((*IN_OUT, "--topics", "{d}/broken.yaml"), "is not valid YAML"),
    "topics-missing": ((*IN_OUT, "--topics", "{d}/nope.yaml"), "nope.yaml not found"),
    "unknown-enricher": ((*IN_OUT, "--only", "language,sentimnet"), "unknown enricher(s) sentimnet"),
    "topics-without-file": ((*IN_OUT, "--only", "topics"), "needs a topics file"),
    "model-missing": ((*IN_OUT, "--model", "sentiment=/nonexistent"), "/nonexistent is not a folder"),
    "model-not-hf": ((*IN_OUT, "--model", "sentiment={d}"), "not a Hugging Face model folder"),
    "model-no-equals": ((*IN_OUT, "--model", "sentiment"), "expected TASK=DIR"),
    "model-unknown-task": ((*IN_OUT, "--model", "sentimnet={d}"), "sentimnet"),
}


@pytest.mark.parametrize(("arguments", "message"), list(USER_ERRORS.values()), ids=list(USER_ERRORS))
def test_user_errors_exit_2_with_a_message(arguments: tuple[str, ...], message: str, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", ['{"id": "1", "text": "hello @united"}'])
    for name, content in BAD_TOPICS.items():
        (tmp_path / name).write_text(content, "utf-8")
    done = groundswell("enrich", *(a.format(d=tmp_path) for a in arguments))

    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    # Rich wraps (and folds long paths) at the terminal width: compare without whitespace.
    assert message.replace(" ", "") in "".join(done.stderr.split()), done.stderr
    assert not (tmp_path / "o.jsonl").exists() or not (tmp_path / "o.jsonl").read_text(), "no half output"
