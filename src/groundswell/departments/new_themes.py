"""New-theme insights: the department's posts of the period and of the weeks before it go to
`groundswell.insights.themes.find_themes` (baseline: the weeks before, recent: the period), and each theme found
becomes an insight draft (title from the theme's label, or "Unexpected use of PRODUCT" when the catalogue says
so; size, growth, sentiment, key phrases, representative posts, customers, reach). Pure: posts in, drafts out.

Posts without a stored `embedding` enrichment are left out (and counted in the details): the finder compares
posts by meaning. When the stored embeddings come from encoders of different lengths, only the posts of the
most common length are used."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from groundswell.departments.rules import (
    MAX_LINKS,
    MAX_POST_IDS,
    InsightDraft,
    PostFacts,
    Subject,
    customers_and_reach,
    daily_counts,
    fingerprint,
    representatives,
    sentiment_shares,
)
from groundswell.departments.schemas import NewThemesSubscription
from groundswell.insights.catalogue import Catalogue
from groundswell.insights.themes import Theme, ThemeConfig, ThemePost, find_themes

KIND = "new_theme"


def theme_config(watch: NewThemesSubscription) -> ThemeConfig:
    config = ThemeConfig()
    return dataclasses.replace(
        config,
        min_size=config.min_size if watch.min_size is None else watch.min_size,
        min_authors=config.min_authors if watch.min_authors is None else watch.min_authors,
        min_growth=config.min_growth if watch.min_growth is None else watch.min_growth,
    )


def usable(posts: Sequence[PostFacts]) -> tuple[list[PostFacts], int]:
    """The posts with an embedding of the most common length, and how many were left out."""
    lengths = Counter(len(p.embedding) for p in posts if p.embedding)
    if not lengths:
        return [], len(posts)
    length = min(lengths, key=lambda n: (-lengths[n], n))
    kept = [p for p in posts if p.embedding and len(p.embedding) == length]
    return kept, len(posts) - len(kept)


def _theme_post(post: PostFacts) -> ThemePost:
    return ThemePost(id=str(post.id), created_at=post.created_at, text=post.text, embedding=post.embedding or (),
                     author=post.author, sentiment=post.sentiment)  # fmt: skip


def theme_drafts(
    watch: NewThemesSubscription, posts: Sequence[PostFacts], *, start: datetime, end: datetime,
    catalogue: Catalogue | None = None,
) -> list[InsightDraft]:  # fmt: skip
    """A draft per theme new in [start, end) against the `baseline_weeks` before `start`, biggest growth first."""
    baseline_start = start - timedelta(weeks=watch.baseline_weeks)
    window = [p for p in posts if baseline_start <= p.created_at < end and watch.concerns(p.product, p.brand)]
    kept, skipped = usable(window)
    themes = find_themes([_theme_post(p) for p in kept], baseline_until=start - timedelta(microseconds=1),
                         catalogue=catalogue, config=theme_config(watch))  # fmt: skip
    by_id = {str(p.id): p for p in kept}
    drafts: list[InsightDraft] = []
    for theme in themes:
        draft = draft_theme(theme, [by_id[i] for i in theme.post_ids], start=start, end=end, skipped=skipped,
                            baseline_weeks=watch.baseline_weeks)  # fmt: skip
        if any(d.fingerprint == draft.fingerprint for d in drafts):  # two themes with one label
            draft.fingerprint = f"{draft.fingerprint[:120]}#{len(drafts)}"
        drafts.append(draft)
    return drafts


def title_of(theme: Theme) -> str:
    if theme.unexpected_use and theme.product:
        return f"Unexpected use of {theme.product}: {theme.label}"
    return f"New theme: {theme.label}"


def _growth_words(theme: Theme, baseline_weeks: int) -> str:
    weeks = f"{baseline_weeks} week{'s' if baseline_weeks != 1 else ''}"
    if theme.new:
        return f"new: no similar post in the {weeks} before"
    return f"{theme.growth:g} times as many per day as similar posts in the {weeks} before ({theme.baseline_support})"


def draft_theme(
    theme: Theme, posts: Sequence[PostFacts], *, start: datetime, end: datetime, skipped: int = 0,
    baseline_weeks: int = 4,
) -> InsightDraft:  # fmt: skip
    """The insight a department reads about one theme (`posts`: the theme's posts)."""
    customers, reach = customers_and_reach(posts)
    shares = sentiment_shares(posts)
    ordered = representatives(posts)
    quoted = ", ".join(f"“{p}”" for p in theme.key_phrases)
    feeling = ", ".join(f"{share * 100:.0f}% {label}" for label, share in sorted(
        shares.items(), key=lambda item: (-item[1], item[0]))) or "no sentiment known"  # fmt: skip
    reach_words = f"combined reach {reach:,}" if reach else "reach unknown: no follower counts"
    last_day = end - timedelta(microseconds=1)
    parts = [
        f"{theme.size} posts from {customers} distinct customers ({reach_words}) between {start:%Y-%m-%d} and "
        f"{last_day:%Y-%m-%d}; {_growth_words(theme, baseline_weeks)}.",
        f"Sentiment: {feeling}.",
        f"Key phrases: {quoted}." if quoted else "",
    ]
    if theme.unexpected_use and theme.product:
        purposes = ", ".join(f"“{p}”" for p in theme.unexpected_purposes) or "a purpose it was not designed for"
        parts.insert(0, f"Customers use the {theme.product} for {purposes}, not among its intended uses.")
    by_id = {p.id: p for p in posts}
    details: dict[str, Any] = {
        "subject": theme.label, "group": theme.product, "key_phrases": theme.key_phrases, "posts": theme.size,
        "links": [{"post_id": i, "url": by_id[i].url} for i in ordered[:MAX_LINKS]],
        "theme": {"growth": theme.growth, "new": theme.new, "baseline_support": theme.baseline_support,
                  "baseline_weeks": baseline_weeks, "unexpected_use": theme.unexpected_use,
                  "product": theme.product, "unexpected_purposes": theme.unexpected_purposes,
                  "authors": theme.authors, "posts_without_embedding": skipped},
    }  # fmt: skip
    trend = {"per_day": daily_counts(posts, start, end), "total": len(posts), "previous_total": None,
             "change": None, "growth": theme.growth, "baseline_support": theme.baseline_support}  # fmt: skip
    subject = Subject(KIND, theme.label, theme.product if theme.unexpected_use else None)
    return InsightDraft(
        kind=KIND, fingerprint=fingerprint(subject, start, end), title=title_of(theme),
        summary=" ".join(p for p in parts if p), trend=trend, post_ids=ordered[:MAX_POST_IDS], customers=customers,
        reach=reach, sentiment=shares, details=details,
    )  # fmt: skip
