"""Where a pipeline runs: in this process (`local`, the default) or on a Ray cluster (`ray`).

Both take a `PipelineSpec` and chunks of `(post_id, PostInput)` and yield `(post_id, {enricher: value})`
with JSON-ready values (JSON round-tripped, so both engines give exactly the same values); the order of
results may differ between engines, the ids say which post each belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from groundswell.enrich.base import PostInput

PostChunk = Sequence[tuple[int, PostInput]]
Result = tuple[int, dict[str, Any]]
ResultStream = Iterator[Result]
Chunks = Iterable[PostChunk]

__all__ = ["Chunks", "PostChunk", "Result", "ResultStream"]
