"""`groundswell templates`: canned responses with {variables}, one text per language."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.cli.people import ByOption, default_actor
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.inbox import templates
from groundswell.models import ResponseTemplate

app = typer.Typer(
    help="Canned responses: {customer_name}, {case_number}, {location}, ... filled in, one text per language "
    "(pt-BR falls back to pt, then en).",
    no_args_is_help=True,
)
NameArgument = Annotated[str, typer.Argument(help="The template's name, e.g. lost_item.found.", show_default=False)]
LanguageOption = Annotated[str, typer.Option("--language", "-l", help="A language tag: en, pt, pt-BR, ...")]


def template_dict(row: ResponseTemplate | templates.TemplateText) -> dict[str, Any]:
    source = row.source if isinstance(row, templates.TemplateText) else "database"
    return {"name": row.name, "language": row.language, "text": row.text, "description": row.description,
            "source": source}  # fmt: skip


@app.command("list")
def list_(
    name: Annotated[str | None, typer.Option("--name", help="Only this template's languages.")] = None,
    language: Annotated[str | None, typer.Option("--language", "-l", help="Only this language.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The templates stored in the database (the shipped defaults apply where none is stored)."""
    store = open_store(db)
    with store.sessions() as session:
        rows = [template_dict(r) for r in templates.list_templates(session, name=name, language=language)]
    if as_json:
        print_json({"templates": rows})
        return
    table = Table("name", "language", "text", title=f"{len(rows)} template(s)")
    for row in rows:
        text = row["text"]
        table.add_row(row["name"], row["language"], text if len(text) < 90 else text[:87] + "...")
    stdout.print(table)
    if not rows:
        stdout.print("none stored: `groundswell templates import-defaults` copies the shipped ones")


@app.command("add")
def add(
    name: NameArgument,
    language: LanguageOption = "en",
    text: Annotated[str | None, typer.Option("--text", help="The template text with {variables}.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the text from this file.")] = None,
    description: Annotated[str | None, typer.Option("--description", help="What the template is for.")] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add a template, or replace its text in one language."""
    if text is not None and file is None:
        body = text
    elif file is not None and text is None:
        body = _read(file)
    else:
        raise InvalidInput("give the template text with --text or --file (one of them)")
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        shown = template_dict(
            templates.save_template(
                session, name=name, language=language, text=body, description=description, actor=by or default_actor()
            )
        )
    if as_json:
        print_json(shown)
        return
    used = ", ".join(templates.variables_in(body)) or "no variables"
    human(as_json).print(f"template {shown['name']} ({shown['language']}) saved; it uses {used}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc})") from exc


@app.command("delete")
def delete(name: NameArgument, language: LanguageOption = "en", by: ByOption = None, db: DbOption = None) -> None:
    """Delete one language version of a stored template."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        templates.delete_template(session, name=name, language=language, actor=by or default_actor())
    stdout.print(f"template {name} ({language}) deleted")


@app.command("show")
def show(name: NameArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every language of a template, stored or shipped, with the variables it uses."""
    store = open_store(db)
    with store.sessions() as session:
        stored = {row.language: template_dict(row) for row in templates.list_templates(session, name=name)}
        if not stored:
            templates.find_template(session, name=name, language=templates.DEFAULT_LANGUAGE)  # NotFound, naming them
    shipped = {lang: template_dict(t) for lang, t in templates.default_templates().get(name, {}).items()}
    versions = [{**row, "variables": templates.variables_in(row["text"])} for row in {**shipped, **stored}.values()]
    if as_json:
        print_json({"name": name, "versions": sorted(versions, key=lambda v: v["language"])})
        return
    for version in sorted(versions, key=lambda v: v["language"]):
        stdout.print(f"[bold]{name}[/] ({version['language']}, {version['source']}): {version['text']}")


@app.command("render")
def render(
    name: NameArgument,
    language: LanguageOption = "en",
    variables: Annotated[
        list[str] | None, typer.Option("--var", help="A value as NAME=VALUE; repeat for each variable.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Fill a template in for a language (with fallback) to see what the customer would get."""
    values = dict(_pair(item) for item in variables or [])
    store = open_store(db)
    with store.sessions() as session:
        found = templates.find_template(session, name=name, language=language)
        text = templates.fill(found.text, values)
    if as_json:
        print_json({"name": name, "language": found.language, "source": found.source, "text": text})
        return
    stdout.print(text, markup=False, highlight=False)


def _pair(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise InvalidInput(f"--var {item!r} is not NAME=VALUE, e.g. --var customer_name=Ana")
    return key.strip(), value


@app.command("import-defaults")
def import_defaults(
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace stored versions whose text differs from the shipped one.")
    ] = False,
    by: ByOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Copy the shipped templates (lost-item status updates, ...) into the database, where they can be edited."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        result = templates.import_defaults(session, actor=by or default_actor(), overwrite=overwrite)
    shown = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if as_json:
        print_json(shown)
        return
    stdout.print(
        f"{len(result.created)} created, {len(result.updated)} updated, {len(result.unchanged)} kept as they were"
    )
