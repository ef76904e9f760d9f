"""`groundswell outbox`: deliver queued replies, and look at, retry or cancel them."""

from __future__ import annotations

import time
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.db.engine import write_transaction
from groundswell.models import OutboxMessage
from groundswell.outbox import service
from groundswell.outbox.configured import close_senders, configured_senders, lease, retry_policy
from groundswell.outbox.schemas import OutboxMessageView
from groundswell.outbox.worker import deliver_due

app = typer.Typer(help="Deliver replies through the channels, with retries and a dead letter.", no_args_is_help=True)


class StatusChoice(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    dead = "dead"
    cancelled = "cancelled"


IdArgument = Annotated[int, typer.Argument(help="The outbox message id (see `groundswell outbox list`).")]
ByOption = Annotated[str, typer.Option("--by", help="Who does it (name or e-mail), for the audit log.")]


def _view(row: OutboxMessage) -> dict[str, Any]:
    return OutboxMessageView.model_validate(row).model_dump(mode="json")


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


@app.command("run")
def run(
    once: Annotated[bool, typer.Option("--once", help="Deliver what is due now, then stop.")] = False,
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between rounds when running on.")] = 30.0,
    rounds: Annotated[int, typer.Option(min=0, help="Stop after this many rounds (0: run until Ctrl-C).")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Messages claimed per round.")] = 100,
    channels: Annotated[
        list[str] | None, typer.Option("--channel", help="Only this channel (repeatable); default: every configured.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Send the due messages through each configured channel (credentials from GROUNDSWELL_* settings).
    With --json, one JSON object per round."""
    store = open_store(db)
    senders = configured_senders(store.settings, channels or None, sessions=store.sessions)
    policy, held = retry_policy(store.settings), lease(store.settings)
    done = 0
    try:
        while True:
            report = deliver_due(store.sessions, senders=senders, limit=limit, lease=held, policy=policy)
            done += 1
            if as_json:
                print_json({"round": done, **report.as_dict()})
            elif report.claimed or once:
                human(as_json).print(
                    f"sent {len(report.sent)} ({len(report.recovered)} found already delivered), "
                    f"{len(report.retrying)} to retry, {len(report.dead)} dead, of {report.claimed} due"
                )
            if once or (rounds and done >= rounds):
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        human(as_json).print("stopped")
    finally:
        close_senders(senders)


@app.command("list")
def list_(
    status: Annotated[StatusChoice | None, typer.Option("--status", help="Only messages in this state.")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List outbox messages, newest first."""
    store = open_store(db)
    with store.sessions() as session:
        rows = service.list_messages(session, status=status.value if status else None, channel=channel, limit=limit)
        views = [_view(row) for row in rows]
    if as_json:
        print_json({"messages": views})
        return
    table = Table("id", "status", "channel", "to", "attempts", "next attempt", "sent", "error", "text",
                  title=f"{len(views)} message(s)")  # fmt: skip
    for row in rows:
        target = row.recipient or row.in_reply_to or ""
        text, error = row.text.replace("\n", " "), row.last_error or ""
        table.add_row(
            str(row.id), row.status, f"{row.channel} ({row.visibility})", target, str(row.attempts),
            _when(row.next_attempt_at) if row.status == "pending" else "", _when(row.sent_at),
            error if len(error) < 60 else error[:57] + "...", text if len(text) < 50 else text[:47] + "...",
        )  # fmt: skip
    stdout.print(table)


@app.command("show")
def show(message_id: IdArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Everything about one message: target, text, attempts, the last error, where it went."""
    store = open_store(db)
    with store.sessions() as session:
        view = _view(service.get_message(session, message_id))
    if as_json:
        print_json(view)
        return
    for key, value in view.items():
        if value not in (None, {}, ""):
            stdout.print(f"[bold]{key}[/]: {value}")


@app.command("retry")
def retry(message_id: IdArgument, by: ByOption, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Put a dead message back in the queue, due at once (the worker first checks it did not go out)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        view = _view(service.retry_dead(session, message_id=message_id, actor=by))
    if as_json:
        print_json(view)
        return
    human(as_json).print(f"outbox message {message_id} is pending again")


@app.command("cancel")
def cancel(
    message_id: IdArgument,
    by: ByOption,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the audit log.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Withdraw a pending or dead message."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        view = _view(service.cancel(session, message_id=message_id, actor=by, reason=reason))
    if as_json:
        print_json(view)
        return
    human(as_json).print(f"outbox message {message_id} cancelled")
