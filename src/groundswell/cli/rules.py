"""`groundswell rules`: routing rules stored in the database, versioned; save, list, show, activate, diff."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.cli.people import ByOption, default_actor
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.models.team import RoutingRulesVersion
from groundswell.routing.config_dir import RULES_FILES
from groundswell.routing_store import repository, service

app = typer.Typer(
    help="Routing rules in the database: every save is a new version; activate an older one to roll back.",
    no_args_is_help=True,
)


def version_dict(row: RoutingRulesVersion, *, with_text: bool = False) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "version": row.version,
        "active": row.active,
        "sha256": row.sha256,
        "comment": row.comment,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }
    return shown | ({"text": row.text} if with_text else {})


def _rules_text(config: Path | None, file: Path | None) -> tuple[Path, str]:
    if (config is None) == (file is None):
        raise InvalidInput("give either --config DIR (a folder with rules.yaml) or --file RULES.yaml")
    if config is not None:
        if not config.is_dir():
            raise InvalidInput(f"{config} is not a folder; give --config DIR with a rules.yaml")
        found = next((config / name for name in RULES_FILES if (config / name).is_file()), None)
        if found is None:
            raise InvalidInput(f"{config}: no rules.yaml found")
        file = found
    assert file is not None
    try:
        return file, file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{file}: cannot be read ({exc})") from exc


@app.command("save")
def save(
    config: Annotated[Path | None, typer.Option("--config", help="A routing folder; its rules.yaml is saved.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A rules file to save.")] = None,
    comment: Annotated[str, typer.Option("--comment", help="Why this version (shown in `rules list`).")] = "",
    inactive: Annotated[bool, typer.Option("--inactive", help="Store it without activating it.")] = False,
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Check the rules against the stored teams and save them as a new version (active unless --inactive).
    Saving the text of the active version again changes nothing. Teams come from `groundswell people import`."""
    path, text = _rules_text(config, file)
    store = open_store(db)
    try:
        with write_transaction(store.sessions) as session:
            before = repository.active_version(session)
            row = service.save_rules(
                session, text=text, actor=by or default_actor(), comment=comment, activate=not inactive
            )
            shown = version_dict(row) | {"saved": before is None or before.id != row.id}
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc.message}") from exc
    if as_json:
        print_json(shown)
        return
    state = "active" if shown["active"] else "inactive"
    verb = "saved as" if shown["saved"] else "unchanged: already"
    human(as_json).print(f"{path}: {verb} version {shown['version']} ({state})")


@app.command("list")
def list_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every saved version, newest first, with who saved it, when and why, and which one is active."""
    store = open_store(db)
    with store.sessions() as session:
        shown = [version_dict(row) for row in service.list_versions(session)]
    if as_json:
        print_json({"versions": shown})
        return
    table = Table("version", "active", "saved by", "saved at", "sha256", "comment", title=f"{len(shown)} version(s)")
    for v in shown:
        table.add_row(
            str(v["version"]), "yes" if v["active"] else "", v["created_by"], v["created_at"], v["sha256"][:12],
            v["comment"],
        )  # fmt: skip
    stdout.print(table)


@app.command("show")
def show(
    version: Annotated[int | None, typer.Argument(help="A version number (default: the active one).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Print a version's text exactly as it was saved (or, with --json, the text and its details)."""
    store = open_store(db)
    with store.sessions() as session:
        shown = version_dict(service.get_version(session, version), with_text=True)
    if as_json:
        print_json(shown)
        return
    sys.stdout.write(shown["text"])
    sys.stdout.flush()


@app.command("activate")
def activate(
    version: Annotated[int, typer.Argument(help="The version to make active (an older one rolls back).")],
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Make a saved version the active one, after checking it against the teams stored now."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        shown = version_dict(service.activate_version(session, version=version, actor=by or default_actor()))
    if as_json:
        print_json(shown)
        return
    human(as_json).print(f"version {shown['version']} is active")


@app.command("diff")
def diff(
    old: Annotated[int, typer.Argument(help="The older version.")],
    new: Annotated[int, typer.Argument(help="The newer version.")],
    db: DbOption = None,
) -> None:
    """A unified diff of two versions' texts (nothing when they are the same)."""
    store = open_store(db)
    with store.sessions() as session:
        text = service.diff_versions(session, old=old, new=new)
    sys.stdout.write(text)
    sys.stdout.flush()
