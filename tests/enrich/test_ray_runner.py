"""The Ray runner gives exactly the local runner's results, on a local `ray.init(num_cpus=2)` cluster.

Skipped when Ray is not installed (pip install 'groundswell[ray]'), unless GROUNDSWELL_REQUIRE_RAY=1,
where it fails instead. Ray starts once for the module (about 5 s, 700 MiB) in a temporary folder.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from groundswell.cli.common import Store
from groundswell.enrich import repository
from groundswell.enrich.base import PostInput
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.runners.local import run_locally
from groundswell.enrich.service import RayOptions, enrich_stored_posts
from groundswell.ingest.runner import Ingestor
from tests.support.records import record, write_jsonl

pytestmark = pytest.mark.ray

SPEC = PipelineSpec(only=("language", "locations"))
# Every enricher, with the bundled models and a topics file: a post's results must not depend on which
# worker or batch it lands in.
FULL_SPEC = PipelineSpec(topics_path=str(Path(__file__).resolve().parents[2] / "examples/topics/airline.yaml"))
TEXTS = [
    "My PulsePad battery died after two days in Chicago",
    "La batería de mi PulsePad no dura nada",
    "Mon PulsePad ne s'allume plus depuis la mise à jour",
    "ok",
    "Any store in Austin, Texas with the PulsePad in stock?",
    "Der Akku hält nicht einmal einen Tag",
    "Ordered in London, still waiting for delivery",
    "",
    "🔥🔥🔥",
    "Is the PulsePad waterproof? Flying to Seattle tomorrow",
]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    if importlib.util.find_spec("ray") is None:
        reason = "Ray is not installed: pip install 'groundswell[ray]'"
        if os.environ.get("GROUNDSWELL_REQUIRE_RAY") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    import ray

    # A short path: Ray's socket paths must fit in 107 bytes.
    folder = tempfile.mkdtemp(prefix="gs-ray-")
    previous = os.environ.get("RAY_TMPDIR")
    os.environ["RAY_TMPDIR"] = folder
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=folder, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()
        if previous is None:
            os.environ.pop("RAY_TMPDIR", None)
        else:
            os.environ["RAY_TMPDIR"] = previous
        shutil.rmtree(folder, ignore_errors=True)


def chunks_of(posts: list[tuple[int, PostInput]], size: int) -> Iterator[list[tuple[int, PostInput]]]:
    for start in range(0, len(posts), size):
        yield posts[start : start + size]


def test_ray_gives_exactly_the_local_results(ray_cluster: Any) -> None:
    from groundswell.enrich.runners.ray import run_on_ray

    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    posts = [
        (1000 + n, PostInput(text, ["Chicago, IL", None, "Austin"][n % 3], n * 7, start + timedelta(hours=n), "x"))
        for n, text in enumerate(TEXTS * 5)
    ]
    local = dict(run_locally(FULL_SPEC, chunks_of(posts, 8)))
    on_ray = list(run_on_ray(FULL_SPEC, chunks_of(posts, 8), actors=2, batch_size=16))
    assert len(on_ray) == len(posts)
    assert dict(on_ray) == local
    assert {values["language"] for values in local.values()} >= {"en", "es", "fr", "de"}


def test_enriching_stored_posts_on_ray_matches_the_local_engine(ray_cluster: Any, store: Store, tmp_path: Path) -> None:
    rows = [
        record(n, text=text or "…", author_location="Denver, CO", author_followers=n) for n, text in enumerate(TEXTS)
    ]
    Ingestor(store.sessions).ingest_file(write_jsonl(tmp_path / "posts.jsonl", rows))
    summary = enrich_stored_posts(store.sessions, spec=SPEC, engine="ray", chunk_size=4, ray=RayOptions(actors=2))
    assert summary.results_written == {"language": len(TEXTS), "locations": len(TEXTS)}
    with store.sessions() as session:
        pending = repository.posts_needing_enrichment(session, {"x": "y"}, after=0, up_to=10**9, limit=100)
        on_ray = {
            p.post_id: {k: v.value for k, v in repository.enrichments_of(session, p.post_id).items()} for p in pending
        }
    local = dict(run_locally(SPEC, [[(p.post_id, p.post) for p in pending]]))
    assert on_ray == local
    again = enrich_stored_posts(store.sessions, spec=SPEC, engine="ray")
    assert again.posts_enriched == 0
