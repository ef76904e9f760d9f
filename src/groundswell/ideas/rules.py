"""Pure rules of the ideas board: status transitions, joining a suggestion to the closest idea, the running
centroid, titles and key phrases from the idea's posts, and the trend of posts. No I/O."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from groundswell.alerts.phrases import MENTION, URL, phrases
from groundswell.errors import Conflict


class IdeaStatus(StrEnum):
    new = "new"
    under_review = "under_review"
    planned = "planned"
    in_progress = "in_progress"
    shipped = "shipped"
    declined = "declined"


# The forward path; declined is reachable from any status but shipped, and goes back to under_review.
_FORWARD: dict[IdeaStatus, tuple[IdeaStatus, ...]] = {
    IdeaStatus.new: (IdeaStatus.under_review,),
    IdeaStatus.under_review: (IdeaStatus.planned,),
    IdeaStatus.planned: (IdeaStatus.in_progress,),
    IdeaStatus.in_progress: (IdeaStatus.shipped,),
    IdeaStatus.shipped: (),
    IdeaStatus.declined: (IdeaStatus.under_review,),
}
# Statuses the customers behind an idea are told about.
NOTIFY_STATUSES = frozenset({IdeaStatus.planned, IdeaStatus.shipped})
DEFAULT_THRESHOLD = 0.6
TITLE_LIMIT = 80


def parse_status(value: str) -> IdeaStatus:
    cleaned = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return IdeaStatus(cleaned)
    except ValueError:
        raise Conflict(f"unknown idea status {value!r}: use one of {', '.join(IdeaStatus)}") from None


def allowed_next(status: IdeaStatus) -> tuple[IdeaStatus, ...]:
    """The statuses an idea may move to from `status`."""
    forward = _FORWARD[status]
    if status in (IdeaStatus.shipped, IdeaStatus.declined):
        return forward
    return (*forward, IdeaStatus.declined)


def check_transition(current: IdeaStatus, wanted: IdeaStatus) -> None:
    """Raise Conflict, naming the allowed statuses, unless `current` may move to `wanted`."""
    if wanted not in allowed_next(current):
        allowed = ", ".join(allowed_next(current)) or "none (shipped is final)"
        raise Conflict(f"an idea that is {current} cannot become {wanted}; from {current} it can become: {allowed}")


# --- joining suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """An active idea a new suggestion may join."""

    idea_id: int
    centroid: Sequence[float]
    topic: str | None


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    if len(a) != len(b) or not a:
        return 0.0
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm > 0 else 0.0


def closest_idea(
    vector: Sequence[float], topic: str | None, candidates: Iterable[Candidate], *, threshold: float
) -> tuple[int, float] | None:
    """The candidate a suggestion joins: the most similar one at or above `threshold` whose topic agrees
    (a topic only disagrees when both sides have one). None when it should start a new idea."""
    best: tuple[int, float] | None = None
    for candidate in candidates:
        if topic and candidate.topic and topic != candidate.topic:
            continue
        similarity = cosine(vector, candidate.centroid)
        if similarity >= threshold and (best is None or similarity > best[1]):
            best = (candidate.idea_id, similarity)
    return best


def normalised(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm > 0 else [float(x) for x in vector]


def add_to_centroid(centroid: Sequence[float], count: int, vector: Sequence[float]) -> list[float]:
    """The centroid after one more member: the mean of `count` members (stored unit length, so its direction
    weighted by `count`) plus the new vector, re-normalised to unit length."""
    if count <= 0 or not centroid:
        return normalised(vector)
    return normalised([c * count + v for c, v in zip(centroid, vector, strict=True)])


# --- titles and key phrases --------------------------------------------------------------------------------

_CLAUSE_END = re.compile(r"[.!?;\n]|,\s|\s[-–—]\s")
_LEAD = re.compile(r"^(?:(?:hey|hi|dear|ok|so|pls|please)\b[\s,!:]*)+", re.IGNORECASE)


def key_phrases(texts: Sequence[str], *, limit: int = 3) -> list[str]:
    """The phrases most of the idea's posts share (document frequency), a bigram preferred over its words."""
    frequency: Counter[str] = Counter()
    for text in texts:
        frequency.update(phrases(text))
    ranked = sorted(frequency.items(), key=lambda item: (-item[1], -len(item[0].split()), item[0]))
    chosen: list[str] = []
    for phrase, count in ranked:
        if len(chosen) >= limit or (count < 2 and len(texts) > 1 and chosen):
            break
        if any(set(phrase.split()) <= set(c.split()) for c in chosen):
            continue
        chosen.append(phrase)
    return chosen


def clean_text(text: str) -> str:
    """A post as a title candidate: no URLs or @mentions, one clause, no greeting, capitalised."""
    cleaned = " ".join(MENTION.sub(" ", URL.sub(" ", text)).split()).strip(" ,:-")
    cleaned = _LEAD.sub("", cleaned).strip() or cleaned
    # The first clause, or as many as make three words ("oof, sorry. try the chat" is not titled "Oof").
    clause = ""
    for part in _CLAUSE_END.split(cleaned):
        clause = f"{clause}, {part.strip()}" if clause else part.strip()
        if len(clause.split()) >= 3:
            break
    clause = clause or cleaned
    if len(clause) > TITLE_LIMIT:
        clause = clause[: TITLE_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return clause[:1].upper() + clause[1:]


def idea_title(texts: Sequence[str], phrases_: Sequence[str]) -> str:
    """A readable title: the shortest clean clause among the posts that carry the most key phrases (the
    words customers used themselves), else the key phrases joined."""
    if not texts:
        return "Untitled idea"
    scored = []
    for text in texts:
        clause = clean_text(text)
        found = phrases(clause)
        scored.append((-sum(1 for p in phrases_ if p in found), len(clause), clause))
    best = min(scored)
    if best[2] and len(best[2].split()) >= 3:
        return best[2]
    return (", ".join(phrases_) or best[2] or "Untitled idea").capitalize()


# --- trend ---------------------------------------------------------------------------------------------------


def trend(times: Iterable[datetime], now: datetime, *, days: int = 7) -> tuple[int, int]:
    """(posts in the last `days`, posts in the `days` before those)."""
    window = timedelta(days=days)
    recent = previous = 0
    for moment in times:
        if now - window < moment <= now:
            recent += 1
        elif now - 2 * window < moment <= now - window:
            previous += 1
    return recent, previous
