"""/api/v1/topics: the topics being edited (name, description, examples), import and export as topics YAML,
and the retrained versions enrichment uses (list, get, activate to roll back, restore into the editor,
retrain). Storage and training are `groundswell.topics` (the admin screens use the same services)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from groundswell.models import Topic, TopicSetVersion
from groundswell.topics import retrain as training
from groundswell.topics import service
from groundswell.users.permissions import Permission
from groundswell.web.api.admin_fields import MAX_ID, Document, Free, Id, Name
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["topics"])
# The principal comes before the session in every route: see web/api/v1/webhooks.py.
Reader = Annotated[Principal, Depends(require(Permission.topics_read))]
Manager = Annotated[Principal, Depends(require(Permission.topics_manage))]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="the version number")]


class TopicOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    examples: list[str]
    updated_by: str
    updated_at: datetime


class TopicList(BaseModel):
    items: list[TopicOut]
    active_version: int | None = Field(description="the version enrichment uses (null: none trained yet)")
    unretrained_changes: bool = Field(description="whether the topics differ from the active version")


class TopicIn(BaseModel):
    name: Name
    description: Free = ""
    examples: list[Free] = Field(default_factory=list, max_length=service.MAX_EXAMPLES)


class ImportIn(BaseModel):
    text: Document = Field(description="a topics YAML document ({topics: [{name, description, examples}]})")
    replace_all: bool = Field(default=False, description="also remove stored topics the document does not name")


class ImportOut(BaseModel):
    created: int
    updated: int
    removed: int


class Export(BaseModel):
    yaml: str


class VersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    sha256: str
    active: bool
    tier: str
    comment: str
    created_by: str
    created_at: datetime


class VersionOut(VersionSummary):
    definition: dict[str, Any]
    metrics: dict[str, Any]


class VersionList(BaseModel):
    items: list[VersionSummary]


class RetrainIn(BaseModel):
    tier: Literal["fast", "accurate"] = Field(description="the encoder tier to fit and measure with")
    comment: Free = ""
    reenrich_recent: int = Field(default=0, ge=0, le=training.MAX_REENRICH, description="re-enrich the newest posts")


class RetrainOut(BaseModel):
    version: VersionOut
    reenriched: int
    seconds: float


def _topic(row: Topic) -> TopicOut:
    return TopicOut.model_validate(row)


def _version(row: TopicSetVersion) -> VersionOut:
    return VersionOut.model_validate(row)


@router.get("/topics", response_model=TopicList, responses=NOT_MODIFIED, summary="The topics being edited")
def list_topics(request: Request, principal: Reader, session: ReadDb) -> Response:
    active = service.active_version(session)
    return json_response(
        request,
        TopicList(
            items=[_topic(row) for row in service.list_topics(session)],
            active_version=active.version if active else None,
            unretrained_changes=service.has_unretrained_changes(session),
        ),
    )


@router.post("/topics", response_model=TopicOut, status_code=201, summary="Add a topic (used once retrained)")
def create_topic(body: TopicIn, principal: Manager, session: WriteDb) -> TopicOut:
    row = service.create_topic(
        session, name=body.name, description=body.description, examples=body.examples, actor=principal.actor
    )
    return _topic(row)


@router.get(
    "/topics/export",
    response_model=Export,
    responses=NOT_MODIFIED,
    summary="The topics being edited as a topics YAML file",
)
def export_topics(request: Request, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, Export(yaml=service.export_yaml(session)))


@router.post("/topics/import", response_model=ImportOut, summary="Add or update topics from a topics YAML document")
def import_topics(body: ImportIn, principal: Manager, session: WriteDb) -> ImportOut:
    summary = service.import_topics(
        session, text=body.text, replace_all=body.replace_all, actor=principal.actor, source="the imported YAML"
    )
    return ImportOut(created=summary.created, updated=summary.updated, removed=summary.removed)


@router.post("/topics/retrain", response_model=RetrainOut,
             summary="Fit and measure the topics being edited, offline, and make them the active version")  # fmt: skip
def retrain(body: RetrainIn, principal: Manager, session: WriteDb) -> RetrainOut:
    result = training.retrain(
        session, actor=principal.actor, tier=body.tier, comment=body.comment, reenrich_recent=body.reenrich_recent
    )
    return RetrainOut(version=_version(result.version), reenriched=result.reenriched, seconds=round(result.seconds, 2))


@router.get(
    "/topics/versions", response_model=VersionList, responses=NOT_MODIFIED, summary="Retrained versions, newest first"
)
def list_versions(request: Request, principal: Reader, session: ReadDb) -> Response:
    return json_response(
        request, VersionList(items=[VersionSummary.model_validate(row) for row in service.list_versions(session)])
    )


@router.get(
    "/topics/versions/{version}",
    response_model=VersionOut,
    responses=NOT_MODIFIED,
    summary="One version, with its figures",
)
def get_version(request: Request, version: VersionNumber, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, _version(service.get_version(session, version)))


@router.post("/topics/versions/{version}/activate", response_model=VersionOut,
             summary="Make a version the one enrichment uses (an older one: roll back)")  # fmt: skip
def activate_version(version: VersionNumber, principal: Manager, session: WriteDb) -> VersionOut:
    return _version(service.activate_version(session, version=version, actor=principal.actor))


@router.post("/topics/versions/{version}/restore", response_model=ImportOut,
             summary="Replace the topics being edited by a version's (enrichment is unchanged)")  # fmt: skip
def restore_version(version: VersionNumber, principal: Manager, session: WriteDb) -> ImportOut:
    summary = service.restore_version(session, version=version, actor=principal.actor)
    return ImportOut(created=summary.created, updated=summary.updated, removed=summary.removed)


@router.get("/topics/{topic_id}", response_model=TopicOut, responses=NOT_MODIFIED, summary="One topic")
def get_topic(request: Request, topic_id: Id, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, _topic(service.get_topic(session, topic_id)))


@router.put("/topics/{topic_id}", response_model=TopicOut, summary="Replace a topic's name, description and examples")
def update_topic(topic_id: Id, body: TopicIn, principal: Manager, session: WriteDb) -> TopicOut:
    row = service.update_topic(
        session, topic_id=topic_id, name=body.name, description=body.description, examples=body.examples,
        actor=principal.actor,
    )  # fmt: skip
    return _topic(row)


@router.delete("/topics/{topic_id}", status_code=204, response_class=Response, summary="Remove a topic")
def delete_topic(topic_id: Id, principal: Manager, session: WriteDb) -> Response:
    service.delete_topic(session, topic_id=topic_id, actor=principal.actor)
    return Response(status_code=204)
