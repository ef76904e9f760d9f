"""Is a theme an *unexpected use* of a product? Explainable word rules over the theme's posts:

1. the product: the catalogue product named in the most posts of the theme, in at least `min_product_share`;
2. use talk: at least `min_use_share` of the posts name it with a use cue ("using", "as a", "turned into",
   "for my", "hack", "now it"...) that is not negated ("stop using", "never use"), so a theme that merely
   complains about a product, or tells people to stop using it, is not a use;
3. the purpose: the theme's key phrases, less the product's own names, are mostly words none of its intended
   uses (or their keywords) contain. Those words are reported as the theme's unexpected purposes. Pure."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from groundswell.insights.catalogue import Catalogue, Product, content_stems

USE_CUE = re.compile(
    r"\b(?:use[sd]?|using|turn(?:ed|s)?\s+(?:it|them|\w+)?\s*into|repurpos\w*|doubles? as|works? as|as an?|as my|"
    r"into an?|into my|became|becomes|now (?:my|it|a|holds|lives|mostly)|for (?:my|all|our)|hack|trick|tip|"
    r"trigger\w*|perfect for|great for|best \w+ for)\b",
    re.IGNORECASE,
)


# A use cue right after these words is talk of *not* using: "stop using my ChargeDock", "never use it as a".
STOPPING = re.compile(
    r"\b(?:stop(?:ped|s)?|quit(?:ting)?|don'?t|do not|doesn'?t|not|never|no longer|can'?t|cannot|won'?t|avoid)"
    r"(?:\s+\w+)?\s*$",
    re.IGNORECASE,
)


def use_talk(text: str) -> bool:
    """Whether the text talks of using something: a use cue not negated by the words just before it."""
    return any(not STOPPING.search(text[max(0, m.start() - 30) : m.start()]) for m in USE_CUE.finditer(text))


# Words that talk about using (or stopping) rather than name a purpose: "stop using", "please".
NOT_A_PURPOSE = frozenset({"stop", "stopped", "please", "next", "anyone", "example", "thing", "people"})


@dataclass(frozen=True)
class UseVerdict:
    unexpected: bool
    product: str | None
    purposes: tuple[str, ...] = ()  # the key phrases that are not an intended use
    intended: tuple[str, ...] = ()  # the key phrases that match an intended use
    use_posts: int = 0


def judge_use(
    texts: Sequence[str], key_phrases: Sequence[str], catalogue: Catalogue | None, *,
    min_product_share: float = 0.4, min_use_share: float = 0.25,
) -> UseVerdict:  # fmt: skip
    if catalogue is None or not texts:
        return UseVerdict(False, None)
    named: Counter[str] = Counter()
    by_name = {p.name: p for p in catalogue.products}
    for text in texts:
        named.update({p.name for p, _ in catalogue.mentioned(text)})
    if not named:
        return UseVerdict(False, None)
    name, count = named.most_common(1)[0]
    if count < min_product_share * len(texts):
        return UseVerdict(False, None)
    product = by_name[name]
    use_posts = sum(1 for t in texts if product.pattern.search(t) and use_talk(t))
    purposes, intended = _purposes(key_phrases, product)
    unexpected = use_posts >= min_use_share * len(texts) and len(purposes) > len(intended)
    return UseVerdict(unexpected, name, tuple(purposes), tuple(intended), use_posts)


def _purposes(key_phrases: Sequence[str], product: Product) -> tuple[list[str], list[str]]:
    own = content_stems(" ".join((product.name, *product.aliases)))
    purposes: list[str] = []
    intended: list[str] = []
    for phrase in key_phrases:
        words = content_stems(phrase) - own
        if not words or USE_CUE.search(phrase) or NOT_A_PURPOSE & set(phrase.split()):
            continue
        (intended if words & product.intended_stems else purposes).append(phrase)
    return purposes, intended
