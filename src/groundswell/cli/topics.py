"""`groundswell topics`: the topics stored in the database: import a topics YAML file, list, export, retrain
(measured, and made the version enrichment uses), versions, activate (roll back)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.cli.enrich_options import ModelsDirOption, TierChoice, TierOption
from groundswell.cli.people import ByOption, default_actor
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.models import TopicSetVersion
from groundswell.topics import service
from groundswell.topics.retrain import MAX_REENRICH, retrain

app = typer.Typer(
    help="Topics in the database: edit the examples, retrain (measured), and enrichment uses the active version.",
    no_args_is_help=True,
)


def version_dict(row: TopicSetVersion) -> dict[str, Any]:
    return {
        "version": row.version, "active": row.active, "tier": row.tier, "sha256": row.sha256,
        "comment": row.comment, "created_by": row.created_by, "created_at": row.created_at.isoformat(),
        "metrics": row.metrics,
    }  # fmt: skip


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A topics YAML file (topics: [{name, description, examples}]).")],
    replace_all: Annotated[
        bool, typer.Option("--replace", help="Remove stored topics the file does not name.")
    ] = False,
    by: ByOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Store a topics file's topics (same name: replaced). Nothing changes for enrichment until `retrain`."""
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{file}: cannot be read ({exc})") from exc
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        summary = service.import_topics(
            session, text=text, actor=by or default_actor(), replace_all=replace_all, source=str(file)
        )
    if as_json:
        print_json(summary.__dict__)
        return
    human(as_json).print(
        f"{summary.created} topic(s) added, {summary.updated} replaced, {summary.removed} removed; "
        "run `groundswell topics retrain` to use them"
    )


@app.command("list")
def list_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The stored topics, and which version enrichment uses."""
    store = open_store(db)
    with store.sessions() as session:
        topics: list[dict[str, Any]] = [
            {"id": t.id, "name": t.name, "description": t.description, "examples": len(t.examples)}
            for t in service.list_topics(session)
        ]
        active = service.active_version(session)
        pending = service.has_unretrained_changes(session)
        shown: dict[str, Any] = {
            "topics": topics,
            "active_version": active.version if active else None,
            "unretrained": pending,
        }
    if as_json:
        print_json(shown)
        return
    table = Table("id", "topic", "examples", "description", title="Stored topics")
    for t in topics:
        table.add_row(str(t["id"]), t["name"], str(t["examples"]), t["description"][:80])
    stdout.print(table)
    stdout.print(
        f"enrichment uses version {shown['active_version']}" if active else "not trained yet",
        "(the topics differ: retrain to use them)" if pending else "",
    )


@app.command("export")
def export_command(db: DbOption = None) -> None:
    """Print the stored topics as a topics YAML file."""
    store = open_store(db)
    with store.sessions() as session:
        typer.echo(service.export_yaml(session), nl=False)


@app.command("retrain")
def retrain_command(
    tier: TierOption = TierChoice.accurate,
    reenrich: Annotated[
        int,
        typer.Option("--reenrich", min=0, max=MAX_REENRICH, help="Also re-enrich the topics of the newest N posts."),
    ] = 0,
    comment: Annotated[str, typer.Option("--comment", help="Why (shown with the version).")] = "",
    models: ModelsDirOption = None,
    by: ByOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fit the topic model on the stored examples, measure it (held-out examples, employees' corrections) and
    make it the version enrichment uses."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        result = retrain(
            session, actor=by or default_actor(), tier=tier.value, comment=comment, reenrich_recent=reenrich,
            models_dir=str(models) if models else None,
        )  # fmt: skip
        shown = version_dict(result.version) | {"reenriched": result.reenriched}
    if as_json:
        print_json(shown)
        return
    cv, fixes = shown["metrics"]["cross_validation"], shown["metrics"]["corrections"]
    console = human(as_json)
    console.print(f"version {shown['version']} is active ({shown['metrics']['topics']} topics)")
    if cv.get("n"):
        console.print(f"held-out examples ({cv['folds']}-fold, {cv['n']}): best topic right {cv['top1_accuracy']:.0%}, "
                      f"macro-F1 {cv['macro_f1']:.2f}")  # fmt: skip
    if fixes.get("n"):
        console.print(f"corrections ({fixes['n']}): macro-F1 {fixes['macro_f1']:.2f}, micro-F1 {fixes['micro_f1']:.2f}")
    if result.reenriched:
        console.print(f"re-enriched the topics of the newest {result.reenriched} posts")


@app.command("versions")
def versions_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every retrained version, newest first, with its figures."""
    store = open_store(db)
    with store.sessions() as session:
        rows = [version_dict(v) for v in service.list_versions(session)]
    if as_json:
        print_json(rows)
        return
    table = Table("version", "active", "tier", "held-out best topic", "corrections F1", "by", "comment")
    for row in rows:
        cv, fixes = row["metrics"].get("cross_validation", {}), row["metrics"].get("corrections", {})
        table.add_row(
            str(row["version"]), "yes" if row["active"] else "", row["tier"],
            f"{cv['top1_accuracy']:.0%}" if cv.get("n") else "-", f"{fixes['macro_f1']:.2f}" if fixes.get("n") else "-",
            row["created_by"], row["comment"],
        )  # fmt: skip
    stdout.print(table)


@app.command("activate")
def activate_command(version: int, by: ByOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Make a retrained version the one enrichment uses (an older one: roll back)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        shown = version_dict(service.activate_version(session, version=version, actor=by or default_actor()))
    if as_json:
        print_json(shown)
        return
    human(as_json).print(f"version {shown['version']} is active")
