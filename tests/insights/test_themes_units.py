"""Units of new themes: the catalogue file and its errors, the unexpected-use rule (positive and negative
examples), `find_themes` on edge cases, and properties of `find_themes` on generated windows (deterministic,
independent of input order, post ids from the recent window, themes disjoint)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from groundswell.errors import InvalidInput
from groundswell.insights.catalogue import load_catalogue, parse_catalogue
from groundswell.insights.themes import ThemeConfig, ThemePost, find_themes
from groundswell.insights.themes_uses import judge_use, use_talk

CATALOGUE = load_catalogue(Path(__file__).parents[2] / "examples" / "catalogue" / "voltline.yaml")
SPLIT = datetime(2026, 3, 2, tzinfo=UTC)

# -- the catalogue ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (None, "expected `products:` with a list of products"),
        ({"products": []}, "expected `products:` with a list of products"),
        ({"items": [{"name": "X"}]}, "expected `products:`"),
        ({"products": ["PulsePad"]}, "product 1 needs a `name`"),
        ({"products": [{"name": " ", "intended_uses": ["music"]}]}, "product 1 needs a `name`"),
        ({"products": [{"name": "Pad"}]}, "product 'Pad' needs at least one of its `intended_uses`"),
        ({"products": [{"name": "Pad", "intended_uses": "music"}]}, "product 'Pad' `intended_uses` must be a list"),
        ({"products": [{"name": "Pad", "intended_uses": ["music"], "aliases": [3]}]}, "'Pad' `aliases` must be"),
        ({"products": [{"name": "Pad", "intended_uses": ["music"], "keywords": [""]}]}, "'Pad' `keywords` must"),
    ],
)
def test_catalogue_errors_say_what_to_write(document: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_catalogue(document, source="products.yaml")
    assert str(caught.value).startswith("products.yaml: ") and message in str(caught.value)


def test_catalogue_files_missing_or_not_yaml(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found; give --catalogue a YAML file"):
        load_catalogue(tmp_path / "none.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("products: [name: {\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"broken\.yaml is not valid YAML"):
        load_catalogue(broken)


def test_catalogue_names_aliases_and_intended_purposes() -> None:
    names = [(p.name, m.group(0)) for p, m in CATALOGUE.mentioned("my pulse pad and two ChargeDocks, no buds")]
    assert names == [("PulsePad", "pulse pad"), ("ChargeDock", "ChargeDocks")]
    pad = next(p for p in CATALOGUE.products if p.name == "PulsePad")
    assert pad.intended("making beats") is True and pad.intended("time-lapse photography") is False
    assert pad.intended("the and of") is None


# -- the unexpected-use rule -----------------------------------------------------------------------------------

LAPSE = [
    "using the PulsePad to trigger my camera shutter for a time-lapse",
    "my PulsePad is now an intervalometer for time-lapse shots",
    "time-lapse of clouds with the PulsePad triggering my camera",
    "the PulsePad fires my camera shutter every ten seconds",
]
BEATS = [
    "using the PulsePad to make beats with the drum pads",
    "my PulsePad is now my main drum machine for beats",
    "made a beat on the PulsePad sequencer",
]
OVERHEATING = [
    "Should I stop using my ChargeDock until Voltline says something?",
    "stop using the ChargeDock please, mine melted the cable",
    "My ChargeDock got so hot I couldn't touch it last night",
    "Unplug your ChargeDocks, people. Mine warped the base",
]


def test_a_purpose_outside_the_intended_uses_is_flagged_with_its_words() -> None:
    verdict = judge_use(LAPSE, ["time lapse", "camera", "shutter", "pulsepad"], CATALOGUE)
    assert verdict.unexpected and verdict.product == "PulsePad"
    assert verdict.purposes == ("time lapse", "camera", "shutter") and verdict.use_posts >= 2


@pytest.mark.parametrize(
    ("texts", "key", "product"),
    [
        (BEATS, ["beats", "drum pads", "sequencer"], "PulsePad"),  # an intended use
        (OVERHEATING, ["stop using", "hot", "melted", "using"], "ChargeDock"),  # "stop using" is no use
        (["my PulsePad battery died", "PulsePad screen cracked", "the PulsePad camera app crashes"],
         ["camera", "battery", "screen"], "PulsePad"),  # complaints, no use talk
        (["my camera fires every ten seconds", "time-lapse of the sea", "camera shutter stuck"],
         ["camera", "shutter"], None),  # no product named
    ],
)  # fmt: skip
def test_no_unexpected_use(texts: list[str], key: list[str], product: str | None) -> None:
    verdict = judge_use(texts, key, CATALOGUE)
    assert not verdict.unexpected and verdict.product == product, verdict


def test_no_catalogue_no_verdict_and_negated_use_talk() -> None:
    assert judge_use(LAPSE, ["camera"], None).product is None
    assert use_talk("using the PulsePad as a trigger") and use_talk("now it holds my keys")
    assert not use_talk("Should I stop using my ChargeDock?") and not use_talk("never use the dock")
    assert not use_talk("my ChargeDock melted")


# -- find_themes: edge cases -----------------------------------------------------------------------------------


def _post(i: int, at: datetime, text: str = "plain words", vector: Any = (1.0, 0.0)) -> ThemePost:
    return ThemePost(id=f"p{i}", created_at=at, text=text, embedding=vector, author=f"a{i}")


def test_edge_cases_give_no_theme() -> None:
    recent = [_post(i, SPLIT + timedelta(hours=i + 1)) for i in range(20)]
    assert find_themes([]) == []
    assert find_themes(recent, baseline_until=SPLIT) == []  # no baseline post
    assert find_themes(recent, baseline_until=SPLIT + timedelta(days=30)) == []  # no recent post
    few = [_post(99, SPLIT - timedelta(days=3)), *recent[:5]]
    assert find_themes(few, baseline_until=SPLIT) == []  # fewer recent posts than min_size


def test_posts_without_embeddings_are_a_clear_error() -> None:
    posts = [_post(1, SPLIT - timedelta(days=1)), _post(2, SPLIT + timedelta(hours=1), vector=())]
    with pytest.raises(ValueError, match=r"post p2: every post needs an embedding of the same length \(2\)"):
        find_themes(posts, baseline_until=SPLIT)
    posts[1] = _post(2, SPLIT + timedelta(hours=1), vector=(1.0, 0.0, 0.0))
    with pytest.raises(ValueError, match="it has one of length 3; enrich the posts with `embedding`"):
        find_themes(posts, baseline_until=SPLIT)


# -- find_themes: properties on generated windows --------------------------------------------------------------

EVERYDAY = ["the drum pads feel great", "battery lasts six hours", "shipping took nine days",
            "loaded my own samples tonight", "the app wants a firmware update", "made a song on the train"]  # fmt: skip
NEW_TOPIC = [
    "PulsePad triggers my camera shutter for a time-lapse",
    "time-lapse of clouds, camera shutter fired by the PulsePad",
    "using the PulsePad as a camera shutter trigger, time-lapse tonight",
]


def _window(seed: int, theme_posts: int, everyday_recent: int) -> list[ThemePost]:
    """Two baseline weeks of everyday talk in six directions of meaning, and a recent two days with some
    everyday talk and `theme_posts` posts about a new topic in a direction of its own."""
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(7, 16))

    def vector(topic: int) -> list[float]:
        v = directions[topic] + rng.normal(scale=0.15, size=16)
        return [float(x) for x in v / np.linalg.norm(v)]

    posts = []
    for i in range(60):
        topic = i % 6
        at = SPLIT - timedelta(days=14) + timedelta(hours=5 * i + 1)
        posts.append(ThemePost(f"b{i}", at, EVERYDAY[topic], vector(topic), f"u{i % 25}", "neutral"))
    for i in range(everyday_recent):
        at = SPLIT + timedelta(hours=1 + 2 * i)
        posts.append(ThemePost(f"r{i}", at, EVERYDAY[i % 6], vector(i % 6), f"u{i % 25}", "neutral"))
    for i in range(theme_posts):
        at = SPLIT + timedelta(hours=2 + 3 * i)
        posts.append(ThemePost(f"t{i}", at, NEW_TOPIC[i % 3], vector(6), f"shooter{i % 8}", "positive"))
    return posts


def _shape(themes: list[Any]) -> list[tuple[str, float, int, frozenset[str]]]:
    return sorted((t.label, t.growth, t.size, frozenset(t.post_ids)) for t in themes)


def test_a_generated_new_topic_is_found() -> None:
    themes = find_themes(_window(1, 14, 12), baseline_until=SPLIT, catalogue=CATALOGUE)
    assert len(themes) == 1 and {p for p in themes[0].post_ids if p.startswith("t")} == set(themes[0].post_ids)
    assert themes[0].unexpected_use and themes[0].product == "PulsePad" and themes[0].new


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), theme_posts=st.integers(0, 20), everyday=st.integers(0, 24),
       shuffle=st.randoms(use_true_random=False))  # fmt: skip
@example(seed=9, theme_posts=8, everyday=10, shuffle=random.Random(0))  # 8 clustered, 7 left once the edge is cut
def test_find_themes_is_deterministic_order_free_and_reports_disjoint_recent_posts(
    seed: int, theme_posts: int, everyday: int, shuffle: random.Random
) -> None:
    posts = _window(seed, theme_posts, everyday)
    config = ThemeConfig(min_size=8, min_authors=4)
    themes = find_themes(posts, baseline_until=SPLIT, catalogue=CATALOGUE, config=config)
    assert _shape(find_themes(posts, baseline_until=SPLIT, catalogue=CATALOGUE, config=config)) == _shape(themes)
    mixed = list(posts)
    shuffle.shuffle(mixed)
    assert _shape(find_themes(mixed, baseline_until=SPLIT, catalogue=CATALOGUE, config=config)) == _shape(themes)
    recent = {p.id for p in posts if p.created_at > SPLIT}
    seen: set[str] = set()
    for theme in themes:
        assert set(theme.post_ids) <= recent and not seen & set(theme.post_ids)
        assert theme.size == len(theme.post_ids) >= config.min_size and theme.growth >= config.min_growth
        seen |= set(theme.post_ids)
    if theme_posts >= 12:  # a big enough new topic is always found
        assert any(sum(p.startswith("t") for p in t.post_ids) >= 0.8 * t.size for t in themes)
