"""The post-mortem of an incident, as Markdown or as one self-contained HTML page (inline CSS, inline SVG charts,
no scripts, nothing fetched): what happened (timeline), who held which role, the checklist, the statements
sent, the alerts and their key phrases, the figures per hour, and an empty "lessons learned" section to fill.

Every text that came from people or posts is escaped, so a post or a note can never inject markup."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput
from groundswell.incidents import charts, repository
from groundswell.incidents.metrics import IncidentMetrics, metrics
from groundswell.models import Alert, Incident, IncidentEvent, IncidentStatement, OutboxMessage

FORMATS = ("md", "html")
LESSONS = ("What went well", "What went badly", "Where we were lucky", "Actions (owner, due date)")


@dataclass(frozen=True)
class Report:
    incident: Incident
    events: list[IncidentEvent]
    alerts: list[Alert]
    statements: list[tuple[IncidentStatement, OutboxMessage | None]]
    figures: IncidentMetrics
    key_phrases: list[tuple[str, int]]
    generated_at: datetime


def collect(session: Session, *, incident_id: int, now: datetime | None = None) -> Report:
    when = now or datetime.now(UTC)
    incident = repository.get_incident(session, incident_id)
    alerts = repository.alerts(session, repository.linked_ids(session, incident_id, "alert"))
    statements = [
        (s, repository.outbox_by_key(session, f"incident:{incident_id}:statement:{s.id}"))
        for s in repository.statements(session, incident_id)
    ]
    phrases = Counter(str(p) for a in alerts for p in a.key_phrases or [])
    return Report(
        incident=incident, events=repository.events(session, incident_id), alerts=alerts, statements=statements,
        figures=metrics(session, incident_id=incident_id, now=when), key_phrases=phrases.most_common(20),
        generated_at=when,
    )  # fmt: skip


def render(session: Session, *, incident_id: int, format: str = "html", now: datetime | None = None) -> str:
    if format not in FORMATS:
        raise InvalidInput(f"unknown post-mortem format {format!r}: use html or md")
    report = collect(session, incident_id=incident_id, now=now)
    return to_html(report) if format == "html" else to_markdown(report)


# ---- shared pieces -----------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:g} min"


def _details(data: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in data.items() if value not in (None, "", [], {}))


def _facts(report: Report) -> list[tuple[str, str]]:
    i, f = report.incident, report.figures
    return [
        ("Scope", f"{i.scope_kind or '-'}: {i.scope or '-'}"),
        ("Severity", i.severity),
        ("Status", i.status),
        ("Playbook", i.playbook or "-"),
        ("Opened", f"{_when(i.opened_at)} by {i.opened_by}"),
        ("Resolved", _when(i.resolved_at)),
        ("Marketing paused", "yes" if i.marketing_paused else "no"),
        ("Posts in scope", f"{f.posts:,} by {f.authors:,} authors"),
        ("Negative share", _pct(f.negative_share)),
        ("Anger share", _pct(f.anger_share)),
        ("Reach (followers of distinct authors)", f"{f.reach:,}"),
        ("Alerts", str(f.alerts)),
        ("Linked cases answered", f"{f.responses.answered} of {f.responses.cases}"),
        (
            "Response time, median / p90",
            f"{_minutes(f.responses.median_minutes)} / {_minutes(f.responses.p90_minutes)}",
        ),
    ]


def _hour_label(report: Report, hour: int) -> str:
    return f"{report.figures.hours[hour].start.astimezone(UTC):%H:%M}"


def _task_status(task: dict[str, Any]) -> str:
    if task.get("done"):
        late = task.get("due_at") and str(task["done_at"]) > str(task["due_at"])
        return f"done by {task['done_by']} at {_when(datetime.fromisoformat(task['done_at']))}" + (
            " (late)" if late else ""
        )
    return "open"


# ---- Markdown --------------------------------------------------------------------------------------


def _md(value: object) -> str:
    """Text safe inside a Markdown table cell or line: no raw HTML, no table breaks, one line."""
    text = re.sub(r"([\\`*_\[\]|])", r"\\\1", escape(str(value), quote=False))
    return re.sub(r"\s*\n\s*", " ", text)


def _md_table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return lines if rows else ["(none)"]


def to_markdown(report: Report) -> str:
    i, f = report.incident, report.figures
    out = [f"# Post-mortem: incident {i.id}: {_md(i.title)}", "", f"_Generated {_when(report.generated_at)}._", ""]
    out += [f"- **{name}**: {_md(value)}" for name, value in _facts(report)]
    out += ["", "## Summary", "", _md(i.summary or "-"), "", "## Figures per hour", ""]
    out += _md_table(
        ["hour", "from", "posts", "negative", "anger", "reach", "alerts"],
        [[h.hour, _when(h.start), h.posts, _pct(h.negative_share), _pct(h.anger_share), h.reach, h.alerts]
         for h in f.hours],
    )  # fmt: skip
    out += ["", "## Timeline", ""]
    out += _md_table(["when", "who", "what", "details"],
                     [[_when(e.at), e.actor, e.kind, _details(e.data)] for e in report.events])  # fmt: skip
    out += ["", "## Roles", ""]
    out += _md_table(["role", "held by"], [[role, who or "(unfilled)"] for role, who in i.roles.items()])
    out += ["", "## Checklist", ""]
    out += _md_table(["#", "task", "owner", "due", "status"],
                     [[t["n"], t["title"], t["owner"], t.get("due_after") or "-", _task_status(t)]
                      for t in i.checklist])  # fmt: skip
    out += ["", "## Public statements", ""]
    out += _md_table(["#", "channel", "state", "approved by", "delivery", "text"], _statement_rows(report))
    out += ["", "## Alerts", ""]
    out += _md_table(["#", "kind", "severity", "detected", "occurrences", "summary"],
                     [[a.id, a.kind, a.severity, _when(a.detected_at), a.occurrences, a.summary]
                      for a in report.alerts])  # fmt: skip
    out += ["", "## Key phrases", ""]
    out += [f"- {_md(phrase)} ({count})" for phrase, count in report.key_phrases] or ["(none)"]
    out += ["", "## Lessons learned", ""]
    for heading in LESSONS:
        out += [f"### {heading}", "", "_To be filled in by the incident lead._", ""]
    return "\n".join(out).rstrip() + "\n"


def _statement_rows(report: Report) -> list[list[object]]:
    rows: list[list[object]] = []
    for statement, message in report.statements:
        delivery = (
            "-"
            if message is None
            else f"{message.status}" + (f" ({message.external_id})" if message.external_id else "")
        )
        rows.append([statement.id, statement.channel, statement.state, statement.approved_by or "-", delivery,
                     statement.text])  # fmt: skip
    return rows


# ---- HTML ------------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f4f4f4}dl{display:grid;grid-template-columns:max-content 1fr;
gap:.2rem 1rem}dt{font-weight:600}.charts svg{max-width:100%;height:auto;display:block;margin:1rem 0}
.lessons p{color:#888;font-style:italic}.muted{color:#777}
"""


def _table(header: list[str], rows: list[list[object]]) -> str:
    if not rows:
        return '<p class="muted">(none)</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(report: Report) -> str:
    i, f = report.incident, report.figures
    labels = [_hour_label(report, n) for n in range(len(f.hours))]
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in _facts(report))
    volume = charts.bar_chart(labels, [h.posts for h in f.hours], title="Posts in scope per hour")
    negative = charts.line_chart(labels, [h.negative_share for h in f.hours], title="Negative share per hour")
    sections = [
        f"<h1>Post-mortem: incident {i.id}: {escape(i.title)}</h1>",
        f'<p class="muted">Generated {escape(_when(report.generated_at))}.</p><dl>{facts}</dl>',
        f"<h2>Summary</h2><p>{escape(i.summary or '-')}</p>",
        f'<h2>Figures per hour</h2><div class="charts">{volume}{negative}</div>',
        _table(["hour", "from", "posts", "negative", "anger", "reach", "alerts"],
               [[h.hour, _when(h.start), h.posts, _pct(h.negative_share), _pct(h.anger_share), h.reach, h.alerts]
                for h in f.hours]),
        "<h2>Timeline</h2>" + _table(["when", "who", "what", "details"],
                                     [[_when(e.at), e.actor, e.kind, _details(e.data)] for e in report.events]),
        "<h2>Roles</h2>" + _table(["role", "held by"], [[r, w or "(unfilled)"] for r, w in i.roles.items()]),
        "<h2>Checklist</h2>" + _table(["#", "task", "owner", "due", "status"],
                                      [[t["n"], t["title"], t["owner"], t.get("due_after") or "-", _task_status(t)]
                                       for t in i.checklist]),
        "<h2>Public statements</h2>"
        + _table(["#", "channel", "state", "approved by", "delivery", "text"], _statement_rows(report)),
        "<h2>Alerts</h2>" + _table(["#", "kind", "severity", "detected", "occurrences", "summary"],
                                   [[a.id, a.kind, a.severity, _when(a.detected_at), a.occurrences, a.summary]
                                    for a in report.alerts]),
        "<h2>Key phrases</h2>" + ("<ul>" + "".join(f"<li>{escape(p)} ({c})</li>" for p, c in report.key_phrases)
                                   + "</ul>" if report.key_phrases else '<p class="muted">(none)</p>'),
        '<h2>Lessons learned</h2><div class="lessons">'
        + "".join(f"<h3>{escape(h)}</h3><p>To be filled in by the incident lead.</p>" for h in LESSONS) + "</div>",
    ]  # fmt: skip
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Post-mortem: incident {i.id}</title><style>{CSS}</style></head><body>"
        + "".join(sections)
        + "</body></html>\n"
    )
