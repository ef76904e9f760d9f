"""/api/v1/templates: canned responses, one text per (name, language), with {variables}."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from groundswell.inbox import templates as service
from groundswell.users.permissions import Permission
from groundswell.web.api.admin_fields import NO_NUL, Free, PathName, Search
from groundswell.web.api.etag import json_response
from groundswell.web.api.schemas.common import NOT_MODIFIED
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal

router = APIRouter(tags=["templates"])
# The principal comes before the session in every route: see web/api/v1/webhooks.py.
Reader = Annotated[Principal, Depends(require(Permission.templates_read))]
Manager = Annotated[Principal, Depends(require(Permission.templates_manage))]


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    language: str
    text: str
    description: str
    updated_at: datetime | None = None
    variables: list[str] = Field(default_factory=list)
    source: str = "database"  # or "default": the packaged text, used while none is stored


class TemplateList(BaseModel):
    items: list[TemplateOut]


class TemplateIn(BaseModel):
    text: Free = Field(min_length=1)
    description: Free | None = None


def _out(row: object) -> TemplateOut:
    out = TemplateOut.model_validate(row)
    return out.model_copy(update={"variables": service.variables_in(out.text)})


@router.get("/templates", response_model=TemplateList, responses=NOT_MODIFIED,
            summary="List stored templates (search by name or text)")  # fmt: skip
def list_templates(
    request: Request,
    principal: Reader,
    session: ReadDb,
    name: Annotated[str | None, Query(max_length=128, pattern=NO_NUL)] = None,
    language: Annotated[str | None, Query(max_length=64, pattern=NO_NUL)] = None,
    q: Search = None,
) -> Response:
    rows = service.list_templates(session, name=name, language=language)
    if q:
        needle = q.casefold()
        rows = [r for r in rows if needle in f"{r.name}\n{r.description}\n{r.text}".casefold()]
    return json_response(request, TemplateList(items=[_out(row) for row in rows]))


@router.get("/templates/{name}/{language}", response_model=TemplateOut, responses=NOT_MODIFIED,
            summary="The text used for a language (falling back to the base language, then the default)")  # fmt: skip
def get_template(request: Request, name: PathName, language: PathName, principal: Reader, session: ReadDb) -> Response:
    found = service.find_template(session, name=name, language=language)
    out = TemplateOut(
        name=found.name, language=found.language, text=found.text, description=found.description,
        variables=service.variables_in(found.text), source=found.source,
    )  # fmt: skip
    return json_response(request, out)


@router.put("/templates/{name}/{language}", response_model=TemplateOut, summary="Create or replace a template")
def save_template(
    name: PathName, language: PathName, body: TemplateIn, principal: Manager, session: WriteDb
) -> TemplateOut:
    row = service.save_template(
        session, name=name, language=language, text=body.text, description=body.description, actor=principal.actor
    )
    return _out(row)


@router.delete("/templates/{name}/{language}", status_code=204, response_class=Response,
               summary="Delete one language version of a template")  # fmt: skip
def delete_template(name: PathName, language: PathName, principal: Manager, session: WriteDb) -> Response:
    service.delete_template(session, name=name, language=language, actor=principal.actor)
    return Response(status_code=204)
