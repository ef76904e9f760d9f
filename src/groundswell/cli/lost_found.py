"""`groundswell lost-found`: the lost items being searched for, and moving a search along."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.cases import CaseId, NowOption, parse_now
from groundswell.cli.common import DbOption, JsonOption, open_store, print_json, stdout
from groundswell.cli.people import ByOption, default_actor
from groundswell.db.engine import write_transaction
from groundswell.inbox import lost_found
from groundswell.inbox.lost_item_rules import LostItemStatus
from groundswell.models import Case, LostItem

app = typer.Typer(
    help="Lost and found: what customers lost, where and when, and the search (reported, searching, found, "
    "returned, not_found); every change is sent to the customer.",
    no_args_is_help=True,
)


def item_dict(item: LostItem, case: Case) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "case_status": case.status,
        "item": item.item,
        "place": item.place,
        "latitude": item.latitude,
        "longitude": item.longitude,
        "lost_on": item.lost_on,
        "status": item.status,
        "note": item.found_note,
        "updated_at": item.updated_at.isoformat(),
    }


@app.command("list")
def list_(
    status: Annotated[
        LostItemStatus | None, typer.Option("--status", help="Only items with this status.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Lost items, most recently changed first."""
    store = open_store(db)
    with store.sessions() as session:
        rows = [item_dict(item, case) for item, case in lost_found.list_items(session, status=status, limit=limit)]
    if as_json:
        print_json({"items": rows})
        return
    table = Table("case", "status", "item", "where", "when", "note", title=f"{len(rows)} lost item(s)")
    for row in rows:
        table.add_row(str(row["case_id"]), row["status"], row["item"], row["place"] or "", row["lost_on"] or "",
                      row["note"] or "")  # fmt: skip
    stdout.print(table)


@app.command("update")
def update(
    case_id: CaseId,
    status: Annotated[LostItemStatus, typer.Argument(help="The new status.", show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="A note for the customer and the team.")] = None,
    now: NowOption = None,
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Move a search to a new status and queue the customer's status update (reported -> searching -> found
    -> returned, or not_found)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        result = lost_found.update_status(
            session, case_id=case_id, status=status.value, actor=by or default_actor(), note=note, now=parse_now(now)
        )
        shown = {
            "case_id": case_id,
            "status": result.item.status,
            "outbox_id": result.message.id if result.message else None,
            "message": result.message.text if result.message else None,
            "visibility": result.message.visibility if result.message else None,
            "not_sent": result.not_sent,
        }
    if as_json:
        print_json(shown)
        return
    stdout.print(f"case {case_id}: lost item is now {shown['status']}")
    if shown["message"]:
        stdout.print(f"queued for the customer ({shown['visibility']}): {shown['message']}")
    else:
        stdout.print(f"[yellow]the customer was not told: {shown['not_sent']}")
