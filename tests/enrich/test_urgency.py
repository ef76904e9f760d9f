"""Urgency: ordering on real-looking posts, the signals that explain a score, and properties of the maths."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.enrich.base import Batch, PostInput
from groundswell.enrich.enrichers.urgency import UrgencyEnricher
from groundswell.enrich.urgency_rules import UrgencyInput, assess, combine, is_negated, level_of, text_signals

LEVELS = ("low", "medium", "high", "critical")
INTENTS = ("question", "complaint", "praise", "suggestion", "lost_item", "purchase_intent", "other")


def sentiment(negative: float, neutral: float, positive: float) -> dict[str, Any]:
    scores = {"negative": negative, "neutral": neutral, "positive": positive}
    return {"label": max(scores, key=lambda k: scores[k]), "scores": scores}


def emotion(anger: float, joy: float, optimism: float, sadness: float) -> dict[str, Any]:
    scores = {"anger": anger, "joy": joy, "optimism": optimism, "sadness": sadness}
    return {"label": max(scores, key=lambda k: scores[k]), "scores": scores}


STRANDED = (
    PostInput(
        text="@AcmeAir flight cancelled, I'm STRANDED in Denver and you LOST my bag!!! Missed my connection, help now",
        reach=1_200,
    ),
    sentiment(0.93, 0.05, 0.02),
    emotion(0.85, 0.02, 0.03, 0.10),
    ["complaint", "lost_item"],
)
QUESTION = (
    PostInput(text="Hi, do you know if the lounge in T2 is open on Sundays?", reach=40),
    sentiment(0.05, 0.85, 0.10),
    emotion(0.10, 0.30, 0.40, 0.20),
    ["question"],
)
PRAISE = (
    PostInput(text="Thank you @AcmeAir, the crew was wonderful and my bag arrived early!", reach=300_000),
    sentiment(0.01, 0.03, 0.96),
    emotion(0.01, 0.85, 0.13, 0.01),
    ["praise"],
)
SMOKE = (
    PostInput(text="my charger started sparking and there's smoke coming out of the phone"),
    sentiment(0.70, 0.28, 0.02),
    emotion(0.40, 0.05, 0.05, 0.50),
    ["complaint"],
)


def batch_of(*rows: tuple[PostInput, dict[str, Any], dict[str, Any], list[str]]) -> Batch:
    batch = Batch(posts=[row[0] for row in rows])
    batch.results["sentiment"] = [row[1] for row in rows]
    batch.results["emotion"] = [row[2] for row in rows]
    batch.results["intent"] = [row[3] for row in rows]
    return batch


def signal_names(result: dict[str, Any]) -> list[str]:
    return [s["signal"] for s in result["signals"]]


def test_enricher_contract() -> None:
    enricher = UrgencyEnricher(None)
    assert enricher.name == "urgency"
    assert isinstance(enricher.version, str)
    assert enricher.requires == ("sentiment", "emotion", "intent", "offensive")
    assert enricher.uses_encoder is False


def test_stranded_angry_passenger_beats_mild_question_beats_praise() -> None:
    stranded, question, praise = UrgencyEnricher().enrich(batch_of(STRANDED, QUESTION, PRAISE))
    assert stranded["score"] > question["score"] > praise["score"]
    assert stranded["level"] in ("high", "critical")
    assert question["level"] == "low"
    assert praise["level"] == "low"


def test_signals_explain_the_score_strongest_first() -> None:
    [result] = UrgencyEnricher().enrich(batch_of(STRANDED))
    names = signal_names(result)
    for expected in ("lost_item_intent", "stranded", "negative_sentiment", "anger", "complaint_intent", "shouting"):
        assert expected in names
    weights = [s["weight"] for s in result["signals"]]
    assert weights == sorted(weights, reverse=True)
    assert all(0 < w < 1 for w in weights)
    evidence = {s["signal"]: s["evidence"] for s in result["signals"]}
    assert evidence["negative_sentiment"] == "negative 0.93"
    assert "'stranded'" in evidence["stranded"] and "'missed my connection'" in evidence["stranded"]
    assert "'!!!'" in evidence["shouting"]
    json.dumps(result)


def test_safety_words_make_a_post_high() -> None:
    [result] = UrgencyEnricher().enrich(batch_of(SMOKE))
    assert result["signals"][0]["signal"] == "safety"
    assert "'smoke'" in result["signals"][0]["evidence"]
    assert result["level"] in ("high", "critical")


def test_plain_praise_raises_nothing_even_with_a_large_audience() -> None:
    [result] = UrgencyEnricher().enrich(batch_of(PRAISE))
    assert result == {"score": 0.0, "level": "low", "signals": []}


def test_a_positive_tone_damps_word_list_misfires() -> None:
    happy = UrgencyInput("this new phone is fire, flying home today!", sentiment=sentiment(0.01, 0.04, 0.95))
    neutral = UrgencyInput("this new phone is fire, flying home today!", sentiment=sentiment(0.10, 0.80, 0.10))
    assert assess(happy)["score"] < 0.15 < assess(neutral)["score"]


def test_reach_amplifies_a_complaint() -> None:
    post = UrgencyInput("Worst service ever, switching to Delta", sentiment=sentiment(0.95, 0.04, 0.01))
    quiet = assess(post)
    loud = assess(UrgencyInput(post.text, reach=2_000_000, sentiment=post.sentiment))
    assert loud["score"] > quiet["score"]
    assert "reach" in signal_names(loud) and "reach" not in signal_names(quiet)
    assert "churn_threat" in signal_names(quiet)


def test_offensive_results_are_read_when_present() -> None:
    batch = batch_of(QUESTION)
    without = UrgencyEnricher().enrich(batch)[0]
    batch.results["offensive"] = [{"label": "offensive", "scores": {"offensive": 0.9, "not-offensive": 0.1}}]
    with_offensive = UrgencyEnricher().enrich(batch)[0]
    assert "offensive" in signal_names(with_offensive)
    assert with_offensive["score"] > without["score"]


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("I'm stuck at O'Hare", "stranded"),
        ("There is smoke in the cabin", "safety"),
        ("I will sue you for this", "legal_media_threat"),
        ("Filing with the BBB tomorrow", "legal_media_threat"),
        ("I'm calling the news about this", "legal_media_threat"),
        ("Please cancel my account", "churn_threat"),
        ("never flying with you again", "churn_threat"),
        ("need this fixed ASAP, gate closes in 20 minutes", "time_pressure"),
        ("THIS IS RIDICULOUS", "shouting"),
    ],
)
def test_word_lists_fire(text: str, signal: str) -> None:
    assert signal in [s.signal for s in text_signals(text)]


@pytest.mark.parametrize(
    "text",
    [
        "not stuck anymore, thanks",
        "no longer stranded, got rebooked",
        "nobody was hurt",
        "it isn't urgent",
        "My firewall settings reset",  # word boundaries: no "fire"
        "Flying LAX to SFO via DCA",  # airport codes are not shouting
        "I love the sparkling water",
    ],
)
def test_negated_or_partial_words_do_not_fire(text: str) -> None:
    assert text_signals(text) == []


def test_negation_stops_at_the_clause() -> None:
    text = "No help at the desk, stranded here"
    assert not is_negated(text, text.index("stranded"))
    assert is_negated("we are not really stuck", len("we are not really "))


def test_levels() -> None:
    assert [level_of(s) for s in (0.0, 0.29, 0.3, 0.55, 0.75, 1.0)] == [
        "low", "low", "medium", "high", "critical", "critical"
    ]  # fmt: skip
    assert combine([]) == 0.0
    assert combine([0.5, 0.5]) == pytest.approx(0.75)


# Property tests -------------------------------------------------------------------------------------

WORDS = (
    "stranded", "stuck", "now", "today", "fire", "smoke", "not", "no", "never again", "lawyer", "switching to",
    "asap", "hurt", "was hurt", "HELP", "PLEASE", "!!!", "?", ",", ".", "but", "bag", "flight", "thanks",
    "cancel my account", "BBB", "missed my connection", "nobody", "isn't", "great", "😡",
)  # fmt: skip
SAFETY_WORDS = ("fire", "smoke", "sparks", "explode", "injured", "unsafe", "emergency", "carbon monoxide", "FIRE")

probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
texts = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join))


@st.composite
def distributions(draw: st.DrawFn, labels: tuple[str, ...]) -> dict[str, Any]:
    raw = [draw(probabilities) for _ in labels]
    total = sum(raw) or 1.0
    scores = {label: value / total for label, value in zip(labels, raw, strict=True)}
    return {"label": max(scores, key=lambda k: scores[k]), "scores": scores}


@st.composite
def urgency_inputs(draw: st.DrawFn) -> UrgencyInput:
    return UrgencyInput(
        text=draw(texts),
        reach=draw(st.integers(min_value=0, max_value=10**9)),
        sentiment=draw(st.none() | distributions(("negative", "neutral", "positive"))),
        emotion=draw(st.none() | distributions(("anger", "joy", "optimism", "sadness"))),
        intents=tuple(draw(st.lists(st.sampled_from(INTENTS), max_size=3))),
        offensive=draw(st.none() | distributions(("offensive", "not-offensive"))),
    )


def with_text(post: UrgencyInput, text: str) -> UrgencyInput:
    return UrgencyInput(text, post.reach, post.sentiment, post.emotion, post.intents, post.offensive)


def with_reach(post: UrgencyInput, reach: int) -> UrgencyInput:
    return UrgencyInput(post.text, reach, post.sentiment, post.emotion, post.intents, post.offensive)


@given(urgency_inputs())
def test_score_is_in_unit_interval_and_explained(post: UrgencyInput) -> None:
    result = assess(post)
    assert 0.0 <= result["score"] <= 1.0
    assert result["level"] in LEVELS
    weights = [s["weight"] for s in result["signals"]]
    assert weights == sorted(weights, reverse=True)
    assert all(0.0 <= w < 1.0 for w in weights)
    # No signals, no urgency; and the score is at least its strongest signal.
    assert (result["score"] == 0.0) == (not result["signals"] or max(weights) < 0.0005)
    assert result["score"] >= max(weights, default=0.0) - 0.001
    json.dumps(result)


@given(urgency_inputs(), st.sampled_from(SAFETY_WORDS), st.sampled_from([". ", "! ", "\n"]))
def test_adding_a_safety_word_never_lowers_the_score(post: UrgencyInput, word: str, separator: str) -> None:
    before = assess(post)["score"]
    after = assess(with_text(post, post.text + separator + word))
    assert after["score"] >= before
    assert "safety" in signal_names(after)


@given(urgency_inputs(), st.integers(min_value=0, max_value=10**9))
def test_more_reach_never_lowers_the_score(post: UrgencyInput, extra: int) -> None:
    assert assess(with_reach(post, post.reach + extra))["score"] >= assess(post)["score"]
