"""Topics: the topics being edited (description and examples), import of a topics YAML file, export, and
retraining, which measures the topic model and makes the new version the one enrichment uses; the versions
with their figures, activation (rolling back) and copying a version back into the editor."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import Response

from groundswell.errors import InvalidInput
from groundswell.topics import retrain as topic_training
from groundswell.topics import service
from groundswell.users.permissions import Permission
from groundswell.web.deps import ReadDb, WriteDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import back_to

router = APIRouter()
TopicsRead = Annotated[Principal, Depends(require(Permission.topics_read))]
TopicsManage = Annotated[Principal, Depends(require(Permission.topics_manage))]
Description = Annotated[str, Form(max_length=5000)]
Examples = Annotated[str, Form(max_length=500_000)]
MAX_IMPORT_BYTES = 2_000_000
MAX_REENRICH_FROM_PAGE = 1000


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@router.get("/admin/topics")
def topics_page(request: Request, principal: TopicsRead, session: ReadDb) -> Response:
    return render(
        request, "admin/topics.html", principal, topics=service.list_topics(session),
        versions=service.list_versions(session), active=service.active_version(session),
        pending=service.has_unretrained_changes(session), max_reenrich=MAX_REENRICH_FROM_PAGE,
    )  # fmt: skip


@router.post("/admin/topics")
def create_topic(
    principal: TopicsManage,
    session: WriteDb,
    name: Annotated[str, Form(min_length=1, max_length=120)],
    description: Description = "",
    examples: Examples = "",
) -> Response:
    topic = service.create_topic(
        session, name=name, description=description, examples=_lines(examples), actor=principal.actor
    )
    return back_to(f"/admin/topics/{topic.id}")


@router.get("/admin/topics/export.yaml")
def export_topics(principal: TopicsRead, session: ReadDb) -> Response:
    return Response(
        service.export_yaml(session), media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="topics.yaml"'},
    )  # fmt: skip


@router.post("/admin/topics/import")
def import_topics(
    principal: TopicsManage,
    session: WriteDb,
    text: Annotated[str, Form(max_length=MAX_IMPORT_BYTES)] = "",
    file: UploadFile | None = None,
    replace_all: Annotated[bool, Form()] = False,
) -> Response:
    source = "the pasted YAML"
    if file is not None and file.filename:
        raw = file.file.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise InvalidInput(f"{file.filename} is larger than {MAX_IMPORT_BYTES:,} bytes")
        text, source = raw.decode("utf-8", errors="replace"), file.filename
    if not text.strip():
        raise InvalidInput("choose a topics YAML file or paste its text")
    service.import_topics(session, text=text, actor=principal.actor, replace_all=replace_all, source=source)
    return back_to("/admin/topics")


@router.post("/admin/topics/retrain")
def retrain_topics(
    principal: TopicsManage,
    session: WriteDb,
    tier: Annotated[Literal["accurate", "fast"], Form()],
    reenrich_recent: Annotated[int, Form(ge=0, le=MAX_REENRICH_FROM_PAGE)] = 0,
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    # A few seconds (the encoder loads once per process); the new version's page then shows the figures.
    result = topic_training.retrain(
        session, actor=principal.actor, tier=tier, comment=comment, reenrich_recent=reenrich_recent
    )
    return back_to(f"/admin/topics/versions/{result.version.version}?reenriched={result.reenriched}")


@router.get("/admin/topics/versions/{version}")
def version_page(
    request: Request, principal: TopicsRead, session: ReadDb, version: int, reenriched: int | None = None
) -> Response:
    row = service.get_version(session, version)
    return render(
        request, "admin/topics_version.html", principal, row=row, active=service.active_version(session),
        reenriched=reenriched,
    )  # fmt: skip


@router.post("/admin/topics/versions/{version}/activate")
def activate_version(principal: TopicsManage, session: WriteDb, version: int) -> Response:
    service.activate_version(session, version=version, actor=principal.actor)
    return back_to(f"/admin/topics/versions/{version}")


@router.post("/admin/topics/versions/{version}/restore")
def restore_version(principal: TopicsManage, session: WriteDb, version: int) -> Response:
    service.restore_version(session, version=version, actor=principal.actor)
    return back_to("/admin/topics")


@router.get("/admin/topics/{topic_id}")
def topic_page(request: Request, principal: TopicsRead, session: ReadDb, topic_id: int) -> Response:
    return render(request, "admin/topic.html", principal, topic=service.get_topic(session, topic_id))


@router.post("/admin/topics/{topic_id}")
def update_topic(
    principal: TopicsManage,
    session: WriteDb,
    topic_id: int,
    name: Annotated[str, Form(min_length=1, max_length=120)],
    description: Description = "",
    examples: Examples = "",
    new_example: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    service.update_topic(
        session, topic_id=topic_id, name=name, description=description,
        examples=[*_lines(examples), *_lines(new_example)], actor=principal.actor,
    )  # fmt: skip
    return back_to(f"/admin/topics/{topic_id}")


@router.post("/admin/topics/{topic_id}/delete")
def delete_topic(principal: TopicsManage, session: WriteDb, topic_id: int) -> Response:
    service.delete_topic(session, topic_id=topic_id, actor=principal.actor)
    return back_to("/admin/topics")
