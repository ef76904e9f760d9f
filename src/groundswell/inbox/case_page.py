"""Everything the web case page shows, read in a handful of bulk queries: the case with its posts and timeline,
each post's enrichment explained in words, the SLA clocks, the customer's history across channels, the
case's replies and the templates that suit it.

"Across channels": an author is one identity on one channel, and linking identities is a later, explicit step;
until then the history also takes in authors with the same handle on other channels, and says so."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.inbox import repository, sla_repository
from groundswell.inbox.schemas import CaseView
from groundswell.inbox.templates import default_templates, list_templates
from groundswell.inbox.views import get_case
from groundswell.models import Author, Case, Post, SlaClockRecord
from groundswell.replies import service as replies
from groundswell.replies.schemas import ReplyView

HISTORY_LIMIT = 20
_WORD_SPLIT = re.compile(r"[._\-\s]+")


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing a model said about a post, and why (scores, signals, where a place was found)."""

    task: str
    value: str
    why: str = ""


@dataclass(frozen=True, slots=True)
class PostFacts:
    post_id: int
    facts: list[Fact]
    labels: dict[str, str]  # task -> the current label (sentiment, emotion), for the correction buttons
    label_choices: dict[str, list[str]]  # task -> the labels the model knows
    intents: list[str]
    topics: list[str]


@dataclass(frozen=True, slots=True)
class HistoryCase:
    id: int
    channel: str
    status: str
    subject: str
    opened_at: Any


@dataclass(frozen=True, slots=True)
class HistoryPost:
    id: int
    channel: str
    text: str
    created_at: Any
    url: str | None


@dataclass(frozen=True, slots=True)
class SuggestedTemplate:
    name: str
    description: str
    suggested: bool


@dataclass(frozen=True, slots=True)
class CasePage:
    case: CaseView
    post_facts: dict[int, PostFacts]
    clocks: list[SlaClockRecord]
    customer_handles: list[str]  # "handle (channel)" of the identities the history covers
    history_cases: list[HistoryCase]
    history_posts: list[HistoryPost]
    replies: list[ReplyView]
    templates: list[SuggestedTemplate]
    language: str


def case_page(session: Session, *, case_id: int) -> CasePage:
    view = get_case(session, case_id=case_id)
    row = repository.get_case(session, case_id)
    post_ids = [p.post_id for p in view.posts]
    values = repository.post_enrichments(session, post_ids)
    identities = _identities(session, row.customer_id)
    languages = [str(v["language"]) for v in values.values() if isinstance(v.get("language"), str)]
    return CasePage(
        case=view, post_facts={pid: explain(pid, values[pid]) for pid in post_ids},
        clocks=sla_repository.clocks_of_case(session, case_id),
        customer_handles=[f"{a.handle} ({a.channel})" for a in identities],
        history_cases=_history_cases(session, [a.id for a in identities], exclude=case_id),
        history_posts=_history_posts(session, [a.id for a in identities], exclude=set(post_ids)),
        replies=replies.list_views(session, case_id=case_id),
        templates=suggest_templates(session, row), language=languages[-1] if languages else "en",
    )  # fmt: skip


def explain(post_id: int, values: Mapping[str, Any]) -> PostFacts:
    """The stored enrichment of one post, in words. Pure."""
    facts: list[Fact] = []
    labels: dict[str, str] = {}
    choices: dict[str, list[str]] = {}
    for task in ("sentiment", "emotion", "offensive"):
        value = values.get(task)
        if isinstance(value, Mapping) and isinstance(value.get("label"), str):
            scores = value.get("scores") or {}
            labels[task] = value["label"]
            choices[task] = sorted(scores) if scores else [value["label"]]
            ranked = sorted(scores.items(), key=lambda item: -float(item[1]))[:3]
            facts.append(Fact(task, value["label"], ", ".join(f"{k} {float(s):.2f}" for k, s in ranked)))
    intents = [str(i) for i in values.get("intent") or [] if isinstance(i, str)]
    if intents:
        facts.append(Fact("intent", ", ".join(intents), "labels over their trained thresholds"))
    topics = [t for t in values.get("topics") or [] if isinstance(t, Mapping)]
    if topics:
        facts.append(Fact("topics", ", ".join(str(t.get("name")) for t in topics),
                          ", ".join(f"{t.get('name')} {float(t.get('score') or 0):.2f}" for t in topics)))  # fmt: skip
    urgency = values.get("urgency")
    if isinstance(urgency, Mapping) and isinstance(urgency.get("score"), int | float):
        signals = [_signal_text(s) for s in urgency.get("signals") or []]
        facts.append(Fact("urgency", f"{float(urgency['score']):.2f} ({urgency.get('level', '')})",
                          "; ".join(signals) or "no urgency signal"))  # fmt: skip
    if isinstance(values.get("language"), str):
        facts.append(Fact("language", values["language"]))
    places = [p for p in values.get("locations") or [] if isinstance(p, Mapping)]
    if places:
        facts.append(
            Fact(
                "locations",
                ", ".join(str(p.get("name")) for p in places),
                "; ".join(f"{p.get('matched', p.get('name'))} in {p.get('source', 'text')}" for p in places),
            )
        )
    return PostFacts(post_id, facts, labels, choices, intents, [str(t.get("name")) for t in topics])


def _signal_text(signal: Any) -> str:
    if isinstance(signal, Mapping):
        name = signal.get("signal") or signal.get("name") or ""
        detail = ", ".join(f"{k} {v}" for k, v in signal.items() if k not in {"signal", "name"})
        return f"{name} ({detail})" if detail else str(name)
    return str(signal)


def _identities(session: Session, customer_id: int | None) -> list[Author]:
    if customer_id is None:
        return []
    customer = session.get(Author, customer_id)
    if customer is None:
        return []
    same = select(Author).where(func.lower(Author.handle) == customer.handle.lower()).order_by(Author.id).limit(20)
    found = {a.id: a for a in session.scalars(same)}
    found.setdefault(customer.id, customer)
    return sorted(found.values(), key=lambda a: (a.id != customer.id, a.channel))


def _history_cases(session: Session, author_ids: Sequence[int], *, exclude: int) -> list[HistoryCase]:
    if not author_ids:
        return []
    stmt = (
        select(Case.id, Case.channel, Case.status, Case.subject, Case.opened_at)
        .where(Case.customer_id.in_(list(author_ids)), Case.id != exclude)
        .order_by(Case.opened_at.desc(), Case.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return [HistoryCase(*row) for row in session.execute(stmt)]


def _history_posts(session: Session, author_ids: Sequence[int], *, exclude: set[int]) -> list[HistoryPost]:
    if not author_ids:
        return []
    stmt = (
        select(Post.id, Post.channel, Post.text, Post.created_at, Post.url)
        .where(Post.author_id.in_(list(author_ids)))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(HISTORY_LIMIT + len(exclude))
    )
    rows = [HistoryPost(*row) for row in session.execute(stmt) if row[0] not in exclude]
    return rows[:HISTORY_LIMIT]


def suggest_templates(session: Session, case: Case) -> list[SuggestedTemplate]:
    """Every template, those whose name shares a word with the case's kind, intents or topics first."""
    signals = (case.routing or {}).get("signals") or {}
    words = {case.kind, *(signals.get("intents") or []), *(signals.get("topics") or []), *(case.tags or [])}
    cues = {part for word in words for part in _WORD_SPLIT.split(str(word).lower())}
    cues -= {"", "item", "other"} if case.kind != "lost_item" else {"", "other"}
    described = {name: next(iter(v.values())).description for name, v in default_templates().items() if v}
    for stored in list_templates(session):
        described.setdefault(stored.name, stored.description)
    found = [
        SuggestedTemplate(name, description, bool(cues & set(_WORD_SPLIT.split(name.lower()))) or name == "acknowledge")
        for name, description in described.items()
    ]
    return sorted(found, key=lambda t: (not t.suggested, t.name))
