"""Posts: list and search (newest first, cursor-paginated), one post with its enrichments, and a batch of
posts pushed over HTTP with an answer per record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groundswell.ingest.http_batch import ingest_records
from groundswell.posts.listing import PostFilter, get_post, list_posts
from groundswell.posts.schemas import PostDetail, PostSummary
from groundswell.users.permissions import Permission
from groundswell.web.api import pagination
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED, Id, Limit, Name, Page, Text, UtcTime
from groundswell.web.api.schemas.posts import BatchResult, PostBatch, RecordResult
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["posts"])
Reader = Annotated[Principal, Depends(require(Permission.posts_read))]
Ingester = Annotated[Principal, Depends(require(Permission.posts_ingest))]


@router.get("/posts", response_model=Page[PostSummary], responses=NOT_MODIFIED, summary="List or search posts")
def posts(
    request: Request,
    principal: Reader,
    session: ReadDb,
    q: Annotated[Text | None, Query(description='Full-text search: words, "phrases", OR, -excluded.')] = None,
    channel: Name | None = None,
    brand: Name | None = None,
    author: Annotated[Name | None, Query(description="The author's handle.")] = None,
    language: Name | None = None,
    since: Annotated[UtcTime | None, Query(description="Created at or after (ISO 8601).")] = None,
    until: Annotated[UtcTime | None, Query(description="Created before (ISO 8601).")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> Response:
    filters = PostFilter(
        channel=channel, brand=brand, author=author, language=language, since=since, until=until, query=q
    )
    items = list_posts(session, filters=filters, after=pagination.decode_time_id(cursor), limit=limit)
    last = pagination.encode(items[-1].created_at, items[-1].id) if items else None
    return pagination.page_response(request, items, limit=limit, next_cursor=last)


@router.get("/posts/{post_id}", response_model=PostDetail, responses=NOT_MODIFIED, summary="One post")
def post(request: Request, post_id: Id, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, get_post(session, post_id=post_id))


@router.post(
    "/posts/batch",
    response_model=BatchResult,
    summary="Ingest a batch of posts, with per-record results",
    description="Stores the posts (deduplicated on channel and id, so a batch is safe to resend) and quarantines "
    "the records that cannot become posts. Stored posts then go the way of any ingested post: "
    "`groundswell enrich run` enriches them and `groundswell cases process` turns them into cases.",
)
def ingest_batch(request: Request, batch: PostBatch, principal: Ingester, session: WriteDb) -> Response:
    outcome = ingest_records(session, records=batch.records, source=f"api:{principal.username}")
    result = BatchResult(
        ingest_run_id=outcome.run_id, read=outcome.counts.read, created=outcome.counts.new,
        duplicates=outcome.counts.duplicates, rejected=outcome.counts.quarantined,
        results=[RecordResult.model_validate(r, from_attributes=True) for r in outcome.results],
    )  # fmt: skip
    return json_response(request, result)
