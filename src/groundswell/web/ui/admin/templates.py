"""Canned responses: one name, a text per language. The shipped defaults show beside the stored ones; saving a
name and language stores (or replaces) it, with its {variables} checked by the templates service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from groundswell.inbox import templates as canned
from groundswell.web.deps import ReadDb, WriteDb
from groundswell.web.templating import render
from groundswell.web.ui.admin.common import TemplatesManage, TemplatesRead, back_to

router = APIRouter()
Name = Annotated[str, Form(min_length=1, max_length=128)]
Language = Annotated[str, Form(min_length=2, max_length=16)]


@router.get("/admin/templates")
def templates_page(request: Request, principal: TemplatesRead, session: ReadDb, language: str = "") -> Response:
    stored = canned.list_templates(session, language=language or None)
    stored_keys = {(row.name, row.language) for row in stored}
    defaults = [
        text for by_language in canned.default_templates().values() for text in by_language.values()
        if (text.name, text.language) not in stored_keys and (not language or text.language == language)
    ]  # fmt: skip
    return render(
        request, "admin/templates.html", principal, stored=stored, language=language,
        defaults=sorted(defaults, key=lambda t: (t.name, t.language)), variables=canned.KNOWN_VARIABLES,
    )  # fmt: skip


@router.post("/admin/templates")
def save_template(
    principal: TemplatesManage,
    session: WriteDb,
    name: Name,
    language: Language,
    text: Annotated[str, Form(min_length=1, max_length=20_000)],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    canned.save_template(
        session, name=name.strip(), language=language.strip(), text=text, description=description.strip() or None,
        actor=principal.actor,
    )  # fmt: skip
    return back_to("/admin/templates")


@router.post("/admin/templates/delete")
def delete_template(principal: TemplatesManage, session: WriteDb, name: Name, language: Language) -> Response:
    canned.delete_template(session, name=name, language=language, actor=principal.actor)
    return back_to("/admin/templates")
