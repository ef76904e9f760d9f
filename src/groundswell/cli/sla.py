"""`groundswell sla`: record SLA warnings and breaches (and escalate), and show a case's deadlines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.cases import CaseId, NowOption, parse_now
from groundswell.cli.common import DbOption, JsonOption, Store, human, open_store, print_json, stderr, stdout
from groundswell.db.engine import write_transaction
from groundswell.inbox import repository, sla_service
from groundswell.inbox.assignment import reassign_case
from groundswell.inbox.sla_schemas import ClockView, SweepReport
from groundswell.routing.sla import SlaPolicy

app = typer.Typer(help="SLA clocks: sweep for warnings and breaches, show a case's deadlines.", no_args_is_help=True)


def _policies(store: Store, rules_dir: Path | None) -> dict[str, SlaPolicy] | None:
    """The SLA policies whose escalation steps apply: a rules folder's, else the active saved rules'."""
    if rules_dir is not None:
        from groundswell.routing.config_dir import load_config_dir

        return dict(load_config_dir(rules_dir).ruleset.sla_policies)
    from groundswell.routing_store.service import active_ruleset

    with store.sessions() as session:
        active = active_ruleset(session)
    return None if active is None else dict(active[1].sla_policies)


@app.command("sweep")
def sweep(
    now: NowOption = None,
    rules_dir: Annotated[
        Path | None,
        typer.Option(
            "--rules-dir",
            help="A rules folder whose SLA policies' escalation steps apply (default: the active saved rules).",
        ),
    ] = None,
    reassign: Annotated[
        bool, typer.Option("--reassign/--no-reassign", help="Move the cases an escalation step asks to reassign.")
    ] = True,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Look at this many clocks at most.")] = None,
    by: Annotated[str, typer.Option("--by", help="Who sweeps, for the timeline and the audit log.")] = "system",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record every SLA warning and breach due now (each once), apply the policies' escalation steps, and
    reassign the cases an escalation asks to move. Run it every few minutes from a scheduler."""
    moment = parse_now(now)
    store = open_store(db)
    policies = _policies(store, rules_dir)
    if policies is None:
        human(as_json).print(
            "[yellow]no routing rules saved: warnings and breaches are recorded, nothing escalated", soft_wrap=True
        )
    with write_transaction(store.sessions) as session:
        report = sla_service.sweep(session, now=moment, policies=policies, actor=by, limit=limit)
        moved = _reassign(session, report, moment, by) if reassign else []
    if as_json:
        print_json({**report.model_dump(mode="json"), "reassigned": moved})
        return
    _print_report(report, moved)


def _reassign(session: Any, report: SweepReport, now: Any, actor: str) -> list[dict[str, Any]]:
    moved = []
    for case_id in report.reassign:
        result = reassign_case(session, case_id=case_id, now=now, why="SLA escalation", actor=actor)
        moved.append({"case_id": case_id, "assignee": result.employee, "reason": result.reason})
    return moved


def _print_report(report: SweepReport, moved: list[dict[str, Any]]) -> None:
    stdout.print(
        f"checked {report.checked} clock(s) at {report.now.isoformat()}: {len(report.warnings)} warning(s), "
        f"{len(report.breaches)} breach(es), {len(report.escalations)} escalation(s)",
        soft_wrap=True,
    )
    if report.warnings or report.breaches:
        table = Table("case", "clock", "policy", "event", "due (UTC)", "used")
        for kind, items in (("warning", report.warnings), ("breach", report.breaches)):
            for item in items:
                table.add_row(str(item.case_id), item.clock, item.policy, kind, item.due_at.strftime("%Y-%m-%d %H:%M"),
                              f"{item.fraction_used:.0%}")  # fmt: skip
        stdout.print(table)
    for action in report.escalations:
        notify = ", ".join(action.notify) or "nobody found"
        stdout.print(
            f"case {action.case_id} escalated on {action.clock} {action.trigger}: priority "
            f"{action.priority_before} -> {action.priority_after}; tell {notify}"
            + (f"; tags +{', '.join(action.tags_added)}" if action.tags_added else ""),
            soft_wrap=True,
        )
    for move in moved:
        who = move["assignee"] or "nobody available"
        stdout.print(f"case {move['case_id']} reassigned: {who} ({move['reason']})", soft_wrap=True)
    if report.unknown_policies:
        stderr.print(f"[yellow]not in the rules (no escalation): {', '.join(report.unknown_policies)}")


def clock_dict(view: ClockView) -> dict[str, Any]:
    return view.model_dump(mode="json")


@app.command("status")
def status(case_id: CaseId, now: NowOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """A case's SLA clocks: policy, deadline, time used and left, and what was recorded."""
    moment = parse_now(now)
    store = open_store(db)
    with store.sessions() as session:
        repository.get_case(session, case_id)
        views = sla_service.case_deadlines(session, [case_id], now=moment)[case_id]
    if as_json:
        print_json({"case_id": case_id, "now": moment.isoformat(), "clocks": [clock_dict(v) for v in views]})
        return
    if not views:
        stdout.print(f"case {case_id} has no SLA clocks (its routing set no SLA policy)")
        return
    table = Table("clock", "policy", "status", "due (UTC)", "used", "left", title=f"case {case_id}")
    for view in views:
        left = view.remaining_seconds
        table.add_row(
            view.clock, view.policy, view.status + (" (paused)" if view.paused else ""),
            view.due_at.strftime("%Y-%m-%d %H:%M"), f"{view.fraction_used:.0%}",
            f"{'-' if left < 0 else ''}{abs(left) // 3600:.0f}h{abs(left) % 3600 // 60:02.0f}m",
        )  # fmt: skip
    stdout.print(table)
