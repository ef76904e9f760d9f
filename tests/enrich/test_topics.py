"""User-defined topics: the topics file's validation (pydantic's findings surface as `InvalidInput` naming
the file and the place), and the enricher's behaviour on the airline topics: "none of these" for
off-topic posts, the right topic first, several topics at once, and well-formed scores."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from groundswell.enrich.base import PostInput
from groundswell.enrich.enrichers.topics import MIN_SCORE
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.enrich.topics_file import load_topics
from groundswell.errors import InvalidInput

REPO = Path(__file__).resolve().parents[2]
AIRLINE_TOPICS = REPO / "examples" / "topics" / "airline.yaml"

INVALID_FILES = {
    "duplicate-names": (
        "topics:\n- {name: Lost Luggage, examples: [a]}\n- {name: lost luggage, description: b}\n",
        "topic names must be unique; repeated: lost luggage",
    ),
    "nothing-to-match": ("topics:\n- name: Refunds\n", "topic 'Refunds' needs a description or at least one example"),
    "only-blank-examples": (
        "topics:\n- {name: Refunds, examples: ['  ', '']}\n",
        "needs a description or at least one example",
    ),
    "no-topics": ("topics: []\n", "topics"),
    "misspelt-key": ("topics:\n- {name: Refunds, example: [money back]}\n", "topics.0.example"),
    "unknown-top-level-key": ("topics: [{name: A, description: b}]\ncategories: []\n", "categories"),
    "empty-name": ("topics:\n- {name: '', description: b}\n", "topics.0.name"),
    "topic-is-a-string": ("topics:\n- Refunds\n", "topics.0"),
    "a-list-not-a-mapping": ("- name: Refunds\n  description: money back\n", "expected `topics:"),
    "empty-file": ("", "expected `topics:"),
    "not-yaml": ("topics: [unclosed\n  - : :\n", "is not valid YAML"),
}


@pytest.mark.parametrize(("content", "message"), list(INVALID_FILES.values()), ids=list(INVALID_FILES))
def test_invalid_topics_files_are_invalid_input(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(content, "utf-8")

    with pytest.raises(InvalidInput) as caught:
        load_topics(path)
    assert str(path) in caught.value.message, "the message names the file"
    assert message in caught.value.message


def test_a_missing_topics_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        load_topics(tmp_path / "nope.yaml")


def test_a_valid_file_is_parsed_and_digested(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n- name: Refunds\n  examples: ['  money back please ', '', ' ']\n- name: Fees\n"
                    "  description: charges\n", "utf-8")  # fmt: skip

    parsed, digest = load_topics(path)
    assert [t.name for t in parsed.topics] == ["Refunds", "Fees"]
    assert parsed.topics[0].examples == ("money back please",), "blank examples dropped, the rest stripped"
    assert re.fullmatch(r"[0-9a-f]{12}", digest)
    assert load_topics(path)[1] == digest
    airline, _ = load_topics(AIRLINE_TOPICS)
    assert len(airline.topics) == 10 and all(t.examples and t.description for t in airline.topics)


OFF_TOPIC = [
    "happy birthday mom, love you",
    "just finished a great book about gardening, highly recommend it",
    "my cat knocked the plant off the shelf again lol",
]


def topics_for(texts: list[str], *, tier: str = "accurate", path: Path = AIRLINE_TOPICS) -> list[list[dict[str, Any]]]:
    pipeline = Pipeline(PipelineSpec(tier=tier, topics_path=str(path), only=("topics",)))  # type: ignore[arg-type]
    return [r["topics"] for r in pipeline.run([PostInput(text=t) for t in texts])]


@pytest.mark.parametrize("tier", ["accurate", "fast"])
def test_off_topic_posts_get_none_of_these(tier: str) -> None:
    assert topics_for(OFF_TOPIC, tier=tier) == [[], [], []]


@pytest.mark.parametrize("tier", ["accurate", "fast"])
def test_a_clear_post_gets_its_topic_first(tier: str) -> None:
    found = topics_for(
        [
            "@united my suitcase never showed up at baggage claim and nobody can tell me where it is",
            "@SouthwestAir they cancelled my flight and the next one is in two days, I'm stranded",
            "@JetBlue the flight attendant rolled her eyes and ignored the call button the whole flight",
        ],
        tier=tier,
    )
    assert [topics[0]["name"] if topics else None for topics in found] == [
        "Lost Luggage",
        "Cancelled Flight",
        "Flight Attendant Complaints",
    ]


@pytest.mark.parametrize("tier", ["accurate", "fast"])
def test_a_post_about_two_things_gets_both(tier: str) -> None:
    (found,) = topics_for(["@united flight delayed 3 hours and then they lost my luggage too"], tier=tier)
    assert {"Late Flight", "Lost Luggage"} <= {t["name"] for t in found}


def test_scores_are_in_range_sorted_and_over_the_threshold(airline_file: Path) -> None:
    with airline_file.open(encoding="utf-8") as handle:
        texts = [json.loads(next(handle))["text"] for _ in range(300)]
    names = {t.name for t in load_topics(AIRLINE_TOPICS)[0].topics}

    results = topics_for(texts)
    for topics in results:
        scores = [t["score"] for t in topics]
        assert scores == sorted(scores, reverse=True)
        assert all(MIN_SCORE <= s <= 1.0 for s in scores)
        assert {t["name"] for t in topics} <= names and len({t["name"] for t in topics}) == len(topics)
    assert any(len(topics) > 1 for topics in results), "multi-label happens on real traffic"
    assert any(not topics for topics in results), "so does none of these"


def test_description_only_and_single_topic_files_work(tmp_path: Path) -> None:
    two = tmp_path / "two.yaml"
    two.write_text("topics:\n- name: Shipping\n  description: Parcels and deliveries that are late, lost or damaged; "
                   "tracking numbers.\n- name: Billing\n  description: Charges, invoices, refunds, double charges "
                   "on a credit card.\n", "utf-8")  # fmt: skip
    one = tmp_path / "one.yaml"
    one.write_text("topics:\n- name: Battery\n  examples: [the battery dies after two hours, my PulsePad won't hold "
                   "a charge, battery drains overnight]\n", "utf-8")  # fmt: skip
    parcel = "my parcel still hasn't arrived, tracking says it's been stuck in the depot for a week"
    charged = "you charged my card twice for the same order, I want a refund"

    shipping, billing, none = topics_for([parcel, charged, OFF_TOPIC[0]], path=two)
    assert shipping[0]["name"] == "Shipping" and billing[0]["name"] == "Billing" and none == []
    battery, off = topics_for(["my PulsePad battery is dead after one hour", OFF_TOPIC[0]], path=one)
    assert [t["name"] for t in battery] == ["Battery"] and off == []
