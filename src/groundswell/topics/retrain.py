"""Retraining: fit the topic model on the stored examples (offline: the bundled encoder, nothing downloaded),
measure it honestly (`evaluation.py`), and store the topics with the figures as the new active version,
which enrichment then uses. Optionally re-enrich the topics of the newest posts at once (bounded); the
others are re-enriched by the next `groundswell enrich run`, since the topics enricher's version changes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from groundswell.enrich import repository as enrich_repository
from groundswell.enrich.base import PostInput
from groundswell.enrich.enrichers.topics import TopicModel
from groundswell.enrich.models import TIERS, ModelBundle
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.enrich.service import corrections_for
from groundswell.errors import InvalidInput
from groundswell.governance import audit_log
from groundswell.models import TopicSetVersion
from groundswell.topics import repository, service
from groundswell.topics.evaluation import cached_encoder, cross_validate_examples, evaluate_corrections

MAX_REENRICH = 5000


@dataclass(frozen=True)
class RetrainResult:
    version: TopicSetVersion
    reenriched: int
    seconds: float


def retrain(
    session: Session,
    *,
    actor: str,
    tier: str = "accurate",
    comment: str = "",
    reenrich_recent: int = 0,
    models_dir: str | None = None,
) -> RetrainResult:
    """Fit, evaluate and store the topics being edited as the new active version; then, when
    `reenrich_recent` > 0, store the new topics of that many of the newest posts."""
    if tier not in TIERS:
        raise InvalidInput(f"unknown tier {tier!r}: choose one of {', '.join(TIERS)}")
    if not 0 <= reenrich_recent <= MAX_REENRICH:
        raise InvalidInput(f"re-enrich between 0 and {MAX_REENRICH:,} recent posts, not {reenrich_recent:,}")
    started = time.perf_counter()
    topics = service.working_set(session)
    definition = service.definition_of(topics)
    encode = cached_encoder(ModelBundle.open(Path(models_dir) if models_dir else None).encoder(tier).pooled)
    corrections = corrections_for(session, "topics")
    # Small matrices: extra BLAS threads only fight for the cores (measured: 5-fold 1.1 s instead of 10 s).
    with threadpool_limits(limits=1, user_api="blas"):
        model = TopicModel(topics, encode)
        metrics: dict[str, Any] = {
            "topics": len(topics.topics),
            "examples": sum(len(t.examples) for t in topics.topics),
            "cross_validation": cross_validate_examples(topics, encode),
            "corrections": evaluate_corrections(model, encode, corrections),
        }
    metrics["train_seconds"] = round(time.perf_counter() - started, 2)
    previous = repository.active_version(session)
    repository.deactivate_all(session)
    row = TopicSetVersion(
        version=repository.latest_number(session) + 1, definition=definition, sha256=service.sha256_of(definition),
        active=True, tier=tier, metrics=metrics, comment=comment.strip(), created_by=actor,
        created_at=datetime.now(UTC),
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_log.append(
        session, actor=actor, action="topics.retrained", entity="topics", entity_id=row.version,
        before={"active_version": previous.version if previous else None},
        after={"active_version": row.version, "sha256": row.sha256, "tier": tier},
    )  # fmt: skip
    reenriched = reenrich_recent_posts(session, limit=reenrich_recent, tier=tier, models_dir=models_dir)
    return RetrainResult(version=row, reenriched=reenriched, seconds=time.perf_counter() - started)


def reenrich_recent_posts(
    session: Session, *, limit: int, tier: str = "accurate", models_dir: str | None = None
) -> int:
    """Store the active topics' result for the newest `limit` posts (with the enricher's current version,
    so `enrich run` does not redo them). Returns how many posts were written."""
    spec = service.with_active_topics(session, PipelineSpec(tier=tier, only=("topics",), models_dir=models_dir))  # type: ignore[arg-type]
    posts = repository.recent_posts(session, limit) if limit > 0 else []
    if not posts or spec.topics_json is None:
        return 0
    pipeline = Pipeline(spec)
    version = pipeline.versions["topics"]
    results = pipeline.run([PostInput(text=text) for _, text in posts])
    now = datetime.now(UTC)
    rows = [
        {"post_id": post_id, "enricher": "topics", "version": version, "value": result["topics"], "enriched_at": now}
        for (post_id, _), result in zip(posts, results, strict=True)
    ]
    enrich_repository.upsert_enrichments(session, rows)
    return len(rows)
