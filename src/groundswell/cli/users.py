"""`groundswell users`: who may sign in to the web app, with which role, and their API tokens."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.cli.people import ByOption, default_actor
from groundswell.db.engine import write_transaction
from groundswell.users import service
from groundswell.users.permissions import Role

app = typer.Typer(
    help="Users of the web app and the API: create them, list them, give them API tokens.", no_args_is_help=True
)


@app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="The sign-in name.")],
    role: Annotated[Role, typer.Option("--role", help="What they may do.")],
    employee: Annotated[
        str | None, typer.Option("--employee", help="Link to this employee handle (agents who answer customers).")
    ] = None,
    display_name: Annotated[str, typer.Option("--name", help="The name shown in the app.")] = "",
    email: Annotated[str | None, typer.Option("--email")] = None,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env", help="Read the password from this environment variable instead of generating one."
        ),
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a user. Without --password-env a password is generated and printed once."""
    password = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if not password:
            raise typer.BadParameter(f"the environment variable {password_env} is empty or not set")
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        created = service.create_user(
            session, username=username, role=role.value, password=password, employee_handle=employee,
            display_name=display_name, email=email, actor=by or default_actor(),
        )  # fmt: skip
        result = {"id": created.user.id, "username": created.user.username, "role": created.user.role}
    if as_json:
        print_json({**result, "password": created.password if password is None else None})
        return
    human(as_json).print(f"Created {result['username']} ({result['role']}).")
    if password is None:
        human(as_json).print(f"Password (shown once): [bold]{created.password}[/bold]")


@app.command("list")
def list_users(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Everyone who may sign in: username, role, whether active, and their last sign-in."""
    store = open_store(db)
    with store.sessions() as session:
        rows = [
            {"id": u.id, "username": u.username, "role": u.role, "active": u.active, "last_login_at": u.last_login_at}
            for u in service.list_users(session)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "username", "role", "active", "last sign-in")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["username"]),
            str(row["role"]),
            "yes" if row["active"] else "no",
            str(row["last_login_at"] or ""),
        )
    stdout.print(table)


@app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="Whose token: it acts with their role.")],
    name: Annotated[str, typer.Option("--name", help="What uses the token, e.g. 'crm-sync'.")],
    scope: Annotated[list[str], typer.Option("--scope", help="read and/or write (repeat the option).")] = ["read"],  # noqa: B006
    by: ByOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API token. It is printed once; only its hash is stored."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        user = next((u for u in service.list_users(session) if u.username == username.strip().lower()), None)
        if user is None:
            raise typer.BadParameter(f"no user {username!r}")
        new = service.create_token(session, user_id=user.id, name=name, scopes=scope, actor=by or default_actor())
        result = {"id": new.row.id, "name": new.row.name, "scopes": new.row.scopes, "token": new.token}
    if as_json:
        print_json(result)
        return
    stdout.print(f"Token {new.row.name} ({', '.join(new.row.scopes)}), shown once:\n[bold]{new.token}[/bold]")
