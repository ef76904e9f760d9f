"""Routing rules: the saved versions, the YAML editor (validated on save), activation (rolling back is
activating an older version), diffs, and "test on recent posts", which routes the newest posts with the text in
the editor and shows what would change, writing nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from groundswell.errors import InvalidInput
from groundswell.routing_store import preview, service
from groundswell.web.deps import ReadDb, WriteDb
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import RulesManage, RulesRead, back_to

router = APIRouter()
RulesText = Annotated[str, Form(min_length=1, max_length=500_000)]
PreviewSize = Annotated[int, Form(ge=1, le=preview.MAX_POSTS)]


def _page(request: Request, principal: object, session: ReadDb | WriteDb, *, text: str | None = None,
          error: str | None = None, comment: str = "", status_code: int = 200) -> Response:  # fmt: skip
    versions = service.list_versions(session)
    active = next((v for v in versions if v.active), None)
    return render(
        request, "admin/rules.html", principal,  # type: ignore[arg-type]
        versions=versions, active=active, text=text if text is not None else (active.text if active else ""),
        error=error, comment=comment, status_code=status_code,
    )  # fmt: skip


@router.get("/admin/rules")
def rules_page(request: Request, principal: RulesRead, session: ReadDb) -> Response:
    return _page(request, principal, session)


@router.post("/admin/rules")
def save_rules(
    request: Request,
    principal: RulesManage,
    session: WriteDb,
    text: RulesText,
    comment: Annotated[str, Form(max_length=2000)] = "",
    activate: Annotated[bool, Form()] = False,
) -> Response:
    try:
        row = service.save_rules(session, text=text, actor=principal.actor, comment=comment.strip(), activate=activate)
    except InvalidInput as exc:
        # Keep what was typed: the page comes back with the text and the reason, nothing saved.
        return _page(request, principal, session, text=text, error=exc.message, comment=comment, status_code=422)
    return back_to(f"/admin/rules/{row.version}")


@router.get("/admin/rules/diff")
def diff_page(request: Request, principal: RulesRead, session: ReadDb, old: int, new: int) -> Response:
    diff = service.diff_versions(session, old=old, new=new)
    return render(request, "admin/rules_diff.html", principal, old=old, new=new, diff=diff)


@router.post("/admin/rules/preview")
def preview_rules(
    request: Request, principal: RulesRead, session: ReadDb, text: RulesText, posts: PreviewSize = 50
) -> Response:
    # HTMX swaps the fragment under the editor; without scripts the browser gets a whole page.
    name = "admin/_rules_preview.html" if request.headers.get("HX-Request") else "admin/rules_preview.html"
    try:
        result = preview.preview_rules(session, text=text, limit=posts)
    except InvalidInput as exc:
        return render(request, name, principal, error=exc.message, result=None)
    return render(request, name, principal, error=None, result=result)


@router.get("/admin/rules/{version}")
def version_page(request: Request, principal: RulesRead, session: ReadDb, version: int) -> Response:
    row = service.get_version(session, version)
    versions = service.list_versions(session)
    active = next((v for v in versions if v.active), None)
    diff = service.diff_versions(session, old=active.version, new=row.version) if active and not row.active else ""
    return render(request, "admin/rules_version.html", principal, row=row, active=active, diff=diff)


@router.post("/admin/rules/{version}/activate")
def activate(principal: RulesManage, session: WriteDb, version: int) -> Response:
    service.activate_version(session, version=version, actor=principal.actor)
    return back_to(f"/admin/rules/{version}")
