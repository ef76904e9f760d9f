"""`groundswell webhooks`: subscriptions to case.created, case.breached and reply.sent (as /api/v1/webhooks)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.cli.people import ByOption, default_actor
from groundswell.db.engine import write_transaction
from groundswell.models import WebhookSubscription
from groundswell.webhooks import service
from groundswell.webhooks.schemas import Event, NewSubscription, SubscriptionView

app = typer.Typer(
    help="Outgoing webhooks: events POSTed signed (HMAC-SHA256) to other systems, delivered by `outbox run`.",
    no_args_is_help=True,
)
IdArgument = Annotated[int, typer.Argument(help="The subscription's id (see `groundswell webhooks list`).")]
EventsOption = Annotated[
    list[str] | None, typer.Option("--event", "-e", help=f"An event (repeatable): {', '.join(e.value for e in Event)}.")
]


def _view(row: WebhookSubscription, *, secret: bool = False) -> dict[str, Any]:
    shape = NewSubscription if secret else SubscriptionView
    return shape.model_validate(row).model_dump(mode="json")


def _shown(view: dict[str, Any], as_json: bool, done: str) -> None:
    if as_json:
        print_json(view)
        return
    human(as_json).print(done)
    if "secret" in view:
        human(as_json).print(f"signing secret (shown once, keep it with the receiver): [bold]{view['secret']}[/]")


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name for the subscription, e.g. crm.")],
    url: Annotated[str, typer.Argument(help="The http(s) address events are POSTed to.")],
    events: EventsOption = None,
    secret: Annotated[str | None, typer.Option("--secret", help="The signing secret (default: a random one).")] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Subscribe a URL to events (default: all of them); prints the signing secret once."""
    store = open_store(db)
    wanted = events or [e.value for e in Event]
    with write_transaction(store.sessions) as session:
        row = service.create_subscription(
            session, name=name, url=url, events=wanted, secret=secret, actor=by or default_actor()
        )
        view = _view(row, secret=True)
    _shown(view, as_json, f"webhook subscription {view['id']} ({view['name']}) added for {', '.join(wanted)}")


@app.command("list")
def list_(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every subscription (without secrets)."""
    store = open_store(db)
    with store.sessions() as session:
        views = [_view(row) for row in service.list_subscriptions(session)]
    if as_json:
        print_json({"subscriptions": views})
        return
    table = Table("id", "name", "url", "events", "active", title=f"{len(views)} subscription(s)")
    for view in views:
        table.add_row(str(view["id"]), view["name"], view["url"], ", ".join(view["events"]), str(view["active"]))
    stdout.print(table)


@app.command("update")
def update(
    subscription_id: IdArgument,
    url: Annotated[str | None, typer.Option("--url", help="A new address.")] = None,
    events: EventsOption = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive", help="Pause or resume deliveries.")] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a subscription's address, events, or pause it."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        row = service.update_subscription(
            session, subscription_id=subscription_id, url=url, events=events or None, active=active,
            actor=by or default_actor(),
        )  # fmt: skip
        view = _view(row)
    _shown(view, as_json, f"webhook subscription {subscription_id} updated")


@app.command("rotate-secret")
def rotate_secret(
    subscription_id: IdArgument, by: ByOption = None, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """A new random signing secret (events still queued are signed with it); prints it once."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        view = _view(service.rotate_secret(session, subscription_id=subscription_id, actor=by or default_actor()),
                     secret=True)  # fmt: skip
    _shown(view, as_json, f"webhook subscription {subscription_id} has a new secret")


@app.command("remove")
def remove(subscription_id: IdArgument, by: ByOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Delete a subscription (its queued events are not delivered)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        service.delete_subscription(session, subscription_id=subscription_id, actor=by or default_actor())
    _shown({"id": subscription_id, "removed": True}, as_json, f"webhook subscription {subscription_id} removed")
