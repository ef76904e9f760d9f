"""`groundswell alerts`: detect crises in a file of posts (`detect`) or in the stored posts as they arrive
(`run`), and list the stored alerts (`list`). Further commands (ack, escalate, notify) plug into `app`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.cases import NowOption, parse_now
from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stderr
from groundswell.cli.enrich_options import TopicsOption
from groundswell.db.engine import write_transaction

app = typer.Typer(help="Crisis detection: spikes and shifts per brand, topic, location or product.",
                  no_args_is_help=True)  # fmt: skip


class ScopeChoice(StrEnum):
    brand = "brand"
    product = "product"
    topic = "topic"
    location = "location"


class FastTier(StrEnum):
    fast = "fast"
    accurate = "accurate"


ByOption = Annotated[
    ScopeChoice, typer.Option("--by", help="What an alert is about: one brand, product, topic or location.")
]


@app.command("detect")
def detect(
    input_path: Annotated[Path, typer.Option("--input", help="JSON lines, one post per line, with `created_at`.")],
    by: ByOption = ScopeChoice.brand,
    tier: Annotated[
        FastTier,
        typer.Option(help="Models for posts that are not enriched yet (sentiment, emotion): fast by default."),
    ] = FastTier.fast,
    topics: TopicsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Detect alerts in a JSON-lines file (no database). Records without `sentiment`/`emotion` are enriched on
    the fly with the bundled models (the fast tier unless --tier accurate). Prints the alerts, with --json as a
    list of objects with kind, scope, start, detected_at, severity, summary, key_phrases and post_ids."""
    from groundswell.alerts.files import detect_file

    result = detect_file(input_path, by=by.value, tier=tier.value, topics_path=str(topics) if topics else None)
    for reason in result.skipped[:20]:
        stderr.print(f"[yellow]skipped[/] {reason}")
    if len(result.skipped) > 20:
        stderr.print(f"[yellow]skipped[/] {len(result.skipped) - 20} more lines")
    if as_json:
        print_json(result.alerts)
        return
    _print_alerts(result.alerts, as_json, title=f"{len(result.alerts)} alert(s) in {result.read:,} posts")


@app.command("run")
def run(
    by: Annotated[
        list[ScopeChoice] | None, typer.Option("--by", help="Scope kinds to watch (repeatable; default: brand).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read the posts stored since the last run (with their stored enrichments), update the detectors and store
    new alerts; a repeat of an open alert adds to it instead of raising another."""
    from groundswell.alerts.service import detect_new_posts
    from groundswell.db.engine import write_transaction

    store = open_store(db)
    scopes = tuple(b.value for b in by) if by else ("brand",)
    with write_transaction(store.sessions) as session:
        alerts = detect_new_posts(session, by=scopes)
        rows = [_alert_row(a) for a in alerts]
    if as_json:
        print_json(rows)
        return
    _print_alerts(rows, as_json, title=f"{len(rows)} new or updated alert(s)")


@app.command("list")
def list_alerts(
    status: Annotated[str | None, typer.Option(help="Only alerts in this status: open, acknowledged...")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, newest first.")] = 100,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The stored alerts, newest first."""
    from groundswell.alerts.repository import list_alerts as query

    store = open_store(db)
    with store.sessions() as session:
        rows = [_alert_row(a) for a in query(session, status=status, limit=limit)]
    if as_json:
        print_json(rows)
        return
    _print_alerts(rows, as_json, title=f"{len(rows)} alert(s)")


def _alert_row(alert: Any) -> dict[str, Any]:
    return {
        "id": alert.id,
        "kind": alert.kind,
        "scope_kind": alert.scope_kind,
        "scope": alert.scope,
        "start": alert.start.isoformat(),
        "detected_at": alert.detected_at.isoformat(),
        "last_detected_at": alert.last_detected_at.isoformat(),
        "severity": alert.severity,
        "score": alert.score,
        "reach": alert.reach,
        "summary": alert.summary,
        "key_phrases": alert.key_phrases,
        "post_ids": alert.post_ids,
        "occurrences": alert.occurrences,
        "status": alert.status,
        "fingerprint": alert.fingerprint,
    }


def _print_alerts(rows: list[dict[str, Any]], as_json: bool, *, title: str) -> None:
    table = Table("kind", "scope", "start", "detected", "severity", "summary", "key phrases", title=title)
    for row in rows:
        table.add_row(
            row["kind"], row["scope"], row["start"][:16], row["detected_at"][:16], row["severity"], row["summary"],
            ", ".join(row["key_phrases"]),
        )  # fmt: skip
    human(as_json).print(table)


# Notification commands (helper F): route alerts to their targets through the outbox, acknowledge, escalate.
RoutesOption = Annotated[
    Path | None,
    typer.Option("--config", help="Alert routes YAML (default: GROUNDSWELL_ALERT_ROUTES).", show_default=False),
]
NameOption = Annotated[str, typer.Option("--by", help="Who acknowledges or resolves it (recorded in the audit log).")]


@app.command("notify")
def notify_alerts(
    config: RoutesOption = None, now: NowOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Queue notifications for open and acknowledged alerts that need them: new alerts to their level-0
    targets, a severity rise to everyone told before. Safe to repeat: nobody hears twice about the same thing.
    `groundswell outbox deliver` sends them."""
    from groundswell.alerts.notify import on_alerts
    from groundswell.alerts.repository import list_alerts as query

    routes, store = _routes(config), open_store(db)
    with write_transaction(store.sessions) as session:
        alerts = [a for s in ("open", "acknowledged") for a in query(session, status=s, limit=10_000)]
        queued = _queued_rows(on_alerts(session, alerts=alerts, config=routes, now=parse_now(now)))
    _print_queued(queued, as_json, title=f"{len(queued)} notification(s) queued for {len(alerts)} alert(s)")


@app.command("escalate")
def escalate(
    config: RoutesOption = None, now: NowOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Notify the next level for open alerts that nobody acknowledged in time (run it every few minutes)."""
    from groundswell.alerts.notify import escalate_due

    routes, store = _routes(config), open_store(db)
    with write_transaction(store.sessions) as session:
        queued = _queued_rows(escalate_due(session, config=routes, now=parse_now(now)))
    _print_queued(queued, as_json, title=f"{len(queued)} escalation notification(s) queued")


@app.command("ack")
def ack(alert_id: int, by: NameOption, now: NowOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Acknowledge an alert: someone is on it, so it stops escalating."""
    from groundswell.alerts.notify import acknowledge

    _change_status(acknowledge, alert_id, by, now, db, as_json)


@app.command("resolve")
def resolve(
    alert_id: int, by: NameOption, now: NowOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Resolve an alert: no more notifications; a new detection opens a new alert."""
    from groundswell.alerts.notify import resolve as resolve_alert

    _change_status(resolve_alert, alert_id, by, now, db, as_json)


def _change_status(change: Any, alert_id: int, by: str, now: str | None, db: str | None, as_json: bool) -> None:
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        alert = change(session, alert_id=alert_id, by=by, now=parse_now(now))
        row = {**_alert_row(alert), "acknowledged_by": alert.acknowledged_by,
               "escalation_level": alert.escalation_level}  # fmt: skip
    if as_json:
        print_json(row)
        return
    human(as_json).print(f"alert {row['id']} is {row['status']} ({row['acknowledged_by']})")


def _routes(path: Path | None) -> Any:
    from groundswell.alerts.notify import default_config
    from groundswell.alerts.routes import load_routes
    from groundswell.errors import ConfigurationError

    routes = load_routes(path) if path else default_config()
    if routes is None:
        raise ConfigurationError("no alert routes: pass --config ROUTES.yaml or set GROUNDSWELL_ALERT_ROUTES")
    return routes


def _queued_rows(messages: list[Any]) -> list[dict[str, Any]]:
    return [{"outbox_id": m.id, "key": m.idempotency_key, "channel": m.channel, "recipient": m.recipient,
             "alert_id": m.extra.get("alert_id"), "level": m.extra.get("level"),
             "severity": m.extra.get("severity")} for m in messages]  # fmt: skip


def _print_queued(rows: list[dict[str, Any]], as_json: bool, *, title: str) -> None:
    if as_json:
        print_json(rows)
        return
    table = Table("outbox", "alert", "level", "severity", "channel", "to", title=title)
    for row in rows:
        table.add_row(str(row["outbox_id"]), str(row["alert_id"]), str(row["level"]), row["severity"], row["channel"],
                      row["recipient"])  # fmt: skip
    human(as_json).print(table)
