"""/api/v1/rules: the routing rules as saved versions (YAML text as written), the active one, validation
before saving, activation (also to roll back) and diffs between versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from groundswell.models.team import RoutingRulesVersion
from groundswell.routing_store import service
from groundswell.users.permissions import Permission
from groundswell.web.api.admin_fields import MAX_ID, Document, Free
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["rules"])
# The principal comes before the session in every route: see web/api/v1/webhooks.py.
Reader = Annotated[Principal, Depends(require(Permission.rules_read))]
Manager = Annotated[Principal, Depends(require(Permission.rules_manage))]


class VersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    sha256: str
    active: bool
    comment: str
    created_by: str
    created_at: datetime


class VersionOut(VersionSummary):
    text: str


class VersionList(BaseModel):
    items: list[VersionSummary]


class RulesIn(BaseModel):
    text: Document = Field(description="the rules YAML")
    comment: Free = ""
    activate: bool = True


class RulesCheckIn(BaseModel):
    text: Document


class RulesCheck(BaseModel):
    valid: bool
    teams: list[str]
    rules: list[str]
    sla_policies: list[str]


class Diff(BaseModel):
    old: int
    new: int
    diff: str = Field(description="a unified diff; empty when the texts are the same")


@router.get(
    "/rules/versions",
    response_model=VersionList,
    responses=NOT_MODIFIED,
    summary="Saved versions of the routing rules, newest first",
)
def list_versions(request: Request, principal: Reader, session: ReadDb) -> Response:
    return json_response(
        request, VersionList(items=[VersionSummary.model_validate(row) for row in service.list_versions(session)])
    )


@router.post("/rules/versions", response_model=VersionOut, status_code=201,
             summary="Validate and save a new version (active unless activate=false)")  # fmt: skip
def save_version(body: RulesIn, principal: Manager, session: WriteDb) -> VersionOut:
    """Saving the text of the active version again changes nothing and answers the active version."""
    row = service.save_rules(
        session, text=body.text, comment=body.comment, activate=body.activate, actor=principal.actor
    )
    return VersionOut.model_validate(row)


@router.get("/rules/active", response_model=VersionOut, responses=NOT_MODIFIED, summary="The active version")
def active_version(request: Request, principal: Reader, session: ReadDb) -> Response:
    return json_response(request, VersionOut.model_validate(service.get_version(session)))


@router.get(
    "/rules/versions/{version}", response_model=VersionOut, responses=NOT_MODIFIED, summary="One version, with its text"
)
def get_version(
    request: Request, version: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Reader, session: ReadDb
) -> Response:
    return json_response(request, VersionOut.model_validate(service.get_version(session, version)))


@router.post("/rules/versions/{version}/activate", response_model=VersionOut,
             summary="Make a version the active one (rolling back is activating an older one)")  # fmt: skip
def activate(version: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Manager, session: WriteDb) -> VersionOut:
    row: RoutingRulesVersion = service.activate_version(session, version=version, actor=principal.actor)
    return VersionOut.model_validate(row)


@router.get("/rules/diff", response_model=Diff, responses=NOT_MODIFIED, summary="What changed between two versions")
def diff(
    request: Request,
    principal: Reader,
    session: ReadDb,
    old: Annotated[int, Query(ge=1, le=MAX_ID, description="the earlier version")],
    new: Annotated[int, Query(ge=1, le=MAX_ID, description="the later version")],
) -> Response:
    return json_response(request, Diff(old=old, new=new, diff=service.diff_versions(session, old=old, new=new)))


@router.post("/rules/check", response_model=RulesCheck,
             summary="Validate rules without saving them (422 says what is wrong)")  # fmt: skip
def check(body: RulesCheckIn, principal: Manager, session: ReadDb) -> RulesCheck:
    ruleset = service.check_rules(session, body.text)
    return RulesCheck(
        valid=True, teams=sorted(ruleset.teams), rules=[rule.name for rule in ruleset.rules],
        sla_policies=sorted(ruleset.sla_policies),
    )  # fmt: skip
