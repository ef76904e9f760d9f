"""How urgently a post needs an answer, and why: pure scoring over what earlier enrichers said and the text.

Each signal carries a weight in [0, 1) and they combine as independent chances that the post is urgent,
score = 1 - prod(1 - w), so any signal raises the score, none can lower it, two strong signals beat one,
and the score saturates below 1 however many fire. Reach then amplifies what is already there (an
influencer's complaint spreads; an influencer's praise is not urgent), and a positive tone damps the
word lists, which misfire in happy posts ("this phone is fire", "flying home today!").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Model-based signals: weight at probability 1, scaled by the probability, ignored below the floor.
NEGATIVE_SENTIMENT_WEIGHT = 0.25
ANGER_WEIGHT = 0.15
SADNESS_WEIGHT = 0.10
OFFENSIVE_WEIGHT = 0.08
PROBABILITY_FLOOR = 0.35
# Intents that mean someone is waiting on us; a lost item (bag, wallet, passport) is a case against a clock.
INTENT_WEIGHTS = {"lost_item": 0.30, "complaint": 0.15, "question": 0.10}
SHOUTING_WEIGHT = 0.08
SHOUTING_BOTH_WEIGHT = 0.14
# Reach adds up to this share of the remaining headroom, scaled by the content score, from 100 (nothing)
# to 1,000,000 (all of it) on a log scale.
REACH_MAX_WEIGHT = 0.35
REACH_FLOOR = 100
REACH_CEILING = 1_000_000
# A fully positive post keeps 15% of each word-list weight: "this phone is fire", "flying home today!".
POSITIVE_DAMPING = 0.85

LEVELS = ((0.75, "critical"), (0.55, "high"), (0.30, "medium"))
LOWEST_LEVEL = "low"


@dataclass(frozen=True)
class Lexicon:
    """Phrases (regex fragments, matched case-insensitively on word boundaries) that raise one signal."""

    signal: str
    weight: float
    phrases: tuple[str, ...]
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        body = "|".join(p.replace(" ", r"\s+") for p in self.phrases)
        object.__setattr__(self, "pattern", re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE))


LEXICONS = (
    Lexicon("safety", 0.50, (
        "fire", "on fire", "caught fire", "smoke", "smoking", "smoky", "overheat(?:s|ed|ing)?", "burn(?:s|ed|t|ing)?",
        "sparks?", "sparking", "explode[sd]?", "exploding", "explosion", "injur(?:ed|y|ies)", "bleeding",
        "(?:got|get|was|were|been|is|are|am|getting) (?:badly |seriously )?hurt", "unsafe", "dangerous",
        "emergency", "medical", "ambulance", "paramedics?", "carbon monoxide", "gas leak", "electrocuted",
        "shock(?:ed)? me", "allergic reaction", "food poisoning", "choking", "seizure", "unconscious",
    )),
    Lexicon("stranded", 0.25, (
        "stranded", "stuck", "missed (?:my|our|the) (?:connection|connecting flight|flight)", "no way home",
        "nowhere to sleep", "sleeping (?:at|in) the airport", "locked out", "left behind", "bumped",
    )),
    Lexicon("time_pressure", 0.18, (
        "asap", "urgent(?:ly)?", "right now", "right away", "immediately", "in an hour", "in \\d+ min(?:ute)?s",
        "boarding", "gate closes", "deadline", "hurry", "running out of time", "before my flight", "time sensitive",
    )),
    Lexicon("time_pressure", 0.06, ("now", "today", "tonight", "this morning", "this evening", "soon")),
    Lexicon("churn_threat", 0.20, (
        "cancel(?:l?ing)? my (?:account|subscription|membership|contract|plan|card)", "close my account",
        "never again", "never (?:fly(?:ing)?|shop(?:ping)?|buy(?:ing)?|order(?:ing)?) (?:with|from|at) \\w+ again",
        "switching to", "switch(?:ed)? to \\w+ instead", "taking my business elsewhere", "done with you",
        "last time i (?:fly|flew|buy|bought|use|order)", "lost a (?:loyal )?customer", "unsubscrib(?:e|ing)",
        "find(?:ing)? (?:another|a new) (?:airline|provider|bank|carrier|company)",
    )),
    Lexicon("legal_media_threat", 0.25, (
        "lawyers?", "attorneys?", "sue (?:you|u|them|your|the)", "suing", "lawsuit", "legal action",
        "small claims", "bbb", "better business bureau", "reporters?", "journalists?", "news station",
        "(?:call|calling|contact|contacting|tell|telling|going to|go to|tip off) the (?:news|press|media)",
        "consumer protection", "ombudsman", "dot complaint", "file a complaint with",
    )),
)  # fmt: skip

_NEGATORS = frozenset({"not", "no", "never", "nobody", "nothing", "none", "without", "hardly", "neither", "nor"})
_CLAUSE_BREAK = re.compile(r"[.!?;,:\n]|\bbut\b", re.IGNORECASE)
_WORD = re.compile(r"[\w']+")
_CAPS_WORD = re.compile(r"(?<![\w'])[A-Z]{4,}(?![\w'])")
_EXCLAMATIONS = re.compile(r"!{3,}|[!?]{4,}")


@dataclass(frozen=True)
class Signal:
    signal: str
    weight: float
    evidence: str

    def as_dict(self) -> dict[str, Any]:
        return {"signal": self.signal, "weight": round(self.weight, 3), "evidence": self.evidence}


@dataclass(frozen=True)
class UrgencyInput:
    """One post as the rules see it; the model outputs use the pipeline's JSON shapes (None when absent)."""

    text: str
    reach: int = 0
    sentiment: Mapping[str, Any] | None = None
    emotion: Mapping[str, Any] | None = None
    intents: Sequence[str] = ()
    offensive: Mapping[str, Any] | None = None


def assess(post: UrgencyInput) -> dict[str, Any]:
    """{"score", "level", "signals"}: the signals are exactly what raised the score, strongest first."""
    tone = 1.0 - POSITIVE_DAMPING * probability(post.sentiment, "positive")
    signals = model_signals(post) + text_signals(post.text, tone)
    content = combine(s.weight for s in signals)
    reach = reach_signal(post.reach, content)
    if reach is not None:
        signals.append(reach)
    score = round(combine(s.weight for s in signals), 3)
    signals.sort(key=lambda s: (-s.weight, s.signal))
    return {"score": score, "level": level_of(score), "signals": [s.as_dict() for s in signals]}


def combine(weights: Any) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(max(weight, 0.0), 1.0)
    return 1.0 - remaining


def level_of(score: float) -> str:
    for threshold, level in LEVELS:
        if score >= threshold:
            return level
    return LOWEST_LEVEL


def probability(result: Mapping[str, Any] | None, label: str) -> float:
    """A classifier's probability for one label; its label alone counts as certain when scores are missing."""
    if not result:
        return 0.0
    scores = result.get("scores") or {}
    if label in scores:
        return min(max(float(scores[label]), 0.0), 1.0)
    return 1.0 if result.get("label") == label else 0.0


def model_signals(post: UrgencyInput) -> list[Signal]:
    scaled = (
        ("negative_sentiment", post.sentiment, "negative", NEGATIVE_SENTIMENT_WEIGHT),
        ("anger", post.emotion, "anger", ANGER_WEIGHT),
        ("sadness", post.emotion, "sadness", SADNESS_WEIGHT),
        ("offensive", post.offensive, "offensive", OFFENSIVE_WEIGHT),
    )
    signals = []
    for name, result, label, weight in scaled:
        p = probability(result, label)
        if p >= PROBABILITY_FLOOR:
            signals.append(Signal(name, weight * p, f"{label} {p:.2f}"))
    for intent in sorted(set(post.intents) & INTENT_WEIGHTS.keys()):
        signals.append(Signal(f"{intent}_intent", INTENT_WEIGHTS[intent], f"intent {intent}"))
    return signals


def text_signals(text: str, tone: float = 1.0) -> list[Signal]:
    """Signals from the words themselves, each weighted by `tone` (1 for a post that is not positive)."""
    found: dict[str, tuple[float, list[str]]] = {}
    for lexicon in LEXICONS:
        hits = [m for m in lexicon.pattern.finditer(text) if not is_negated(text, m.start())]
        if not hits:
            continue
        weight, evidence = found.get(lexicon.signal, (0.0, []))
        terms = [" ".join(m.group(0).lower().split()) for m in hits]
        found[lexicon.signal] = (max(weight, lexicon.weight), list(dict.fromkeys(evidence + terms)))
    signals = [Signal(name, w * tone, ", ".join(f"'{t}'" for t in terms[:4])) for name, (w, terms) in found.items()]
    shouting = shouting_signal(text)
    if shouting is not None:
        signals.append(Signal(shouting.signal, shouting.weight * tone, shouting.evidence))
    return signals


def is_negated(text: str, start: int) -> bool:
    """Whether one of the three words before `start`, in the same clause, negates it ("not stuck")."""
    before = text[:start].replace("’", "'")
    clause = _CLAUSE_BREAK.split(before)[-1]
    words = [w.lower() for w in _WORD.findall(clause)[-3:]]
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


def shouting_signal(text: str) -> Signal | None:
    """Words in capitals (four letters or more, so airport codes and "DM" do not count) and "!!!"."""
    caps = len(_CAPS_WORD.findall(text))
    bangs = _EXCLAMATIONS.search(text)
    shouting = caps >= 2
    parts = [f"{caps} words in capitals"] if shouting else []
    if bangs:
        parts.append(f"'{bangs.group(0)}'")
    if not parts:
        return None
    weight = SHOUTING_BOTH_WEIGHT if shouting and bangs else SHOUTING_WEIGHT
    return Signal("shouting", weight, "; ".join(parts))


def reach_signal(reach: int, content_score: float) -> Signal | None:
    """What the audience adds: grows with log reach and with how urgent the post already is."""
    if reach <= REACH_FLOOR or content_score <= 0.0:
        return None
    span = math.log10(REACH_CEILING) - math.log10(REACH_FLOOR)
    scale = min((math.log10(reach) - math.log10(REACH_FLOOR)) / span, 1.0)
    weight = REACH_MAX_WEIGHT * scale * content_score
    if weight < 0.0005:
        return None
    return Signal("reach", weight, f"reach {reach:,}")
