"""`groundswell cases`: turn stored, enriched posts into cases, and work the cases from the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.db.engine import write_transaction
from groundswell.errors import ConfigurationError, InvalidInput
from groundswell.inbox import service
from groundswell.inbox.assignment import rebalance
from groundswell.inbox.intake import DEFAULT_BATCH_SIZE, process_posts
from groundswell.inbox.schemas import CaseSummary, CaseView, IntakeReport
from groundswell.routing.ruleset import RuleSet

app = typer.Typer(help="Cases: route stored posts into cases, list, show, assign, change status, merge, split.",
                  no_args_is_help=True)  # fmt: skip

ByOption = Annotated[str, typer.Option("--by", help="Who does this (an employee handle); recorded in the audit log.")]
NowOption = Annotated[
    str | None,
    typer.Option("--now", help="Act as if it were this moment (ISO 8601; default: now).", show_default=False),
]
CaseId = Annotated[int, typer.Argument(help="The case number.", show_default=False)]


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--now {value!r} is not an ISO 8601 time such as 2026-03-02T15:00:00Z") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _rules(store: Any, rules_dir: Path | None) -> tuple[RuleSet, int | None, str]:
    if rules_dir is not None:
        from groundswell.routing.config_dir import load_config_dir

        loaded = load_config_dir(rules_dir)
        return loaded.ruleset, None, str(loaded.path)
    from groundswell.routing_store.service import active_ruleset

    with store.sessions() as session:
        active = active_ruleset(session)
    if active is None:
        raise ConfigurationError(
            "no routing rules are saved in the database: `groundswell rules save --config DIR` stores them, "
            "or pass --rules-dir DIR to use a rules folder"
        )
    row, ruleset = active
    return ruleset, row.version, f"rules version {row.version}"


@app.command("process")
def process(
    rules_dir: Annotated[
        Path | None, typer.Option("--rules-dir", help="A rules folder (rules.yaml) instead of the active saved rules.")
    ] = None,
    now: NowOption = None,
    reopen_days: Annotated[
        float,
        typer.Option(
            "--reopen-days",
            min=0,
            help="A resolved or closed case reopens when its customer writes again within this many days.",
        ),
    ] = 7,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Posts per transaction.")] = DEFAULT_BATCH_SIZE,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Route the stored, enriched posts that are in no case yet: open cases, attach follow-ups, reopen
    recently closed cases, skip suppressed posts, and assign. Safe to stop and run again."""
    store = open_store(db)
    ruleset, version, source = _rules(store, rules_dir)
    report = process_posts(
        store.sessions, ruleset=ruleset, rules_version=version, now=parse_now(now),
        reopen_window=timedelta(days=reopen_days), batch_size=batch_size,
    )  # fmt: skip
    if as_json:
        print_json(report.model_dump() | {"rules": source})
        return
    _print_report(report, source)


def _print_report(report: IntakeReport, source: str) -> None:
    out = human(False)
    out.print(f"routed {report.processed:,} posts with {source}")
    out.print(f"{report.opened:,} cases opened, {report.attached:,} follow-ups attached, "
              f"{report.reopened:,} cases reopened, {report.suppressed:,} suppressed")  # fmt: skip
    out.print(f"{report.assigned:,} assigned; {sum(report.unassigned.values()):,} left in a team queue")
    for reason, count in sorted(report.unassigned.items(), key=lambda item: -item[1]):
        out.print(f"  {count:,} × {reason}")
    for rule, count in sorted(report.suppressed_by_rule.items()):
        out.print(f"  suppressed by {rule}: {count:,}")
    if report.sla_not_started:
        out.print(f"[yellow]{report.sla_not_started:,} cases have no SLA clock (see their timeline)[/]")
    if report.waiting_for_enrichment:
        out.print(f"{report.waiting_for_enrichment:,} posts wait for enrichment (`groundswell enrich run`)")


@app.command("list")
def list_(
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Only this status (repeat; open_any = every open status).")
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's cases.")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", help="Only cases held by this employee.")] = None,
    unassigned: Annotated[bool, typer.Option("--unassigned", help="Only cases nobody holds (team queues).")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List cases, most urgent first (priority, then oldest)."""
    store = open_store(db)
    with store.sessions() as session:
        cases = service.list_cases(
            session, status=status or (), team=team, assignee=assignee, unassigned=unassigned, limit=limit
        )
    if as_json:
        print_json({"cases": [c.model_dump(mode="json") for c in cases]})
        return
    _print_cases(cases)


def _print_cases(cases: list[CaseSummary]) -> None:
    table = Table("case", "status", "priority", "team", "assignee", "customer", "opened", "subject")
    for case in cases:
        table.add_row(
            str(case.id), case.status.value, case.priority, case.team or "-", case.assignee or "(queue)",
            case.customer or "-", f"{case.opened_at:%Y-%m-%d %H:%M}", case.subject[:60],
        )  # fmt: skip
    stdout.print(table if cases else "no cases match")


@app.command("show")
def show(case_id: CaseId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """One case: its routing decision, posts and full timeline."""
    store = open_store(db)
    with store.sessions() as session:
        view = service.get_case(session, case_id=case_id)
    if as_json:
        print_json(view.model_dump(mode="json"))
        return
    _print_case(view)


def _print_case(view: CaseView) -> None:
    out = stdout
    owner = view.assignee or "nobody (team queue)"
    out.print(f"[bold]case {view.id}[/] ({view.kind}) {view.status.value}, {view.priority}, team {view.team or '-'}, "
              f"assigned to {owner}")  # fmt: skip
    if view.merged_into_id:
        out.print(f"merged into case {view.merged_into_id}")
    approval = view.approver_role or ("required" if view.requires_approval else "not required")
    out.print(f"customer {view.customer or '-'} on {view.channel}; tags: {', '.join(view.tags) or '-'}; "
              f"SLA policy: {view.sla_policy or '-'}; approval: {approval}")  # fmt: skip
    for fired in (view.routing.get("decision") or {}).get("explanation", []):
        out.print(
            f"  rule {fired['rule']}: {'; '.join(fired['conditions']) or 'always'} -> {'; '.join(fired['actions'])}"
        )
    out.print("[bold]posts[/]")
    for post in view.posts:
        out.print(f"  [{post.post_id}] {post.created_at:%Y-%m-%d %H:%M} @{post.author or '?'}: {post.text}")
    out.print("[bold]timeline[/]")
    for event in view.timeline:
        details = ", ".join(f"{k}={v}" for k, v in event.data.items() if k != "rejected")
        out.print(f"  {event.at:%Y-%m-%d %H:%M} {event.actor}: {event.kind} {details}")


def _done(case_id: int, message: str, as_json: bool, db: str | None) -> None:
    if as_json:
        store = open_store(db)
        with store.sessions() as session:
            print_json(service.get_case(session, case_id=case_id).model_dump(mode="json"))
        return
    human(as_json).print(message)


@app.command("assign")
def assign(
    case_id: CaseId,
    employee: Annotated[str, typer.Argument(help="The employee's handle.", show_default=False)],
    by: ByOption = "cli",
    force: Annotated[bool, typer.Option("--force", help="Assign even past capacity or on leave (audited).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the timeline.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Give a case to an employee (refused past their capacity unless --force)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        service.assign(session, case_id=case_id, employee=employee, actor=by, force=force, reason=reason)
    _done(case_id, f"case {case_id} assigned to {employee}", as_json, db)


@app.command("status")
def status(
    case_id: CaseId,
    new_status: Annotated[
        str, typer.Argument(metavar="STATUS", help="new, open, waiting_on_customer, resolved, closed.")
    ],
    by: ByOption = "cli",
    note: Annotated[str | None, typer.Option("--note", help="Why, for the timeline.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a case's status (open on a resolved or closed case reopens it)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        case = service.change_status(session, case_id=case_id, status=new_status, actor=by, note=note)
        shown = case.status
    _done(case_id, f"case {case_id} is {shown}", as_json, db)


@app.command("note")
def note(
    case_id: CaseId,
    text: Annotated[str, typer.Argument(help="The note (internal: never sent to the customer).", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="Who writes the note (an employee handle).", show_default=False)],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add an internal note to a case's timeline."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        service.add_note(session, case_id=case_id, text=text, actor=by)
    _done(case_id, f"note added to case {case_id}", as_json, db)


@app.command("merge")
def merge(
    case_id: CaseId,
    into: Annotated[int, typer.Argument(help="The case that survives.", show_default=False)],
    by: ByOption = "cli",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Merge a case into another case of the same customer (its posts move; it is closed)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        service.merge(session, case_id=case_id, into_id=into, actor=by)
    _done(into, f"case {case_id} merged into case {into}", as_json, db)


@app.command("split")
def split(
    case_id: CaseId,
    posts: Annotated[list[int], typer.Option("--posts", help="A post id to move to the new case (repeat).")],
    by: ByOption = "cli",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Move some of a case's posts into a new case (same customer and team)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        new_id = service.split(session, case_id=case_id, post_ids=posts, actor=by).id
    _done(new_id, f"posts {', '.join(map(str, posts))} split from case {case_id} into case {new_id}", as_json, db)


@app.command("rebalance")
def rebalance_command(
    now: NowOption = None, by: ByOption = "system", as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Place queued cases with whoever is on shift with room, and move unanswered cases away from owners who
    went off shift or on leave, or whose first-response SLA is at risk."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        report = rebalance(session, now=parse_now(now), actor=by)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    out = human(False)
    out.print(f"{report.assigned:,} queued cases assigned, {report.reassigned:,} moved, {report.kept:,} kept "
              f"(at risk, nobody else free), {len(report.still_queued):,} still queued")  # fmt: skip
    for move in report.moves:
        out.print(f"  case {move['case']}: {move['from']} -> {move['to'] or 'queue'} ({move['why']})")
