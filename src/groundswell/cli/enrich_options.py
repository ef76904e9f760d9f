"""Options shared by the commands that run enrichers (`enrich`, `enrich run`, `eval`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from groundswell.errors import InvalidInput


class TierChoice(StrEnum):
    fast = "fast"
    accurate = "accurate"


TierOption = Annotated[
    TierChoice, typer.Option(help="accurate: the fine-tuned transformer; fast: static vectors for firehose volumes.")
]
TopicsOption = Annotated[
    Path | None, typer.Option(help="Your topics file (YAML); the topics enricher runs only with one.")
]
ModelsDirOption = Annotated[
    Path | None, typer.Option("--models", help="Models folder to use instead of the bundled one.")
]
ModelOverrideOption = Annotated[
    list[str] | None,
    typer.Option("--model", help="TASK=DIR: classify TASK with a local Hugging Face model folder (repeatable)."),
]


# The single-label classifiers; each can run on a local Hugging Face model instead of its bundled head.
OVERRIDABLE_TASKS = ("sentiment", "emotion", "offensive")


def parse_overrides(values: list[str] | None) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values or []:
        task, _, folder = value.partition("=")
        if not task or not folder:
            raise InvalidInput(f"--model {value!r}: expected TASK=DIR, e.g. sentiment=/models/twitter-roberta")
        if task.strip() not in OVERRIDABLE_TASKS:
            raise InvalidInput(f"--model {value!r}: only {', '.join(OVERRIDABLE_TASKS)} can use another model")
        if not Path(folder).is_dir():
            raise InvalidInput(f"--model {value!r}: {folder} is not a folder")
        pairs.append((task.strip(), folder))
    return tuple(pairs)


def parse_only(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())
