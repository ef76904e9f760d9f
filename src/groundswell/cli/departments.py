"""`groundswell departments`: departments and their subscriptions, the insights built for them, weekly digests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from groundswell.cli.cases import ByOption, NowOption, parse_now
from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.models import Insight

app = typer.Typer(help="Departments: subscriptions, insights and weekly digests.", no_args_is_help=True)

Name = Annotated[str, typer.Argument(help="The department's name, e.g. pricing.", show_default=False)]


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_now(value)
    except InvalidInput:
        raise InvalidInput(f"{option} {value!r} is not an ISO 8601 date or time such as 2026-03-02") from None


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A departments YAML file (see examples/departments/).")],
    by: ByOption = "cli",
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Create or update departments and their subscriptions; the same file again changes nothing."""
    from groundswell.departments.service import import_departments

    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{file} is not valid YAML: {exc}") from None
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        report = import_departments(
            session, document=document, actor=by, now=parse_now(now), source=str(file), base_dir=file.resolve().parent
        )
    result = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    if as_json:
        print_json(result)
        return
    for key, names in result.items():
        human(as_json).print(f"{key}: {', '.join(names) or '-'}")


@app.command("list")
def list_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    """The departments, what they subscribe to, and their digest recipients."""
    from groundswell.departments.repository import departments

    store = open_store(db)
    with store.sessions() as session:
        rows = [
            {"name": d.name, "description": d.description, "recipients": d.digest_recipients, **d.subscriptions}
            for d in departments(session)
        ]
    if as_json:
        print_json({"departments": rows})
        return
    table = Table("department", "subscriptions", "recipients")
    for row in rows:
        subs = row["subscriptions"]
        parts = [f"intents: {', '.join(subs['intents'])}" if subs["intents"] else "",
                 f"topics: {', '.join(t['name'] for t in subs['topics'])}" if subs["topics"] else "",
                 "sentiment: " + ", ".join(s["product"] or s["brand"] for s in subs["sentiment_changes"])
                 if subs["sentiment_changes"] else "", _themes_words(subs.get("new_themes"))]  # fmt: skip
        table.add_row(row["name"], "; ".join(p for p in parts if p), ", ".join(row["recipients"]))
    human(as_json).print(table)


def _themes_words(watch: dict[str, Any] | None) -> str:
    if watch is None:
        return ""
    about = ", ".join([*watch.get("products", []), *watch.get("brands", [])])
    return (
        "new themes" + (f" about {about}" if about else "") + (" (unexpected uses)" if watch.get("catalogue") else "")
    )


def insight_json(insight: Insight) -> dict[str, Any]:
    return {
        "id": insight.id, "kind": insight.kind, "title": insight.title, "summary": insight.summary,
        "customers": insight.customers, "reach": insight.reach, "sentiment": insight.sentiment,
        "trend": insight.trend, "post_ids": insight.post_ids, "links": insight.details.get("links", []),
        "key_phrases": insight.details.get("key_phrases", []), "subject": insight.details.get("subject"),
        "group": insight.details.get("group"), "change": insight.details.get("change"),
        "theme": insight.details.get("theme"),
        "period_start": insight.period_start.isoformat(), "period_end": insight.period_end.isoformat(),
    }  # fmt: skip


@app.command("insights")
def insights_command(
    department: Name,
    since: Annotated[
        str | None, typer.Option("--since", help="Start (ISO 8601); default: 7 days before --until.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="End, excluded (ISO 8601); default: now.")] = None,
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Build (or rebuild) a department's insights for a period from the stored, enriched posts, and print them."""
    from groundswell.departments.service import build_insights

    moment = parse_now(now)
    end = _moment(until, "--until") or moment
    start = _moment(since, "--since") or end - timedelta(days=7)
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        found = [insight_json(i) for i in build_insights(session, department=department, period_start=start,
                                                          period_end=end, now=moment)]  # fmt: skip
    if as_json:
        print_json({"department": department, "period_start": start.isoformat(), "period_end": end.isoformat(),
                    "insights": found})  # fmt: skip
        return
    out = human(as_json)
    out.print(f"{len(found)} insights for {department} from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}")
    for item in found:
        out.print(f"\n[bold]{item['title']}[/bold]", highlight=False)
        out.print(item["summary"], highlight=False, markup=False)
        out.print("posts: " + ", ".join(link["url"] or f"#{link['post_id']}" for link in item["links"][:5]),
                  highlight=False, markup=False)  # fmt: skip


@app.command("digest")
def digest_command(
    department: Name,
    week: Annotated[
        str | None, typer.Option("--week", help="ISO week, e.g. 2026-W10; default: last full week.")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the HTML digest to this file.")] = None,
    send: Annotated[bool, typer.Option("--send", help="Queue the e-mail to each recipient in the outbox.")] = False,
    by: ByOption = "cli",
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Build the week's insights and render the digest (--output) and/or queue it for the recipients (--send);
    `groundswell outbox run` then sends it over SMTP. Each recipient gets one e-mail per week."""
    from groundswell.departments.digest import compose_digest, last_full_week, send_digest

    moment = parse_now(now)
    chosen = week or last_full_week(moment)
    store = open_store(db)
    queued: list[dict[str, Any]] = []
    with write_transaction(store.sessions) as session:
        if send:
            digest, rows = send_digest(session, department=department, week=chosen, now=moment, actor=by)
            queued = [{"id": m.id, "recipient": m.recipient, "status": m.status, "key": m.idempotency_key}
                      for m in rows]  # fmt: skip
        else:
            digest = compose_digest(session, department=department, week=chosen, now=moment)
    if output is not None:
        output.write_text(digest.html, encoding="utf-8")
    result = {"department": digest.department, "week": chosen, "subject": digest.subject,
              "insights": digest.insights, "output": str(output) if output else None, "queued": queued}  # fmt: skip
    if as_json:
        print_json(result)
        return
    out = human(as_json)
    out.print(digest.subject, highlight=False, markup=False)
    if output is not None:
        out.print(f"written to {output}")
    for item in queued:
        out.print(f"queued for {item['recipient']} (outbox #{item['id']}, {item['status']})", markup=False)
    if output is None and not send:
        out.print(digest.text, highlight=False, markup=False)
