"""One-click corrections: an employee fixes a post's sentiment, intent or topic; the fix is stored as a
LabelCorrection (with the post's text and what the model said) for the next `groundswell train`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from groundswell.enrich.service import record_correction
from groundswell.users.permissions import Permission
from groundswell.web.deps import WriteDb, require
from groundswell.web.principal import Principal
from groundswell.web.templating import render

router = APIRouter()
Corrector = Annotated[Principal, Depends(require(Permission.posts_correct))]


@router.post("/posts/{post_id}/corrections")
def correct(
    request: Request,
    post_id: int,
    principal: Corrector,
    session: WriteDb,
    task: Annotated[str, Form(max_length=32)],
    label: Annotated[list[str], Form(max_length=20)],
) -> Response:
    """`label` once for sentiment and emotion; once per label for intent and topics (the full, correct set)."""
    correction = record_correction(session, task=task, labels=label, corrected_by=principal.actor, post_id=post_id)
    return render(request, "case/correction_saved.html", principal, correction=correction, status_code=201)
