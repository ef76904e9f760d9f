"""The weekly digest of a department: its insights of one ISO week as a self-contained HTML e-mail (inline
styles, inline SVG charts from `groundswell.incidents.charts`, every customer's word escaped) with a plain-text
alternative, sent to the department's recipients through the outbox, or written to a file.

Each recipient gets one message per week: the idempotency key is `digest:{department}:{week}:{recipient}`.
The e-mail sender (`groundswell.outbox.alert_email`) sends `extra["html"]` as the HTML alternative of the text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.departments.service import build_insights, department_spec
from groundswell.errors import Conflict, InvalidInput
from groundswell.incidents.charts import bar_chart
from groundswell.models import Insight, OutboxMessage, Post
from groundswell.outbox import repository as outbox_repository
from groundswell.outbox.service import MAX_KEY_LENGTH, enqueue

QUOTES = 3
_FONT = "font-family:Helvetica,Arial,sans-serif;color:#222"
_CARD = "border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:16px 0"


@dataclass
class Digest:
    department: str
    week: str
    subject: str
    html: str
    text: str
    insights: int
    recipients: list[str] = field(default_factory=list)


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """[Monday 00:00 UTC, next Monday) of an ISO week written 2026-W10."""
    try:
        year, number = week.strip().upper().split("-W")
        start = datetime.fromisocalendar(int(year), int(number), 1).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"{week!r} is not an ISO week: write it as 2026-W10") from None
    return start, start + timedelta(days=7)


def last_full_week(now: datetime) -> str:
    """The ISO week before the one `now` is in (the week a Monday-morning digest reports on)."""
    year, number, _ = (now.astimezone(UTC) - timedelta(days=7)).isocalendar()
    return f"{year}-W{number:02d}"


def _quotes(session: Session, insights: list[Insight]) -> dict[int, Post]:
    ids = {i for insight in insights for i in insight.post_ids[:QUOTES]}
    return {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(ids)))} if ids else {}


def compose_digest(session: Session, *, department: str, week: str, now: datetime) -> Digest:
    """Build the department's insights for the week (updating them if built before) and render the digest."""
    start, end = week_bounds(week)
    row, spec = department_spec(session, department)
    insights = build_insights(session, department=row.name, period_start=start, period_end=end, now=now)
    posts = _quotes(session, insights)
    subject = f"{row.name.title()} digest {week}: {len(insights)} insight{'s' if len(insights) != 1 else ''}"
    return Digest(
        department=row.name, week=week, subject=subject, insights=len(insights), recipients=list(spec.recipients),
        html=_html(row.name, week, start, end, insights, posts), text=_text(row.name, week, insights, posts),
    )  # fmt: skip


def _link(post: Post) -> str:
    return post.url or f"post #{post.id}"


def _insight_html(insight: Insight, posts: dict[int, Post]) -> str:
    per_day = insight.trend.get("per_day", [])
    chart = bar_chart([d["day"][5:] for d in per_day], [d["count"] for d in per_day], title="Posts per day")
    shares = sorted(insight.sentiment.items(), key=lambda kv: -kv[1])
    mood = bar_chart([k for k, _ in shares], [round(v * 100, 1) for _, v in shares], title="Sentiment", unit="%")
    quotes = []
    for post_id in insight.post_ids[:QUOTES]:
        post = posts.get(post_id)
        if post is None:
            continue
        target = (f'<a href="{escape(post.url)}" style="color:#3b6ea5">view post</a>' if post.url
                  else f"post #{post.id}")  # fmt: skip
        quotes.append(
            f'<blockquote style="margin:8px 0;padding:6px 12px;border-left:3px solid #3b6ea5;color:#444">'
            f"{escape(post.text)}<br/><small>{target}</small></blockquote>"
        )
    figures = (f"{insight.customers:,} customers · reach {insight.reach:,} · "
               f"{insight.trend.get('total', 0)} posts")  # fmt: skip
    return (
        f'<div style="{_CARD}"><h2 style="font-size:17px;margin:0 0 6px">{escape(insight.title)}</h2>'
        f'<p style="margin:0 0 8px;color:#555;font-size:13px">{escape(figures)}</p>'
        f'<p style="margin:0 0 8px;line-height:1.4">{escape(insight.summary)}</p>'
        f"<div>{chart}</div><div>{mood}</div>{''.join(quotes)}</div>"
    )


def _html(name: str, week: str, start: datetime, end: datetime, insights: list[Insight], posts: dict[int, Post]) -> str:
    heading = f"{name.title()}: what customers said in {week}"
    period = f"{start:%d %b %Y} to {end - timedelta(days=1):%d %b %Y}"
    body = "".join(_insight_html(i, posts) for i in insights) or (
        '<p style="color:#777">Nothing this week: no posts matched this department\'s subscriptions.</p>'
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>'
        f"<title>{escape(heading)}</title></head>"
        f'<body style="{_FONT};max-width:700px;margin:0 auto;padding:16px">'
        f'<h1 style="font-size:21px;margin:0 0 4px">{escape(heading)}</h1>'
        f'<p style="color:#777;margin:0 0 12px">{escape(period)} · {len(insights)} insights</p>'
        f"{body}</body></html>"
    )


def _text(name: str, week: str, insights: list[Insight], posts: dict[int, Post]) -> str:
    lines = [f"{name.title()}: what customers said in {week}", ""]
    if not insights:
        lines.append("Nothing this week: no posts matched this department's subscriptions.")
    for insight in insights:
        lines += [f"* {insight.title}", f"  {insight.summary}"]
        for post_id in insight.post_ids[:QUOTES]:
            if (post := posts.get(post_id)) is not None:
                lines.append(f"  > {' '.join(post.text.split())[:280]} ({_link(post)})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_digest(session: Session, *, department: str, week: str, now: datetime, path: Path) -> Digest:
    """Write the digest's HTML to a file (the web page will come with the web app)."""
    digest = compose_digest(session, department=department, week=week, now=now)
    path.write_text(digest.html, encoding="utf-8")
    return digest


def digest_key(department: str, week: str, recipient: str) -> str:
    key = f"digest:{department}:{week}:{recipient}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return f"digest:{hashlib.sha256(key.encode()).hexdigest()}"


def send_digest(
    session: Session, *, department: str, week: str, now: datetime, actor: str = "system"
) -> tuple[Digest, list[OutboxMessage]]:
    """Queue the digest for each recipient. A recipient already sent this week's digest is not sent another,
    even when the insights changed since (the queued row is returned as it is)."""
    digest = compose_digest(session, department=department, week=week, now=now)
    if not digest.recipients:
        raise InvalidInput(f"department {department!r} has no digest recipients: add `recipients` and import again")
    queued = []
    for recipient in digest.recipients:
        key = digest_key(digest.department, week, recipient)
        extra = {"notification": True, "subject": digest.subject, "html": digest.html, "digest": digest.department}
        try:
            queued.append(enqueue(session, idempotency_key=key, channel="email", text=digest.text, visibility="private",
                                  recipient=recipient, extra=extra, actor=actor, now=now))  # fmt: skip
        except Conflict:
            existing = outbox_repository.by_key(session, key)
            if existing is None:
                raise
            queued.append(existing)
    return digest, queued
