"""Closing the loop: when an idea becomes planned or shipped, tell every customer behind it, once, on the channel
where they spoke: a public reply to their first post in the idea, through the outbox.

"At most once" is kept by the `idea_notifications` rows, unique per (idea, customer, status) and read across the
idea and every idea merged into it, so neither a merge, nor a status that comes back (planned, in progress,
planned again), nor a retry tells anyone twice; the outbox's idempotency key `idea:{id}:{status}:{author}` also
makes a repeated enqueue harmless. The message comes from the template `idea.<status>` in the customer's
language and must pass the public-reply policy checks; a text with a finding is refused, with the finding
explained, and nothing is queued. A customer the outbox cannot reach is recorded with the reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.governance import audit_log
from groundswell.governance.policy import check_draft
from groundswell.governance.schemas import Finding, PolicyContext, Visibility
from groundswell.ideas import repository
from groundswell.ideas.rules import NOTIFY_STATUSES, IdeaStatus
from groundswell.ideas.schemas import LoopReport, Notified
from groundswell.inbox.templates import render
from groundswell.models import Author, Post
from groundswell.models.idea import Idea, IdeaNotification
from groundswell.outbox.rules import REPLY_CHANNELS
from groundswell.outbox.service import enqueue

_PUBLIC = PolicyContext(visibility=Visibility.PUBLIC)


def template_name(status: IdeaStatus) -> str:
    return f"idea.{status}"


def idempotency_key(idea_id: int, status: IdeaStatus, author_id: int) -> str:
    return f"idea:{idea_id}:{status}:{author_id}"


def close_the_loop(session: Session, *, idea: Idea, status: IdeaStatus, by: str, now: datetime) -> LoopReport:
    """Queue one reply per customer behind `idea` (and the ideas merged into it) not yet told about `status`."""
    if status not in NOTIFY_STATUSES:
        raise InvalidInput(f"customers are told only when an idea is {' or '.join(sorted(NOTIFY_STATUSES))}")
    report = LoopReport(idea_id=idea.id, status=status, template=template_name(status))
    group = repository.merged_group(session, idea.id)
    told = {n.author_id for n in repository.notifications_of(session, group) if n.status == status}
    firsts = _first_posts(session, group)
    drafts = {author_id: _draft(session, idea, status, post, author) for author_id, (post, author) in firsts.items()}
    _refuse_findings(report.template, drafts)
    for author_id, (post, author) in firsts.items():
        customer = author.handle
        if author_id in told:
            report.notified.append(Notified(author_id=author_id, customer=customer, channel=post.channel,
                                            outcome="already_told"))  # fmt: skip
            continue
        text = drafts[author_id][0]
        report.notified.append(_tell(session, idea, status, post, author, text, by=by, now=now))
    audit_log.append(
        session, actor=by, action="idea.notify", entity="idea", entity_id=idea.id, at=now,
        after={"status": status, "queued": report.count("queued"), "already_told": report.count("already_told"),
               "unreachable": report.count("unreachable")},
    )  # fmt: skip
    return report


def _first_posts(session: Session, group: list[int]) -> dict[int, tuple[Post, Author]]:
    """Each customer's first post in the idea (the one their reply answers), by author id."""
    firsts: dict[int, tuple[Post, Author]] = {}
    for _, post, author in repository.posts_of(session, group):
        if author is not None and author.id not in firsts:
            firsts[author.id] = (post, author)
    return firsts


def _draft(session: Session, idea: Idea, status: IdeaStatus, post: Post, author: Author) -> tuple[str, list[Finding]]:
    variables = {
        "customer_name": author.display_name or author.handle.split("@")[0] or author.handle,
        "idea": idea.title,
        "product": idea.product or post.product or post.brand or "our products",
    }
    text = render(session, name=template_name(status), language=post.language or "en", variables=variables)
    return text, check_draft(text, _PUBLIC)


def _refuse_findings(template: str, drafts: dict[int, tuple[str, list[Finding]]]) -> None:
    for _, findings in drafts.values():
        if findings:
            explained = "; ".join(
                f"{f.code} ({f.severity}) at {f.span.excerpt!r}: {f.why} {f.what_to_do}" for f in findings
            )
            raise InvalidInput(
                f"the message from template {template!r} fails the public-reply policy checks, so nobody was told: "
                f"{explained} Change the template (`groundswell templates add {template} ...`) and set the status "
                "again."
            )


def _tell(
    session: Session, idea: Idea, status: IdeaStatus, post: Post, author: Author, text: str, *, by: str, now: datetime
) -> Notified:
    outcome = Notified(author_id=author.id, customer=author.handle, channel=post.channel, outcome="queued")
    details: dict[str, Any] = {"channel": post.channel, "post_id": post.id, "in_reply_to": post.external_id}
    message_id = None
    if post.channel not in REPLY_CHANNELS:
        outcome.outcome = "unreachable"
        channels = ", ".join(REPLY_CHANNELS)
        outcome.reason = f"the outbox cannot reply on channel {post.channel!r} (it replies on {channels})"
    else:
        try:
            message = enqueue(
                session, idempotency_key=idempotency_key(idea.id, status, author.id), channel=post.channel,
                text=text, visibility="public", in_reply_to=post.external_id, recipient=author.handle,
                extra=_extra(post), actor=by, now=now,
            )  # fmt: skip
            message_id = outcome.outbox_message_id = message.id
        except InvalidInput as exc:
            outcome.outcome, outcome.reason = "unreachable", str(exc)
    details |= {"outcome": outcome.outcome, "reason": outcome.reason}
    row = IdeaNotification(idea_id=idea.id, author_id=author.id, status=status, outbox_message_id=message_id,
                           details=details, created_at=now)  # fmt: skip
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent run told them first
        outcome.outcome, outcome.reason = "already_told", "told by a concurrent run"
    return outcome


def _extra(post: Post) -> dict[str, Any]:
    if post.channel != "email":
        return {}
    return {"subject": post.title or "Your suggestion"}
