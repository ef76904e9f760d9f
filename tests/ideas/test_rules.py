from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.errors import Conflict
from groundswell.ideas.rules import (
    Candidate,
    IdeaStatus,
    add_to_centroid,
    allowed_next,
    check_transition,
    clean_text,
    closest_idea,
    cosine,
    idea_title,
    key_phrases,
    parse_status,
    trend,
)

S = IdeaStatus
EXPECTED = {
    S.new: {S.under_review, S.declined},
    S.under_review: {S.planned, S.declined},
    S.planned: {S.in_progress, S.declined},
    S.in_progress: {S.shipped, S.declined},
    S.shipped: set(),
    S.declined: {S.under_review},
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("wanted", list(S))
def test_every_transition_is_allowed_exactly_when_the_table_says(current: S, wanted: S) -> None:
    if wanted in EXPECTED[current]:
        check_transition(current, wanted)
    else:
        with pytest.raises(Conflict, match=f"cannot become {wanted}"):
            check_transition(current, wanted)


@given(st.lists(st.sampled_from(list(S)), max_size=30))
def test_any_walk_keeps_to_the_path_and_shipped_is_final(steps: list[S]) -> None:
    status, seen_shipped = S.new, False
    for wanted in steps:
        if wanted in allowed_next(status):
            assert not seen_shipped  # nothing leaves shipped
            status = wanted
            seen_shipped = status is S.shipped
    if status is S.shipped:
        assert allowed_next(status) == ()


def test_status_spellings() -> None:
    assert parse_status("In progress") is S.in_progress and parse_status("under-review") is S.under_review
    with pytest.raises(Conflict, match="use one of new, under_review"):
        parse_status("done")


def unit(values: list[float]) -> list[float]:
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values]


def test_a_suggestion_joins_the_closest_idea_over_the_threshold_whose_topic_agrees() -> None:
    ideas = [
        Candidate(1, unit([1, 0, 0]), "charging"),
        Candidate(2, unit([1, 0.3, 0]), None),
        Candidate(3, unit([0, 1, 0]), "app"),
    ]
    assert closest_idea(unit([1, 0.05, 0]), "charging", ideas, threshold=0.6) == (1, pytest.approx(0.99875, abs=1e-4))
    # The closest one talks about another topic: the next closest without a topic takes it.
    hit = closest_idea(unit([1, 0.05, 0]), "battery", ideas, threshold=0.6)
    assert hit is not None and hit[0] == 2
    assert closest_idea(unit([0, 0, 1]), None, ideas, threshold=0.6) is None
    assert closest_idea(unit([0, 1, 0]), None, ideas, threshold=1.0) == (3, pytest.approx(1.0))


vectors = st.lists(st.floats(-1, 1, allow_nan=False), min_size=4, max_size=4).filter(
    lambda v: sum(x * x for x in v) > 1e-3
)


@given(st.lists(vectors, min_size=1, max_size=12))
def test_the_running_centroid_is_a_unit_vector_inside_the_members_cone(members: list[list[float]]) -> None:
    centroid: list[float] = []
    for count, member in enumerate(members):
        centroid = add_to_centroid(centroid, count, unit(member))
    assert math.isclose(math.sqrt(sum(c * c for c in centroid)), 1.0, rel_tol=1e-9)
    # A positive combination of the members: on the positive side of any axis all of them are on.
    for axis in range(4):
        if all(unit(m)[axis] > 0 for m in members):
            assert centroid[axis] > 0


def test_the_centroid_of_equal_members_is_that_member() -> None:
    centroid: list[float] = []
    for count in range(5):
        centroid = add_to_centroid(centroid, count, unit([1, 2, 2, 0]))
    assert centroid == pytest.approx(unit([1, 2, 2, 0]))


def test_cosine_of_mismatched_or_empty_vectors_is_zero() -> None:
    assert cosine([], []) == 0.0 and cosine([1.0], [1.0, 0.0]) == 0.0 and cosine([0.0, 0.0], [1.0, 0.0]) == 0.0


POSTS = [
    "@Voltline please add a USB-C port to the PulsePad, I'm tired of carrying the old cable",
    "@Voltline the PulsePad really needs USB-C charging, please add it in the next model",
    "Voltline should give the PulsePad a USB-C port instead of micro USB https://t.co/x",
]


def test_the_title_is_the_customers_own_words_trimmed_to_one_clause() -> None:
    phrases = key_phrases(POSTS)
    assert "pulsepad" in phrases and "usb" in phrases
    assert idea_title(POSTS, phrases) == "Add a USB-C port to the PulsePad"


def test_clean_text_drops_mentions_links_greetings_and_cuts_long_text() -> None:
    assert clean_text("@brand hi, please let me export to PDF. Thanks!") == "Let me export to PDF"
    long = "make the " + "very " * 40 + "long thing"
    title = clean_text(long)
    assert len(title) <= 80 and title.endswith("…") and title.startswith("Make the very")


def test_a_title_falls_back_to_the_key_phrases_when_posts_are_too_short() -> None:
    assert idea_title(["dark mode!", "Dark mode"], ["dark mode"]) == "Dark mode"
    assert idea_title([], []) == "Untitled idea"


def test_trend_counts_the_last_week_and_the_week_before() -> None:
    now = datetime(2026, 3, 20, tzinfo=UTC)
    times = [now - timedelta(days=d) for d in (0.5, 1, 6.9, 7.5, 13, 15)]
    assert trend(times, now) == (3, 2)
