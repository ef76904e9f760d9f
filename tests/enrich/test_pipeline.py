"""The enrichment pipeline in process: which enrichers run and in what order, that results hold only what
was asked for, determinism (the same post gets the same results whatever its batch-mates and the batch
size, which routing and Ray/local equivalence rely on), versions, and `PipelineSpec.names()` errors."""

from __future__ import annotations

import math
import pickle
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from groundswell.enrich.base import PostInput
from groundswell.enrich.models import ModelBundle
from groundswell.enrich.pipeline import ENRICHER_NAMES, Pipeline, PipelineSpec
from groundswell.errors import InvalidInput

REPO = Path(__file__).resolve().parents[2]
AIRLINE_TOPICS = REPO / "examples" / "topics" / "airline.yaml"
MODEL_TASKS = ("sentiment", "emotion", "offensive", "intent", "topics", "urgency", "embedding")

TEMPLATES = [
    "@united my bag never made it to {city}, day {n} and still no call back",
    "@SouthwestAir flight {n} delayed again, sitting at the gate in {city} for hours",
    "thanks @JetBlue, the crew on flight {n} to {city} was lovely!!",
    "@AmericanAir is there wifi on the {city} route? flying flight {n} tomorrow",
    "You should add more flights to {city}, {n} of us would book today",
    "cancelled. again. {n} hours at {city} airport. never flying @united again",
    "happy birthday mom, love you ❤️ see you in {city} on the {n}th",
    "@Delta the flight attendant on {n} was rude to my daughter, unacceptable",
    "how do I buy an upgrade for flight {n} to {city}?",
    "lol",
    "WORST. AIRLINE. EVER. {n} hours on the tarmac in {city}",
    "Mi maleta no llegó a {city}, vuelo {n}",
]
CITIES = ["Denver", "Boston", "Chicago", "Los Angeles", "Dallas", "Miami"]


def varied_posts(count: int) -> list[PostInput]:
    """Short and long posts mixed, so that batches differ in lengths and padding."""
    posts = []
    for i in range(count):
        text = TEMPLATES[i % len(TEMPLATES)].format(city=CITIES[i % len(CITIES)], n=100 + 7 * i)
        posts.append(PostInput(text=text * (1 + (i % 5 == 0)), reach=(i * 37) % 5000))
    return posts


def assert_same(left: Any, right: Any, where: str = "") -> None:
    """Equal, up to float noise far below the 3-4 decimals results are rounded to."""
    if isinstance(left, float) or isinstance(right, float):
        assert math.isclose(left, right, abs_tol=1e-3), f"{where}: {left} != {right}"
    elif isinstance(left, dict):
        assert left.keys() == right.keys(), where
        for key in left:
            assert_same(left[key], right[key], f"{where}.{key}")
    elif isinstance(left, list):
        assert len(left) == len(right), f"{where}: {left} != {right}"
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert left == right, f"{where}: {left!r} != {right!r}"


def run(spec: PipelineSpec, posts: Sequence[PostInput]) -> list[dict[str, Any]]:
    return Pipeline(spec).run(posts)


def test_urgency_runs_after_what_it_reads_and_only_urgency_is_returned() -> None:
    pipeline = Pipeline(PipelineSpec(only=("urgency",)))
    order = [e.name for e in pipeline.enrichers]

    assert {"sentiment", "emotion", "intent"} <= set(order)
    assert order.index("urgency") > max(order.index(n) for n in ("sentiment", "emotion", "intent"))
    results = pipeline.run(varied_posts(5))
    assert [set(r) for r in results] == [{"urgency"}] * 5
    assert {"urgency", "sentiment", "emotion", "intent"} <= set(pipeline.versions)


def test_results_follow_the_requested_names_in_their_order() -> None:
    pipeline = Pipeline(PipelineSpec(only=("locations", "language")))

    assert [e.name for e in pipeline.enrichers] == ["language", "locations"]
    assert [list(r) for r in pipeline.run(varied_posts(3))] == [["locations", "language"]] * 3
    assert pipeline.run([]) == []


def test_the_default_pipeline_runs_every_enricher_in_the_documented_order() -> None:
    pipeline = Pipeline(PipelineSpec(topics_path=str(AIRLINE_TOPICS)))

    assert [e.name for e in pipeline.enrichers] == list(ENRICHER_NAMES)
    result = pipeline.run(varied_posts(1))[0]
    assert list(result) == list(ENRICHER_NAMES)


def test_urgency_does_not_depend_on_which_other_enrichers_were_asked_for() -> None:
    """Urgency is stored under one version: asked for alone it must say what the full pipeline says."""
    posts = varied_posts(24)
    alone = run(PipelineSpec(only=("urgency",)), posts)
    full = run(PipelineSpec(), posts)

    assert_same([r["urgency"] for r in alone], [r["urgency"] for r in full])


def test_the_same_posts_twice_give_identical_results() -> None:
    posts = varied_posts(30)
    pipeline = Pipeline(PipelineSpec(topics_path=str(AIRLINE_TOPICS)))

    assert pipeline.run(posts) == pipeline.run(posts)
    assert Pipeline(PipelineSpec(topics_path=str(AIRLINE_TOPICS))).run(posts) == pipeline.run(posts)


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_a_posts_results_do_not_depend_on_batch_size_or_batch_mates(tier: str) -> None:
    posts = varied_posts(70)
    spec = PipelineSpec(tier=tier, topics_path=str(AIRLINE_TOPICS), only=MODEL_TASKS)  # type: ignore[arg-type]
    one_by_one = run(replace(spec, batch_size=1), posts)

    for size in (7, 64):
        assert_same(one_by_one, run(replace(spec, batch_size=size), posts), f"size {size}")
    # And in a different company: the same post among reversed batch-mates.
    reversed_results = run(replace(spec, batch_size=16), posts[::-1])[::-1]
    assert_same(one_by_one, reversed_results, "reversed")


def test_versions_name_the_models_and_the_tier() -> None:
    bundle = ModelBundle.open()
    accurate = Pipeline(PipelineSpec(only=("sentiment", "intent", "language"))).versions
    fast = Pipeline(PipelineSpec(tier="fast", only=("sentiment", "intent", "language"))).versions

    assert bundle.version("accurate") in accurate["sentiment"] and bundle.version("fast") in fast["sentiment"]
    assert accurate["sentiment"] != fast["sentiment"] and accurate["intent"] != fast["intent"]
    assert accurate["language"] == fast["language"], "a model-free enricher is the same in both tiers"


def test_the_topics_version_follows_the_topics_file_content(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    original = AIRLINE_TOPICS.read_text("utf-8")
    path.write_text(original, "utf-8")

    def topics_version(file: Path) -> str:
        return Pipeline(PipelineSpec(topics_path=str(file), only=("topics",))).versions["topics"]

    first = topics_version(path)
    assert topics_version(AIRLINE_TOPICS) == first, "the content counts, not the path"
    path.write_text(original.replace("three delays in one trip", "four delays in one trip"), "utf-8")
    changed = topics_version(path)
    assert changed != first
    path.write_text(original, "utf-8")
    assert topics_version(path) == first


def test_names_defaults_and_topics() -> None:
    assert PipelineSpec().names() == tuple(n for n in ENRICHER_NAMES if n != "topics")
    assert "topics" in PipelineSpec(topics_path=str(AIRLINE_TOPICS)).names()
    assert PipelineSpec(only=("urgency", "language")).names() == ("urgency", "language")


def test_names_rejects_unknown_enrichers_and_lists_the_choices() -> None:
    with pytest.raises(InvalidInput) as caught:
        PipelineSpec(only=("language", "sentimnet", "moood")).names()

    message = caught.value.message
    assert "moood" in message and "sentimnet" in message
    assert all(name in message for name in ENRICHER_NAMES), "the message lists what can be chosen"


def test_names_requires_a_topics_file_for_topics() -> None:
    with pytest.raises(InvalidInput, match="topics file"):
        PipelineSpec(only=("topics",)).names()
    with pytest.raises(InvalidInput, match="topics file"):
        Pipeline(PipelineSpec(only=("language", "topics")))


def test_a_models_folder_without_a_card_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no model card"):
        Pipeline(PipelineSpec(only=("sentiment",), models_dir=str(tmp_path)))


def test_the_spec_survives_pickling_for_workers(tmp_path: Path) -> None:
    spec = PipelineSpec(tier="fast", topics_path=str(AIRLINE_TOPICS), only=("language", "topics"), batch_size=9)
    copy = pickle.loads(pickle.dumps(spec))

    assert copy == spec
    posts = varied_posts(8)
    assert Pipeline(copy).run(posts) == Pipeline(spec).run(posts)


def test_a_models_folder_copy_gives_the_same_results(tmp_path: Path) -> None:
    copy = tmp_path / "models"
    shutil.copytree(ModelBundle.open().folder, copy)
    posts = varied_posts(10)
    only = ("sentiment", "intent")

    assert run(PipelineSpec(only=only, models_dir=str(copy)), posts) == run(PipelineSpec(only=only), posts)
