"""`groundswell audit`: check that nobody has tampered with the audit log, and read it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, open_store, print_json, stdout
from groundswell.governance.audit_log import entry_dict, list_entries, verify

app = typer.Typer(help="The append-only, hash-chained audit log of every action.", no_args_is_help=True)


@app.command("verify")
def verify_command(
    expected_head: Annotated[
        str | None,
        typer.Option(
            "--expected-head",
            help="The head hash printed by an earlier verify and kept elsewhere: also detects rows removed "
            "from the end since then.",
        ),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Recompute the hash chain from the first row. Prints the rows checked and the head hash (keep it
    somewhere safe); exits with 1 and lists the problems when a row was edited, removed or inserted."""
    store = open_store(db)
    with store.sessions() as session:
        result = verify(session, expected_head=expected_head)
    if as_json:
        print_json({"ok": result.ok, "rows": result.rows, "head": result.head, "problems": list(result.problems)})
    else:
        verdict = "[green]intact[/]" if result.ok else f"[red]BROKEN[/] ({len(result.problems)} problem(s))"
        stdout.print(f"Audit log {verdict}: {result.rows} row(s) checked; head {result.head}", soft_wrap=True)
        for problem in result.problems:
            stdout.print(f"  - {escape(problem)}", soft_wrap=True)
    if not result.ok:
        raise typer.Exit(1)


@app.command("list")
def list_command(
    entity: Annotated[str | None, typer.Option(help="Only this kind of thing, e.g. reply, case, employee.")] = None,
    entity_id: Annotated[str | None, typer.Option("--entity-id", help="Only this one thing (with --entity).")] = None,
    actor: Annotated[str | None, typer.Option(help="Only what this person (or 'system') did.")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action (reply.approve), or a prefix ending in a dot (reply.).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many rows, newest first.")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The newest audit rows first: when, who, what, on which thing, and the state before and after."""
    store = open_store(db)
    with store.sessions() as session:
        rows = [
            entry_dict(e)
            for e in list_entries(session, entity=entity, entity_id=entity_id, actor=actor, action=action, limit=limit)
        ]
    if as_json:
        print_json({"entries": rows})
        return
    if not rows:
        stdout.print("No audit rows match.")
        return
    table = Table("id", "at", "actor", "action", "entity", "before", "after")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["at"][:19],
            escape(row["actor"]),
            escape(row["action"]),
            escape(f"{row['entity']} {row['entity_id']}"),
            escape(_short(row["before"])),
            escape(_short(row["after"])),
        )
    stdout.print(table)


def _short(value: object, limit: int = 60) -> str:
    text = "" if value is None else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
