"""Phrases of a post (word 1- and 2-grams, no @mentions, URLs, numbers or stop words) and how much more often a
phrase occurs in a window than in the scope's history: the log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi and Quinn 2008, "Fightin' Words"), over document frequencies. Pure."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping

URL = re.compile(r"https?://\S+|www\.\S+")
MENTION = re.compile(r"@\w+(?:[.@]\w+)*")  # @user, and Mastodon's @user@instance.social whole
WORD = re.compile(r"#?[a-z][a-z'’]+")
_STOP_TEXT = """
    a about above after again against all am an and any are aren't as at be because been before being below
    between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
    few for from further get got had hadn't has hasn't have haven't having he her here hers herself him himself
    his how i i'm i've i'd i'll if in into is isn't it it's its itself just let's me more most my myself no nor
    not now of off on once only or other ought our ours ourselves out over own same she should shouldn't so some
    such than that that's the their theirs them themselves then there there's these they they're this those
    through to too under until up very was wasn't we we're we've were weren't what what's when where which while
    who whom why will with won't would wouldn't you you're your yours yourself yourselves amp via rt u ur im
    dont cant thats ive still yes also one us even really today tonight back like
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def phrases(text: str) -> frozenset[str]:
    """The distinct 1- and 2-grams of a post; a 2-gram spans two adjacent kept words."""
    cleaned = MENTION.sub(" ", URL.sub(" ", text.lower()))
    kept: list[str | None] = []
    for token in WORD.findall(cleaned) if cleaned else []:
        token = token.replace("’", "'").strip("'")
        kept.append(None if token in STOP_WORDS or len(token) < 3 else token)
    grams = {t for t in kept if t is not None}
    grams.update(f"{a} {b}" for a, b in itertools.pairwise(kept) if a is not None and b is not None)
    return frozenset(grams)


def log_odds_z(
    in_window: int, window_docs: int, in_history: int, history_docs: int, *, prior_strength: float = 100.0
) -> float:
    """z-score of the log-odds ratio of a phrase in the window against the history, with a Dirichlet prior
    proportional to the phrase's pooled frequency (prior_strength pseudo-documents)."""
    pooled = (in_window + in_history + 0.5) / (window_docs + history_docs + 1.0)
    alpha = prior_strength * pooled
    a, b = in_window + alpha, in_history + alpha
    rest_a = max(window_docs + prior_strength - a, 1e-9)
    rest_b = max(history_docs + prior_strength - b, 1e-9)
    delta = math.log(a / rest_a) - math.log(b / rest_b)
    return delta / math.sqrt(1.0 / a + 1.0 / b)


def top_phrases(
    window: Mapping[str, int], window_docs: int, history: Mapping[str, int], history_docs: int, *, limit: int = 5
) -> list[str]:
    """The phrases most over-represented in the window (positive z only), a bigram preferred over its words."""
    scored = sorted(
        ((log_odds_z(n, window_docs, history.get(p, 0), history_docs), p) for p, n in window.items() if n >= 2),
        reverse=True,
    )
    chosen: list[str] = []
    for z, phrase in scored:
        if z <= 0 or len(chosen) >= limit:
            break
        if any(phrase in c.split(" ") for c in chosen if " " in c):
            continue
        chosen.append(phrase)
    return chosen
