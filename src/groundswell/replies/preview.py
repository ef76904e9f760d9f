"""What the reply editor shows while an employee types: the policy findings on the text so far and whether the
reply will need approval (and why), computed exactly as a draft would be, but stored nowhere.

Also the web editor's two composite steps: filling a template for a case, and writing a reply then at once
submitting it for approval or sending it (one transaction: if sending is refused, no draft is left behind)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance.approval import requirement_for
from groundswell.governance.policy import blocking, check_draft
from groundswell.governance.schemas import ApprovalRequirement, Finding
from groundswell.models import Employee, Reply
from groundswell.replies import repository, service
from groundswell.replies.context import case_facts, draft_context
from groundswell.replies.offensive import OffensiveScorer
from groundswell.replies.rules import REPLY_APPROVAL_RULES

MAX_CHARS = 20_000  # far beyond any channel's limit; keeps a pasted novel from tying up the checks


@dataclass(frozen=True, slots=True)
class ReplyPreview:
    text: str
    findings: list[Finding]
    blocked: bool
    requirement: ApprovalRequirement | None
    author_known: bool  # False: the viewer is no employee, so approval reasons about the author are unknown


def preview(
    session: Session,
    *,
    case_id: int,
    text: str,
    author: str | None,
    visibility: str = "public",
    scorer: OffensiveScorer | None = None,
) -> ReplyPreview:
    """The findings and approval requirement a draft with this text, by `author` (an employee handle, or None
    for a viewer who is no employee), would get on this case."""
    if len(text) > MAX_CHARS:
        raise InvalidInput(f"the reply is {len(text):,} characters long; keep it under {MAX_CHARS:,}")
    case = repository.get_case(session, case_id)
    employee = _employee(session, author)
    facts = case_facts(session, case, None)
    stand_in = employee or Employee(handle=author or "viewer", role="viewer", trainee=False)
    context = draft_context(
        session, facts=facts, author=stand_in, visibility=service._visibility(visibility),
        offensive_score=service._offensive_score(scorer, text) if text.strip() else None,
    )  # fmt: skip
    findings = check_draft(text, context.policy, REPLY_APPROVAL_RULES.policy) if text.strip() else []
    context = context.model_copy(update={"findings": tuple(findings)})
    requirement = requirement_for(context, REPLY_APPROVAL_RULES) if text.strip() else None
    return ReplyPreview(text, findings, bool(blocking(findings)), requirement, employee is not None)


def _employee(session: Session, handle: str | None) -> Employee | None:
    if handle is None:
        return None
    try:
        return repository.active_employee(session, handle)
    except (NotFound, Conflict):  # not (or no longer) an employee: preview as a viewer
        return None


def compose(
    session: Session,
    *,
    case_id: int,
    author: str,
    text: str,
    then: str,
    visibility: str = "public",
    template: str | None = None,
    scorer: OffensiveScorer | None = None,
    now: datetime | None = None,
) -> Reply:
    """Draft a reply and then `then`: "draft" (keep it), "submit" (ask for approval) or "send"."""
    if then not in ("draft", "submit", "send"):
        raise InvalidInput(f"unknown step {then!r}: use draft, submit or send")
    when = now or datetime.now(UTC)
    row = service.draft_reply(
        session, case_id=case_id, author=author, text=text, visibility=visibility, scorer=scorer, now=when
    )
    row.template = template or None
    if then == "submit":
        return service.submit(session, reply_id=row.id, by=author, now=when)
    if then == "send":
        return service.send(session, reply_id=row.id, by=author, now=when)
    return row


def template_text(session: Session, *, case_id: int, template: str, author: str | None, language: str) -> str:
    """The template filled in for this case, as a draft started from it would begin."""
    case = repository.get_case(session, case_id)
    facts = case_facts(session, case, None)
    employee = _employee(session, author) or Employee(handle=author or "", display_name="", role="viewer")
    return service._initial_text(
        session, text=None, template=template, variables=None, language=language, facts=facts, author=employee
    )
