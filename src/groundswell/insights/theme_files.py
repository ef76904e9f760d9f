"""File mode for new themes: read a JSON-lines file of posts (generic format, enriched or raw), enrich on the fly
what a record lacks (the `embedding` and `sentiment` of the chosen tier), and run `find_themes`. All posts must
carry embeddings of one encoder: records enriched elsewhere with another tier are re-embedded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from groundswell.alerts.files import FileDetection, _chunks
from groundswell.enrich.records import record_author, record_text
from groundswell.errors import InvalidInput
from groundswell.insights.catalogue import Catalogue
from groundswell.insights.themes import Theme, ThemeConfig, ThemePost, find_themes
from groundswell.routing.enriched import created_at

NEEDED = ("sentiment", "embedding")


@dataclass
class FileThemes:
    themes: list[Theme]
    read: int = 0
    enriched: int = 0
    skipped: list[str] = field(default_factory=list)


def themes_from_file(
    path: Path, *, baseline_until: datetime | None = None, catalogue: Catalogue | None = None, tier: str = "fast",
    config: ThemeConfig | None = None,
) -> FileThemes:  # fmt: skip
    progress = FileDetection(alerts=[])
    records: list[tuple[int, dict[str, Any]]] = []
    for chunk in _chunks(path, progress):
        records.extend(chunk)
    enriched = _complete(records, tier)
    posts: list[ThemePost] = []
    skipped = list(progress.skipped)
    for line, record in records:
        post = theme_post(record, line)
        if isinstance(post, str):
            skipped.append(post)
        else:
            posts.append(post)
    dimensions = {len(p.embedding) for p in posts}
    if len(dimensions) > 1:
        raise InvalidInput(
            f"{path}: the posts carry embeddings of different encoders (lengths {sorted(dimensions)}); "
            "enrich the whole file with one tier, or drop the `embedding` fields to embed them here"
        )
    themes = find_themes(posts, baseline_until=baseline_until, catalogue=catalogue, config=config)
    return FileThemes(themes=themes, read=progress.read, enriched=enriched, skipped=skipped)


def theme_post(record: dict[str, Any], line: int | str = "?") -> ThemePost | str:
    moment = created_at(record)
    if moment is None:
        return f"line {line}: no readable created_at"
    try:
        text = record_text(record)
    except ValueError as exc:
        return f"line {line}: {exc}"
    embedding = record.get("embedding")
    if not isinstance(embedding, list) or not embedding:
        return f"line {line}: no embedding"
    author = record_author(record)
    name = (author.get("handle") or author.get("name") or author.get("id")) if author else record.get("author")
    sentiment = record.get("sentiment")
    label = sentiment.get("label") if isinstance(sentiment, dict) else sentiment
    return ThemePost(
        id=str(record.get("id", record.get("post_id", f"line-{line}"))), created_at=moment, text=text,
        embedding=embedding, author=name if isinstance(name, str) else None,
        sentiment=label if isinstance(label, str) else None,
    )  # fmt: skip


def _complete(records: list[tuple[int, dict[str, Any]]], tier: str) -> int:
    """Enrich the records that lack a sentiment or an embedding (or whose embedding differs in length from the
    tier's), in place; the number enriched."""
    from groundswell.enrich.jsonl import post_input
    from groundswell.enrich.pipeline import Pipeline, PipelineSpec

    pipeline = Pipeline(PipelineSpec(tier=tier, only=NEEDED))  # type: ignore[arg-type]
    dimension = pipeline.resources.encoder.dimension
    missing = [r for _, r in records if _has_text(r) and not _complete_for(r, dimension)]
    if not missing:
        return 0
    outputs = pipeline.run([post_input(r) for r in missing])
    for record, output in zip(missing, outputs, strict=True):
        record["embedding"] = output["embedding"]
        record.setdefault("sentiment", output["sentiment"])
    return len(missing)


def _complete_for(record: dict[str, Any], dimension: int) -> bool:
    embedding = record.get("embedding")
    return "sentiment" in record and isinstance(embedding, list) and len(embedding) == dimension


def _has_text(record: dict[str, Any]) -> bool:
    try:
        record_text(record)
    except ValueError:
        return False
    return True
