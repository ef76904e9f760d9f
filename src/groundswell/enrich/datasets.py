"""Labelled data for training and evaluation: the SemEval TSV, TweetEval folders and JSON lines.

Every loader returns `LabelledText` rows; a file that cannot be read raises `InvalidInput` naming the
file and line, so a bad path or format never surfaces as a traceback.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from groundswell.errors import InvalidInput


@dataclass(frozen=True)
class LabelledText:
    text: str
    labels: tuple[str, ...]
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return self.labels[0]


def read_semeval_tsv(path: Path) -> list[LabelledText]:
    """`id<TAB>label<TAB>text`, with or without a header line."""
    rows: list[LabelledText] = []
    with _open(path) as handle:
        for number, line in enumerate(handle, 1):
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3:
                raise InvalidInput(f"{path}:{number}: expected id<TAB>label<TAB>text")
            if number == 1 and parts[1] == "label":
                continue
            rows.append(LabelledText(parts[2].strip(), (parts[1].strip(),)))
    return rows


def read_tweeteval(folder: Path, split: str) -> list[LabelledText]:
    """A TweetEval task folder: `{split}_text.txt`, `{split}_labels.txt` and `mapping.txt`."""
    mapping_path, text_path, label_path = (
        folder / "mapping.txt",
        folder / f"{split}_text.txt",
        folder / f"{split}_labels.txt",
    )
    for path in (mapping_path, text_path, label_path):
        if not path.is_file():
            raise InvalidInput(f"{path} not found: a TweetEval folder holds mapping.txt and {split}_*.txt")
    mapping = dict(line.split("\t") for line in mapping_path.read_text("utf-8").split("\n") if line.strip())
    texts = text_path.read_text("utf-8").rstrip("\n").split("\n")
    labels = label_path.read_text("utf-8").split()
    if len(texts) != len(labels):
        raise InvalidInput(f"{folder}: {len(texts)} texts but {len(labels)} labels in the {split} split")
    return [LabelledText(t.strip(), (mapping[label].strip(),)) for t, label in zip(texts, labels, strict=True)]


def read_jsonl(path: Path, *, label_field: str, text_field: str = "text") -> list[LabelledText]:
    """JSON lines with a text and a label field; a list-valued label is multi-label, null means none."""
    rows: list[LabelledText] = []
    with _open(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
                raise InvalidInput(f"{path}:{number}: no {text_field!r} string")
            if label_field not in record:
                raise InvalidInput(f"{path}:{number}: no {label_field!r} field (choose one with --label-field)")
            rows.append(LabelledText(record[text_field], _labels(record[label_field]), extra=record))
    return rows


def read_labelled(path: Path, *, label_field: str = "label") -> list[LabelledText]:
    """Any supported labelled source, chosen by its shape: TweetEval folder, SemEval TSV or JSON lines."""
    if path.is_dir():
        split = "val" if (path / "val_text.txt").is_file() else "train"
        return read_tweeteval(path, split)
    if path.suffix.lower() in {".tsv", ".txt"}:
        return read_semeval_tsv(path)
    return read_jsonl(path, label_field=label_field)


def stratified_split(
    rows: Sequence[LabelledText], *, holdout: float, seed: int
) -> tuple[list[LabelledText], list[LabelledText]]:
    """A reproducible split that keeps each label's share in both parts (by the first label)."""
    by_label: dict[str, list[LabelledText]] = {}
    for row in rows:
        by_label.setdefault(row.labels[0] if row.labels else "", []).append(row)
    rng = random.Random(seed)
    train: list[LabelledText] = []
    held: list[LabelledText] = []
    for label in sorted(by_label):
        group = list(by_label[label])
        rng.shuffle(group)
        cut = round(len(group) * holdout)
        held.extend(group[:cut])
        train.extend(group[cut:])
    rng.shuffle(train)
    rng.shuffle(held)
    return train, held


def _labels(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value)
    return (str(value),)


def _open(path: Path):  # type: ignore[no-untyped-def]
    if not path.is_file():
        raise InvalidInput(f"{path} not found")
    return path.open(encoding="utf-8")
