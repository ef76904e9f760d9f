"""The Ray runner: Ray Data's `map_batches` over an actor pool, each actor building the pipeline (and so
loading its models) once in `__init__` and reusing it for every batch it is given.

Posts travel as plain columns and results come back as JSON text, so Arrow never reshapes a value (it
would turn dicts with different keys into structs padded with nulls); the driver decodes them, which
makes the results identical to the local runner's. Ray is imported only when this runner is used.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
import orjson

from groundswell.enrich.base import PostInput
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.enrich.runners import Chunks, PostChunk, ResultStream
from groundswell.errors import ConfigurationError, InvalidInput

# Each actor asks for half a CPU: on 2 cores a 2-actor pool that asked for a whole CPU each deadlocked
# behind Ray Data's own tasks.
CPUS_PER_ACTOR = 0.5
DEFAULT_BATCH_SIZE = 256
# Posts sent to the cluster in one dataset. Each dataset starts its actor pool (and loads the models)
# afresh, so windows are large; they only bound the driver's memory.
DEFAULT_WINDOW = 100_000


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigurationError(
            "the ray engine needs Ray: pip install 'groundswell[ray]' (or use --engine local)"
        ) from None
    return ray


class PipelineActor:
    """One Ray Data actor: builds the pipeline once, then enriches batch after batch."""

    def __init__(self, spec: PipelineSpec) -> None:
        self._pipeline = Pipeline(spec)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        posts = [
            PostInput(
                text=str(text),
                author_location=None if location is None else str(location),
                reach=int(reach),
                created_at=None if created is None else datetime.fromisoformat(str(created)),
                channel=None if channel is None else str(channel),
            )
            for text, location, reach, created, channel in zip(
                batch["text"],
                batch["author_location"],
                batch["reach"],
                batch["created_at"],
                batch["channel"],
                strict=True,
            )
        ]
        outputs = self._pipeline.run(posts)
        encoded = [orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode("utf-8") for values in outputs]
        return {"post_id": batch["post_id"], "results": np.array(encoded, dtype=object)}


def _item(post_id: int, post: PostInput) -> dict[str, Any]:
    return {
        "post_id": post_id,
        "text": post.text,
        "author_location": post.author_location,
        "reach": post.reach,
        "created_at": None if post.created_at is None else post.created_at.isoformat(),
        "channel": post.channel,
    }


@contextmanager
def ray_session(*, address: str | None = None, num_cpus: int | None = None) -> Iterator[Any]:
    """Ray, connected: to `address` when given, else to the Ray already initialised in this process, else
    to a new local cluster (`num_cpus`, default every core) that is shut down afterwards."""
    ray = import_ray()
    started = False
    if not ray.is_initialized():
        try:
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=num_cpus or os.cpu_count() or 1,
                    include_dashboard=False,
                    ignore_reinit_error=True,
                    log_to_driver=False,
                )
        except (ConnectionError, RuntimeError, ValueError) as exc:  # ValueError: ray:// without ray[client]
            raise InvalidInput(f"cannot connect to the Ray cluster at {address}: {exc}") from exc
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def run_on_ray(
    spec: PipelineSpec,
    chunks: Chunks,
    *,
    actors: int = 2,
    address: str | None = None,
    num_cpus: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    window: int = DEFAULT_WINDOW,
) -> ResultStream:
    """Results for every post of every chunk, as Ray finishes them (in no particular order)."""
    if actors < 1:
        raise InvalidInput("the Ray actor pool needs at least 1 actor (--actors)")
    with ray_session(address=address, num_cpus=num_cpus) as ray:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        items: list[dict[str, Any]] = []
        for chunk in chunks:
            items.extend(_items(chunk))
            if len(items) >= window:
                yield from _run_dataset(ray, spec, items, actors=actors, batch_size=batch_size)
                items = []
        if items:
            yield from _run_dataset(ray, spec, items, actors=actors, batch_size=batch_size)


def _items(chunk: PostChunk) -> list[dict[str, Any]]:
    return [_item(post_id, post) for post_id, post in chunk]


def _run_dataset(
    ray: Any, spec: PipelineSpec, items: list[dict[str, Any]], *, actors: int, batch_size: int
) -> ResultStream:
    # At least one block per actor, so that a small job still keeps every actor busy.
    blocks = min(len(items), max(actors, math.ceil(len(items) / batch_size)))
    dataset = ray.data.from_items(items, override_num_blocks=blocks)
    enriched = dataset.map_batches(
        PipelineActor,
        fn_constructor_kwargs={"spec": spec},
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=CPUS_PER_ACTOR,
        batch_size=batch_size,
        batch_format="numpy",
    )
    for batch in enriched.iter_batches(batch_size=batch_size, batch_format="numpy"):
        for post_id, encoded in zip(batch["post_id"], batch["results"], strict=True):
            yield int(post_id), orjson.loads(encoded)
