"""`groundswell demo` enriches the posts it stores and summarises what customers say, through the
ordinary enrichment service; `--no-enrich` only stores them."""

from __future__ import annotations

from sqlalchemy import func, select

from groundswell.db.engine import make_engine
from groundswell.models import Enrichment, Post
from tests.support.cli import invoke

SECTIONS = ("Sentiment", "Intents", "Topics (Voltline topics file)", "Languages", "Most urgent posts", "Places")


def stored_counts(url: str) -> tuple[int, dict[str, int]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            posts = connection.scalar(select(func.count()).select_from(Post)) or 0
            by_enricher = connection.execute(select(Enrichment.enricher, func.count()).group_by(Enrichment.enricher))
            return int(posts), {name: int(count) for name, count in by_enricher}
    finally:
        engine.dispose()


def test_the_demo_enriches_the_posts_and_summarises_them(database_url: str) -> None:
    result = invoke("demo", "--volume", "300", "--seed", "3", "--no-serve")
    assert result.exit_code == 0, result.output
    for section in SECTIONS:
        assert section in result.stdout, section
    for text in ("Enriched ", "positive", "Lost Item in Store", "en ", "groundswell models"):
        assert text in result.stdout, text
    assert any(level in result.stdout for level in ("critical", "high")), "the most urgent posts are listed"
    assert "groundswell enrich --input" in result.stdout and "voltline_topics.yaml" in result.stdout
    assert "Voltline's 10 topics are stored and trained (version 1)" in result.stdout, "enrichment used them"
    posts, by_enricher = stored_counts(database_url)
    assert posts > 250
    for name in ("language", "sentiment", "intent", "topics", "urgency", "locations"):
        assert by_enricher.get(name) == posts, name


def test_no_enrich_only_stores_the_posts(database_url: str) -> None:
    result = invoke("demo", "--volume", "100", "--no-enrich", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "The story in the data" in result.stdout and "Try:" in result.stdout
    assert "Most urgent posts" not in result.stdout and "Enriched " not in result.stdout
    assert "Voltline's topics are stored (not trained" in result.stdout
    posts, by_enricher = stored_counts(database_url)
    assert posts > 0 and by_enricher == {}
