"""Enriching stored posts, and employees' corrections of the labels enrichers gave.

`enrich_stored_posts` owns its transactions, like the ingest: it reads the posts that lack the current
version of an enricher a chunk at a time (by id, so it neither loops nor misses any), runs the pipeline
locally or on Ray, and writes each chunk's results in its own transaction. A crash loses at most one
chunk, and running again redoes only what is missing; the unique (post, enricher) key and the upsert
mean nothing is ever stored twice. Posts added while it runs wait for the next run.

The correction functions follow the service rule: a Session first, keyword-only arguments, flush but
never commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session, sessionmaker

from groundswell.db.engine import write_transaction
from groundswell.enrich import repository
from groundswell.enrich.datasets import LabelledText
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.enrich.runners import PostChunk, ResultStream
from groundswell.enrich.runners.local import run_locally
from groundswell.errors import InvalidInput, NotFound
from groundswell.models import LabelCorrection

EngineName = Literal["local", "ray"]
ENGINES: tuple[EngineName, ...] = ("local", "ray")
# Tasks an employee can correct, and whether a text may carry several labels at once.
CORRECTABLE_TASKS: dict[str, bool] = {
    "sentiment": False,
    "emotion": False,
    "offensive": False,
    "intent": True,
    "topics": True,
}
DEFAULT_CHUNK_SIZE = 500
Progress = Callable[[int, int], None]  # (posts enriched so far, posts to enrich in this run)


@dataclass
class EnrichRunSummary:
    engine: str
    versions: dict[str, str]
    posts_seen: int = 0
    posts_enriched: int = 0
    skipped_current: int = 0
    results_written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "versions": dict(self.versions),
            "posts_seen": self.posts_seen,
            "posts_enriched": self.posts_enriched,
            "skipped_current": self.skipped_current,
            "results_written": dict(self.results_written),
            "seconds": round(self.seconds, 3),
        }


@dataclass
class RayOptions:
    address: str | None = None
    actors: int = 2
    num_cpus: int | None = None


def enrich_stored_posts(
    sessions: sessionmaker[Session],
    *,
    spec: PipelineSpec,
    engine: EngineName = "local",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    ray: RayOptions | None = None,
) -> EnrichRunSummary:
    """Enrich every stored post that lacks the current version of one of the spec's enrichers, and store
    the results with each enricher's name and version. Running again with the same versions does nothing.
    Without a topics file, the active topic set stored in the database (if any) gives the topics."""
    if engine not in ENGINES:
        raise InvalidInput(f"unknown engine {engine!r}: use local or ray")
    if chunk_size < 1:
        raise InvalidInput("the chunk size must be at least 1")
    started = time.perf_counter()
    from groundswell.topics.service import with_active_topics  # the topics package builds on this one

    with sessions() as session:
        spec = with_active_topics(session, spec)  # no topics file given: the database's active topics, if any
    pipeline = Pipeline(spec)  # in the driver only to learn the versions; the local runner reuses it
    versions = {name: pipeline.versions[name] for name in spec.names()}
    summary = EnrichRunSummary(engine=engine, versions=versions, results_written=dict.fromkeys(versions, 0))
    with sessions() as session:
        up_to = repository.last_post_id(session)
        summary.posts_seen = repository.count_posts(session, up_to=up_to)
        pending = repository.count_posts_needing(session, versions, up_to=up_to)
        stale = repository.stale_enrichers(session, versions, up_to=up_to)
    summary.skipped_current = summary.posts_seen - pending
    if progress is not None:
        progress(0, pending)
    if pending:
        # Only the enrichers some post lacks are run (a new version of one re-runs that one alone).
        run_spec = spec if stale == list(versions) else replace(spec, only=tuple(stale))
        run = _Run(sessions, versions=versions, up_to=up_to, chunk_size=chunk_size)
        results = _results(engine, run_spec, run.chunks(), pipeline=pipeline, ray=ray or RayOptions())
        run.store(results, summary, total=pending, progress=progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _results(
    engine: EngineName, spec: PipelineSpec, chunks: Iterator[PostChunk], *, pipeline: Pipeline, ray: RayOptions
) -> ResultStream:
    if engine == "local":
        return run_locally(spec, chunks, pipeline=pipeline)
    from groundswell.enrich.runners.ray import run_on_ray

    return run_on_ray(spec, chunks, actors=ray.actors, address=ray.address, num_cpus=ray.num_cpus)


class _Run:
    """One run's reading and writing: remembers which enrichers each pending post lacks, from the moment
    it is read until its results are stored."""

    def __init__(
        self, sessions: sessionmaker[Session], *, versions: dict[str, str], up_to: int, chunk_size: int
    ) -> None:
        self._sessions = sessions
        self._versions = versions
        self._up_to = up_to
        self._chunk_size = chunk_size
        self._stale: dict[int, frozenset[str]] = {}

    def chunks(self) -> Iterator[PostChunk]:
        after = 0
        while True:
            with self._sessions() as session:
                pending = repository.posts_needing_enrichment(
                    session, self._versions, after=after, up_to=self._up_to, limit=self._chunk_size
                )
            if not pending:
                return
            for item in pending:
                self._stale[item.post_id] = item.stale
            after = pending[-1].post_id
            yield [(item.post_id, item.post) for item in pending]

    def store(self, results: ResultStream, summary: EnrichRunSummary, *, total: int, progress: Progress | None) -> None:
        buffer: list[tuple[int, dict[str, Any]]] = []
        for result in results:
            buffer.append(result)
            if len(buffer) >= self._chunk_size:
                self._write(buffer, summary, total=total, progress=progress)
                buffer = []
        self._write(buffer, summary, total=total, progress=progress)

    def _write(
        self,
        results: list[tuple[int, dict[str, Any]]],
        summary: EnrichRunSummary,
        *,
        total: int,
        progress: Progress | None,
    ) -> None:
        if not results:
            return
        now = datetime.now(UTC)
        rows = []
        for post_id, values in results:
            for name in self._stale.pop(post_id):
                if name not in values:
                    raise RuntimeError(f"the pipeline gave no {name!r} result for post {post_id}")
                rows.append(
                    {
                        "post_id": post_id,
                        "enricher": name,
                        "version": self._versions[name],
                        "value": values[name],
                        "enriched_at": now,
                    }
                )
        with write_transaction(self._sessions) as session:
            repository.upsert_enrichments(session, rows)
        for row in rows:
            summary.results_written[row["enricher"]] += 1
        summary.posts_enriched += len(results)
        if progress is not None:
            progress(summary.posts_enriched, total)


def record_correction(
    session: Session,
    *,
    task: str,
    labels: Sequence[str],
    corrected_by: str,
    post_id: int | None = None,
    text: str | None = None,
) -> LabelCorrection:
    """Store an employee's labels for a post (its text and the stored model output are copied) or for a
    text. The next `groundswell train` for the task learns from it."""
    clean = _checked_labels(task, labels)
    if not corrected_by.strip():
        raise InvalidInput("say who made the correction (--by NAME)")
    if (post_id is None) == (text is None):
        raise InvalidInput("give either a stored post's id (--post-id) or a text (--text), not both or neither")
    previous = None
    if post_id is not None:
        text = repository.post_text(session, post_id)
        if text is None:
            raise NotFound(f"there is no stored post {post_id}: check the id (`groundswell posts search`)")
        stored = repository.enrichments_of(session, post_id).get(task)
        previous = None if stored is None else stored.value
    assert text is not None
    if not text.strip():
        raise InvalidInput("the text to label is empty")
    correction = LabelCorrection(
        post_id=post_id,
        task=task,
        text=text,
        labels=clean,
        previous=previous,
        corrected_by=corrected_by.strip(),
        created_at=datetime.now(UTC),
    )
    return repository.add_correction(session, correction)


def _checked_labels(task: str, labels: Sequence[str]) -> list[str]:
    if task not in CORRECTABLE_TASKS:
        raise InvalidInput(f"cannot correct {task!r}: choose one of {', '.join(CORRECTABLE_TASKS)}")
    clean = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    if not clean:
        raise InvalidInput(f"give at least one {task} label (--label)")
    if len(clean) > 1 and not CORRECTABLE_TASKS[task]:
        raise InvalidInput(f"{task} takes exactly one label, got {len(clean)}: {', '.join(clean)}")
    return clean


def list_corrections(session: Session, *, task: str | None = None, limit: int = 100) -> list[LabelCorrection]:
    """The latest corrections, newest first."""
    if task is not None and task not in CORRECTABLE_TASKS:
        raise InvalidInput(f"unknown task {task!r}: choose one of {', '.join(CORRECTABLE_TASKS)}")
    return repository.list_corrections(session, task=task, limit=limit, newest_first=True)


def corrections_for(session: Session, task: str) -> list[LabelledText]:
    """Training rows for a task: one per corrected post (or text), the latest correction winning, oldest first."""
    if task not in CORRECTABLE_TASKS:
        raise InvalidInput(f"unknown task {task!r}: choose one of {', '.join(CORRECTABLE_TASKS)}")
    latest: dict[object, LabelCorrection] = {}
    for correction in repository.list_corrections(session, task=task):
        key = ("post", correction.post_id) if correction.post_id is not None else ("text", correction.text)
        latest.pop(key, None)  # re-inserted, so the order is that of the latest corrections
        latest[key] = correction
    return [
        LabelledText(
            c.text,
            tuple(c.labels),
            extra={"post_id": c.post_id, "corrected_by": c.corrected_by, "created_at": c.created_at.isoformat()},
        )
        for c in latest.values()
    ]
