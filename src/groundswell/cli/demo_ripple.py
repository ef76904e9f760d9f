"""The demo's ripple step: after enrichment, import Voltline's departments, collect the suggestions into ideas,
build each department's insights for the demo's last week and find the new themes of its last two weeks, then
print three compact sections (ideas board, department insights, new themes) through the ordinary services.

The configuration ships inside the package (voltline_departments.yaml, voltline_catalogue.yaml), so the demo
works from an installed wheel. New themes are found in fast-tier sentence vectors, as `groundswell insights
themes --input` computes them for a file of posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.cli.demo_report import shorten
from groundswell.db.engine import write_transaction
from groundswell.ideas.schemas import IdeaSummary
from groundswell.insights.themes import Theme, ThemeConfig, ThemePost
from groundswell.models import Enrichment, Post

_DEMO = Path(str(resources.files("groundswell.demo")))
VOLTLINE_DEPARTMENTS = _DEMO / "voltline_departments.yaml"
VOLTLINE_CATALOGUE = _DEMO / "voltline_catalogue.yaml"

ACTOR = "demo"
INSIGHT_DAYS = 7  # department insights cover the demo's last week
# The generator starts the PulsePad time-lapse ramp two weeks before the demo's end and puts some 15% of those
# posts earlier, so against that baseline the use grows only five- to ten-fold, depending on the hour the demo
# ends (the story's clock starts there). The default (ten-fold) missed it for about 4 in 10 end hours and five-
# fold for 1 in 24; three-fold found it for all 24 tried, with no other product flagged.
THEME_BASELINE_DAYS = 14
THEME_CONFIG = ThemeConfig(min_growth=3.0)
TOP_IDEAS = 6
TOP_INSIGHTS = 2
TOP_THEMES = 6


@dataclass(frozen=True)
class InsightLine:
    title: str
    summary: str
    customers: int
    trend: dict[str, Any]


@dataclass
class RippleReport:
    end: datetime
    ideas: list[IdeaSummary] = field(default_factory=list)
    suggestions: int = 0
    insights: dict[str, list[InsightLine]] = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    themed_posts: int = 0

    @property
    def baseline_until(self) -> datetime:
        return self.end - timedelta(days=THEME_BASELINE_DAYS)


def run_ripple(store: Store, *, end: datetime) -> RippleReport:
    """Departments, ideas and department insights in one transaction; then the new themes (read only)."""
    from groundswell.departments.service import build_insights, import_departments
    from groundswell.ideas.service import collect_ideas
    from groundswell.ideas.views import list_ideas

    report = RippleReport(end=end)
    document = yaml.safe_load(VOLTLINE_DEPARTMENTS.read_text(encoding="utf-8"))
    with write_transaction(store.sessions) as session:
        imported = import_departments(session, document=document, actor=ACTOR, now=end,
                                      source=VOLTLINE_DEPARTMENTS.name, base_dir=_DEMO)  # fmt: skip
        report.suggestions = collect_ideas(session, now=end, actor=ACTOR).posts
        report.ideas = list_ideas(session, now=end, sort="customers")
        for name in [*imported.created, *imported.updated, *imported.unchanged]:
            found = build_insights(session, department=name, period_start=end - timedelta(days=INSIGHT_DAYS),
                                   period_end=end, now=end, actor=ACTOR)  # fmt: skip
            ranked = sorted(found, key=lambda i: (-i.customers, i.id))
            report.insights[name] = [InsightLine(i.title, i.summary, i.customers, dict(i.trend)) for i in ranked]
    with store.sessions() as session:
        posts = _theme_posts(session)
    report.themed_posts = len(posts)
    report.themes = _themes(posts, baseline_until=report.baseline_until)
    return report


def _theme_posts(session: Session) -> list[ThemePost]:
    from groundswell.insights.theme_vectors import theme_vectors

    posts = [p for p in session.scalars(select(Post).order_by(Post.id)) if p.text and p.text.strip()]
    rows = session.execute(select(Enrichment.post_id, Enrichment.value).where(Enrichment.enricher == "sentiment"))
    sentiment = {post_id: value for post_id, value in rows}
    vectors = theme_vectors([p.text for p in posts])
    return [
        ThemePost(id=str(p.id), created_at=p.created_at, text=p.text, embedding=v,
                  author=str(p.author_id) if p.author_id is not None else None, sentiment=_label(sentiment.get(p.id)))
        for p, v in zip(posts, vectors, strict=True)
    ]  # fmt: skip


def _label(value: Any) -> str | None:
    label = value.get("label") if isinstance(value, dict) else value
    return label if isinstance(label, str) else None


def _themes(posts: list[ThemePost], *, baseline_until: datetime) -> list[Theme]:
    from groundswell.insights.catalogue import load_catalogue
    from groundswell.insights.themes import find_themes

    return find_themes(posts, baseline_until=baseline_until, catalogue=load_catalogue(VOLTLINE_CATALOGUE),
                       config=THEME_CONFIG)  # fmt: skip


def print_ripple(console: Console, report: RippleReport) -> None:
    console.print(_ideas_table(report))
    console.print(_insights_table(report))
    console.print(_themes_table(report))


def _ideas_table(report: RippleReport) -> Table:
    title = f"Ideas board: {len(report.ideas):,} ideas from {report.suggestions:,} suggestions, most customers first"
    table = Table("idea", "customers", "posts", "status", "trend (7 days)", title=title)
    for idea in report.ideas[:TOP_IDEAS]:
        change = idea.trend["change"]
        table.add_row(shorten(idea.title, 70), f"{idea.customers:,}", f"{idea.posts:,}", idea.status,
                      f"{idea.trend['last_7_days']} ({change:+d})")  # fmt: skip
    return table


def _insights_table(report: RippleReport) -> Table:
    start = report.end - timedelta(days=INSIGHT_DAYS)
    table = Table("department", "insight [dim](summary)[/dim]", "customers", "trend",
                  title=f"Department insights, {start:%Y-%m-%d} to {report.end:%Y-%m-%d}")  # fmt: skip
    for department, insights in report.insights.items():
        for index, insight in enumerate(insights[:TOP_INSIGHTS]):
            cell = f"{shorten(insight.title, 80)}\n[dim]{shorten(insight.summary, 80)}[/dim]"
            table.add_row(department if index == 0 else "", cell, f"{insight.customers:,}", _trend(insight.trend))
        if not insights:
            table.add_row(department, "[dim]nothing this week[/dim]", "", "")
    return table


def _trend(trend: dict[str, Any]) -> str:
    total, change = trend.get("total"), trend.get("change")
    if not isinstance(total, int):
        return "-"
    if isinstance(change, int | float):
        return f"{total:,} posts, {change:+.0%}"
    return f"{total:,} posts, new"


def _themes_table(report: RippleReport) -> Table:
    title = (f"New themes since {report.baseline_until:%Y-%m-%d} in {report.themed_posts:,} posts "
             "(Voltline catalogue)")  # fmt: skip
    table = Table("theme", "posts", "growth", "negative", "what it is", title=title)
    flagged = [t for t in report.themes if t.unexpected_use]
    shown = flagged + [t for t in report.themes if not t.unexpected_use][: max(0, TOP_THEMES - len(flagged))]
    for theme in shown:
        table.add_row(theme.label, f"{theme.size:,}", f"x{theme.growth:g}", f"{theme.sentiment['negative']:.0%}",
                      _what(theme))  # fmt: skip
    return table


def _what(theme: Theme) -> str:
    if theme.unexpected_use:
        purposes = theme.unexpected_purposes or [theme.label]
        # "time" inside "time lapse" says nothing more: keep the phrases no other phrase contains.
        kept = [p for p in purposes if not any(p != o and set(p.split()) <= set(o.split()) for o in purposes)]
        purpose = ", ".join(kept[:2])
        return f"[bold]{theme.product} used for {purpose} (unexpected use)[/bold]"
    return f"about {theme.product}" if theme.product else "-"


def ripple_hints(url: str, report: RippleReport, posts_file: Path) -> list[str]:
    return [
        f"groundswell ideas list --db {url}",
        f"groundswell departments insights 'product design' --until {report.end:%Y-%m-%dT%H:%M:%SZ} --db {url}",
        f"groundswell insights themes --input {posts_file} --catalogue {VOLTLINE_CATALOGUE} "
        f"--baseline-until {report.baseline_until:%Y-%m-%dT%H:%M:%SZ} --min-growth {THEME_CONFIG.min_growth:g}",
    ]
