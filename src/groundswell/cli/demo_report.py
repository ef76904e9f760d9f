"""The demo's printed report of what the enrichment understood: compact Rich tables, one per question
("how do customers feel?", "what do they want?", "what about?", "what needs an answer first?", "where?")."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from groundswell.analytics.enrichment_summary import EnrichmentSummary, LabelCounts
from groundswell.enrich.service import EnrichRunSummary

TEXT_WIDTH = 100
TOP_LANGUAGES = 5


def print_enrichment_summary(console: Console, summary: EnrichmentSummary, run: EnrichRunSummary, *, tier: str) -> None:
    console.print(
        f"\nEnriched {run.posts_enriched:,} posts in {run.seconds:.1f} s ({tier} tier, {run.engine} engine): "
        f"what customers say, as groundswell understood it.",
        soft_wrap=True,
    )
    console.print(_counts_table("Sentiment", "sentiment", summary.sentiment, none_label=None))
    console.print(_counts_table("Intents (a post may have several)", "intent", summary.intents, none_label="none"))
    console.print(_counts_table("Topics (Voltline topics file)", "topic", summary.topics, none_label="none"))
    console.print(
        _counts_table("Languages", "language", summary.languages, none_label="undetermined", limit=TOP_LANGUAGES)
    )
    console.print(_urgent_table(summary))
    console.print(_places_table(summary))


def _counts_table(
    title: str, column: str, counts: LabelCounts, *, none_label: str | None, limit: int | None = None
) -> Table:
    """One row per label, most frequent first; past `limit` labels, one "other" row sums the rest."""
    table = Table(column, "posts", "%", title=title)
    items = list(counts.counts.items())
    shown, rest = (items, []) if limit is None else (items[:limit], items[limit:])
    for label, count in shown:
        table.add_row(label.replace("_", " "), f"{count:,}", f"{counts.share(count):.1f}")
    if rest:
        other = sum(count for _, count in rest)
        table.add_row(f"{len(rest)} other", f"{other:,}", f"{counts.share(other):.1f}")
    if none_label is not None and counts.unlabelled:
        table.add_row(none_label, f"{counts.unlabelled:,}", f"{counts.share(counts.unlabelled):.1f}", style="dim")
    return table


def _urgent_table(summary: EnrichmentSummary) -> Table:
    """The post's text with its urgency signals beneath it, so that the text gets the width."""
    table = Table("score", "level", "channel", "post [dim](urgency signals)[/dim]", title="Most urgent posts")
    for post in summary.most_urgent:
        signals = ", ".join(signal.replace("_", " ") for signal in post.signals)
        cell = Text(shorten(post.text))
        cell.append(f"\n({signals})", style="dim")
        table.add_row(f"{post.score:.2f}", post.level, post.channel, cell)
    return table


def _places_table(summary: EnrichmentSummary) -> Table:
    table = Table("place", "kind", "posts", title="Places mentioned most")
    for place in summary.places:
        table.add_row(place.label, place.kind, f"{place.posts:,}")
    return table


def shorten(text: str, width: int = TEXT_WIDTH) -> str:
    """One line of at most `width` characters, cut at a word where possible, with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut).rstrip(" ,.;:") + "…"
