"""`groundswell label`: employees correct the labels the models gave; the next `train` learns from them."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.db.engine import write_transaction
from groundswell.enrich.service import CORRECTABLE_TASKS, corrections_for, list_corrections, record_correction
from groundswell.models import LabelCorrection

app = typer.Typer(help="Correct the labels enrichment gave; corrections train the next models.", no_args_is_help=True)


class Task(StrEnum):
    """The tasks in CORRECTABLE_TASKS (a class, so that type checkers and --help both see them)."""

    sentiment = "sentiment"
    emotion = "emotion"
    offensive = "offensive"
    intent = "intent"
    topics = "topics"


TaskOption = Annotated[Task, typer.Option("--task", help="The task the labels are for.", show_default=False)]


def _as_dict(correction: LabelCorrection) -> dict[str, object]:
    return {
        "id": correction.id,
        "post_id": correction.post_id,
        "task": correction.task,
        "text": correction.text,
        "labels": list(correction.labels),
        "previous": correction.previous,
        "corrected_by": correction.corrected_by,
        "created_at": correction.created_at.isoformat(),
    }


@app.command("add")
def add(
    task: TaskOption,
    labels: Annotated[
        list[str], typer.Option("--label", help="A correct label; repeat it for tasks with several (intent, topics).")
    ],
    by: Annotated[str, typer.Option("--by", help="Who corrects (name or e-mail).", show_default=False)],
    post_id: Annotated[int | None, typer.Option("--post-id", help="A stored post's id.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="A text to label, when it is not a stored post.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record the correct labels for a stored post (its text and the model's answer are kept) or a text."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        correction = record_correction(
            session, task=task.value, labels=labels, corrected_by=by, post_id=post_id, text=text
        )
        shown = _as_dict(correction)
    if as_json:
        print_json(shown)
        return
    previous = "" if shown["previous"] is None else f" (the model said {json.dumps(shown['previous'])})"
    human(as_json).print(f"correction {shown['id']} stored: {task.value} = {', '.join(labels)}{previous}")


@app.command("list")
def list_(
    task: Annotated[Task | None, typer.Option("--task", help="Only corrections for this task.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List label corrections, newest first: the text, the labels, what the model said and who corrected."""
    store = open_store(db)
    with store.sessions() as session:
        entries = [_as_dict(c) for c in list_corrections(session, task=task.value if task else None, limit=limit)]
    if as_json:
        print_json({"corrections": entries})
        return
    table = Table("id", "task", "labels", "previous", "by", "post", "text", title=f"{len(entries)} correction(s)")
    for e in entries:
        text = str(e["text"])
        table.add_row(
            str(e["id"]),
            str(e["task"]),
            ", ".join(e["labels"]),  # type: ignore[arg-type]
            "" if e["previous"] is None else json.dumps(e["previous"]),
            str(e["corrected_by"]),
            "" if e["post_id"] is None else str(e["post_id"]),
            text if len(text) < 80 else text[:77] + "...",
        )
    stdout.print(table)


@app.command("export")
def export(
    task: TaskOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The JSON-lines file to write.", show_default=False)],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Write a task's corrections as JSON lines ({"text", "label"}), the latest per text, for training."""
    store = open_store(db)
    with store.sessions() as session:
        rows = corrections_for(session, task.value)
    multi = CORRECTABLE_TASKS[task.value]
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for row in rows:
            label: object = list(row.labels) if multi else row.label
            handle.write(json.dumps({"text": row.text, "label": label}, ensure_ascii=False) + "\n")
    if as_json:
        print_json({"task": task.value, "output": str(output), "rows": len(rows)})
        return
    human(as_json).print(f"{len(rows):,} {task.value} correction(s) written to {output}")
