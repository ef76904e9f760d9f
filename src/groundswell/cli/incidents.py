"""`groundswell incidents`: open an incident from an alert and a playbook, fill roles, work the checklist,
publish statements through approval and the outbox, resolve, and write the post-mortem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from groundswell.cli.cases import NowOption, parse_now
from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.cli.reply import _variables
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.incidents import postmortem, repository, service, statements
from groundswell.incidents.metrics import metrics
from groundswell.incidents.playbooks import Playbook, load_playbook, load_playbooks, match
from groundswell.incidents.schemas import IncidentSummary, IncidentView, StatementView

app = typer.Typer(help="Incidents: open from an alert and a playbook, roles, tasks, statements, post-mortem.",
                  no_args_is_help=True)  # fmt: skip

IncidentId = Annotated[int, typer.Argument(help="The incident number.", show_default=False)]
StatementId = Annotated[int, typer.Argument(help="The statement number (`incidents show` lists them).")]
By = Annotated[str, typer.Option("--by", help="Your employee handle; recorded in the audit log.", show_default=False)]


def _playbook(file: Path | None, folder: Path | None, alert_id: int | None, db: str | None) -> Playbook:
    if (file is None) == (folder is None):
        raise InvalidInput("give a playbook file (--playbook FILE) or a folder to choose from (--playbooks DIR)")
    if file is not None:
        return load_playbook(file)
    assert folder is not None
    playbooks = load_playbooks(folder)
    if alert_id is None:
        raise InvalidInput("--playbooks DIR chooses by the alert: give --alert ID, or name one --playbook FILE")
    with open_store(db).sessions() as session:
        alert = repository.get_alert(session, alert_id)
        chosen = match(playbooks, alert)
        if chosen is None:
            raise InvalidInput(
                f"no playbook in {folder} accepts alert {alert_id} ({alert.kind}, {alert.scope_kind} "
                f"{alert.scope}, {alert.severity}): pass one with --playbook FILE"
            )
    return chosen


@app.command("open")
def open_(
    alert: Annotated[int | None, typer.Option("--alert", help="Open from this alert.")] = None,
    playbook: Annotated[Path | None, typer.Option("--playbook", help="The playbook (YAML) to follow.")] = None,
    playbooks: Annotated[
        Path | None, typer.Option("--playbooks", help="A folder of playbooks: the one matching the alert is used.")
    ] = None,
    scope_kind: Annotated[str | None, typer.Option("--scope-kind", help="Without an alert: brand, topic...")] = None,
    scope: Annotated[str | None, typer.Option("--scope", help="Without an alert: the brand, topic... name.")] = None,
    by: By = "cli",
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Open an incident (an alert whose scope already has an open incident joins it instead)."""
    chosen = _playbook(playbook, playbooks, alert, db)
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        before = repository.open_for_scope(session, *_scope_of(session, alert, scope_kind, scope))
        incident = service.open_incident(session, alert_id=alert, playbook=chosen, opened_by=by, now=parse_now(now),
                                         scope_kind=scope_kind, scope=scope)  # fmt: skip
        joined = before is not None and before.id == incident.id
        incident_id = incident.id
    _done(incident_id, f"{'alert joined' if joined else 'opened'} incident {incident_id} ({chosen.name})", as_json, db)


def _scope_of(session: Session, alert: int | None, kind: str | None, scope: str | None) -> tuple[str, str]:
    if alert is None:
        return kind or "", scope or ""
    row = repository.get_alert(session, alert)
    return row.scope_kind, row.scope


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option("--status", help="open, monitoring or resolved.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Incidents, newest first."""
    with open_store(db).sessions() as session:
        rows = [IncidentSummary.of(r) for r in repository.list_incidents(session, status=status, limit=limit)]
    if as_json:
        print_json({"incidents": [r.model_dump(mode="json") for r in rows]})
        return
    table = Table("incident", "status", "severity", "scope", "playbook", "opened", "title")
    for r in rows:
        table.add_row(str(r.id), r.status, r.severity, escape(f"{r.scope_kind}:{r.scope}"), r.playbook or "-",
                      f"{r.opened_at:%Y-%m-%d %H:%M}", escape(r.title[:60]))  # fmt: skip
    stdout.print(table if rows else "no incidents")


@app.command("show")
def show(incident_id: IncidentId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """One incident: roles, checklist, links, statements and the timeline."""
    with open_store(db).sessions() as session:
        view = IncidentView.load(session, incident_id)
    if as_json:
        print_json(view.model_dump(mode="json"))
        return
    out = stdout
    out.print(f"[bold]incident {view.id}[/] {escape(view.title)}: {view.status}, {view.severity}, "
              f"playbook {view.playbook}, marketing paused: {'yes' if view.marketing_paused else 'no'}")  # fmt: skip
    out.print("roles: " + ", ".join(f"{r}={w or '-'}" for r, w in view.roles.items()))
    for task in view.checklist:
        mark = "x" if task["done"] else " "
        out.print(f"  [{mark}] {task['n']}. {escape(task['title'])} ({task['owner']}, due {task['due_at'] or '-'})")
    out.print("linked: " + ", ".join(f"{len(ids)} {kind}s" for kind, ids in view.links.items()))
    for s in view.statements:
        out.print(f"  statement {s.id} [{s.state}] on {s.channel}: {escape(s.text[:80])}")
    for e in view.timeline:
        out.print(f"  {e.at:%Y-%m-%d %H:%M} {escape(e.actor)}: {e.kind} {escape(str(e.data))}")


@app.command("role")
def role(
    incident_id: IncidentId,
    name: Annotated[str, typer.Argument(help="The playbook role, e.g. spokesperson.")],
    employee: Annotated[str, typer.Argument(help="The employee's handle.")],
    by: By = "cli",
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Fill a playbook role."""
    with write_transaction(open_store(db).sessions) as session:
        service.assign_role(session, incident_id=incident_id, role=name, employee=employee, by=by, now=parse_now(now))
    _done(incident_id, f"{employee} is {name} of incident {incident_id}", as_json, db)


@app.command("task")
def task(
    incident_id: IncidentId,
    number: Annotated[int, typer.Argument(help="The task's number in the checklist.")],
    done: Annotated[bool, typer.Option("--done", help="Mark the task done.")] = False,
    by: By = "cli",
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Tick a checklist task as done."""
    if not done:
        raise InvalidInput("say --done to tick the task (a done task stays done)")
    with write_transaction(open_store(db).sessions) as session:
        service.complete_task(session, incident_id=incident_id, number=number, by=by, now=parse_now(now))
    _done(incident_id, f"task {number} of incident {incident_id} done", as_json, db)


@app.command("note")
def note(incident_id: IncidentId, text: Annotated[str, typer.Argument(help="The note.")], by: By = "cli",
         now: NowOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:  # fmt: skip
    """Add a note to the timeline."""
    with write_transaction(open_store(db).sessions) as session:
        service.add_note(session, incident_id=incident_id, text=text, by=by, now=parse_now(now))
    _done(incident_id, f"note added to incident {incident_id}", as_json, db)


@app.command("status")
def status(
    incident_id: IncidentId,
    to: Annotated[str, typer.Argument(help="open, monitoring or resolved.")],
    by: By = "cli",
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Move the incident to open, monitoring or resolved (resolved -> open reopens it)."""
    with write_transaction(open_store(db).sessions) as session:
        service.set_status(session, incident_id=incident_id, status=to, by=by, now=parse_now(now))
    _done(incident_id, f"incident {incident_id} is {to}", as_json, db)


@app.command("resolve")
def resolve(incident_id: IncidentId, by: By = "cli", now: NowOption = None, as_json: JsonOption = False,
            db: DbOption = None) -> None:  # fmt: skip
    """Resolve the incident."""
    status(incident_id, "resolved", by=by, now=now, as_json=as_json, db=db)


@app.command("statement")
def statement(
    incident_id: IncidentId,
    holding: Annotated[str | None, typer.Option("--holding", help="A holding statement of the playbook.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="The text (with --holding: an edited version).")] = None,
    var: Annotated[list[str] | None, typer.Option("--var", help="A template variable, name=value.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="The holding statement's language.")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Where to post (default: the playbook's).")] = None,
    by: By = "cli",
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Draft a public statement: an unchanged holding statement is pre-approved, anything else waits for approval."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        row = statements.draft_statement(session, incident_id=incident_id, author=by, holding=holding, text=text,
                                         variables=_variables(var or []), language=language, channel=channel,
                                         now=parse_now(now))  # fmt: skip
        view = StatementView.of(session, row)
    _statement_out(view, as_json)


@app.command("statement-approve")
def statement_approve(statement_id: StatementId, by: By = "cli", now: NowOption = None, as_json: JsonOption = False,
                      db: DbOption = None) -> None:  # fmt: skip
    """Approve a statement someone else wrote."""
    with write_transaction(open_store(db).sessions) as session:
        view = StatementView.of(session, statements.approve_statement(session, statement_id=statement_id, by=by,
                                                                      now=parse_now(now)))  # fmt: skip
    _statement_out(view, as_json)


@app.command("statement-reject")
def statement_reject(statement_id: StatementId, reason: Annotated[str, typer.Option("--reason")], by: By = "cli",
                     now: NowOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:  # fmt: skip
    """Reject a statement, saying what to change."""
    with write_transaction(open_store(db).sessions) as session:
        row = statements.reject_statement(session, statement_id=statement_id, by=by, reason=reason, now=parse_now(now))
        view = StatementView.of(session, row)
    _statement_out(view, as_json)


@app.command("statement-send")
def statement_send(statement_id: StatementId, by: By = "cli", now: NowOption = None, as_json: JsonOption = False,
                   db: DbOption = None) -> None:  # fmt: skip
    """Queue an approved statement for the outbox (once: sending again changes nothing)."""
    with write_transaction(open_store(db).sessions) as session:
        message = statements.send_statement(session, statement_id=statement_id, by=by, now=parse_now(now))
        view = StatementView.of(session, repository.get_statement(session, statement_id))
        key = message.idempotency_key
    if as_json:
        print_json(view.model_dump(mode="json") | {"idempotency_key": key})
        return
    stdout.print(f"statement {statement_id} queued as outbox message {view.outbox_message_id} ({key})")


@app.command("metrics")
def metrics_(incident_id: IncidentId, now: NowOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Volume, negative and anger shares, reach and alerts per hour; response times of linked cases."""
    with open_store(db).sessions() as session:
        figures = metrics(session, incident_id=incident_id, now=parse_now(now))
    if as_json:
        print_json(figures.model_dump(mode="json"))
        return
    table = Table("from", "posts", "negative", "anger", "reach", "alerts")
    for h in figures.hours:
        table.add_row(f"{h.start:%m-%d %H:%M}", str(h.posts), _pct(h.negative_share), _pct(h.anger_share),
                      f"{h.reach:,}", str(h.alerts))  # fmt: skip
    stdout.print(table)
    r = figures.responses
    stdout.print(f"cases answered {r.answered}/{r.cases}; median {r.median_minutes} min, p90 {r.p90_minutes} min")


@app.command("postmortem")
def postmortem_(
    incident_id: IncidentId,
    format: Annotated[str, typer.Option("--format", help="html or md.")] = "html",
    output: Annotated[Path | None, typer.Option("--output", help="Write here (default: stdout).")] = None,
    now: NowOption = None,
    db: DbOption = None,
) -> None:
    """The post-mortem report, with charts (HTML) and an empty lessons-learned section to fill."""
    with open_store(db).sessions() as session:
        text = postmortem.render(session, incident_id=incident_id, format=format, now=parse_now(now))
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    human(False).print(f"post-mortem of incident {incident_id} written to {output}")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _statement_out(view: StatementView, as_json: bool) -> None:
    if as_json:
        print_json(view.model_dump(mode="json"))
        return
    how = f"pre-approved ({view.preapproved_template})" if view.preapproved_template else view.state
    stdout.print(f"statement {view.id} on incident {view.incident_id}: {how}")
    for reason in view.reasons:
        stdout.print(f"  needs {view.approver_role}: {escape(reason)}")


def _done(incident_id: int, message: str, as_json: bool, db: str | None) -> None:
    if as_json:
        with open_store(db).sessions() as session:
            print_json(IncidentView.load(session, incident_id).model_dump(mode="json"))
        return
    human(as_json).print(message)
