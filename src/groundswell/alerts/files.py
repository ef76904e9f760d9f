"""File mode: detect alerts in a JSON-lines file of posts (the generic format with `created_at` and, when
present, `brand`), enriching on the fly what the records lack (sentiment and emotion; topics and locations when
the scope needs them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from groundswell.alerts.detection import AlertCandidate, Detector, DetectorConfig, PostSignal
from groundswell.alerts.detection_stats import SEVERITIES
from groundswell.enrich.records import record_author, record_text
from groundswell.errors import InvalidInput
from groundswell.routing.enriched import created_at

NEEDS = {"topic": "topics", "location": "locations"}
CHUNK = 512


@dataclass
class FileDetection:
    alerts: list[dict[str, Any]]
    read: int = 0
    skipped: list[str] = field(default_factory=list)  # "line N: reason"
    enriched: int = 0


def detect_file(
    path: Path, *, by: str = "brand", tier: str = "fast", topics_path: str | None = None,
    config: DetectorConfig | None = None,
) -> FileDetection:  # fmt: skip
    """Alerts in one file, merged by fingerprint (first detection, highest severity, all post ids)."""
    detector = Detector(config or DetectorConfig(by=(by,)))
    result = FileDetection(alerts=[])
    enricher = _Enricher(by=by, tier=tier, topics_path=topics_path)
    signals: list[PostSignal] = []
    for chunk in _chunks(path, result):
        enricher.complete(chunk, result)
        for line, record in chunk:
            signal = post_signal(record, line)
            if isinstance(signal, str):
                result.skipped.append(signal)
            else:
                signals.append(signal)
    # A file need not be in time order (exports are often newest first): sort, then stream.
    signals.sort(key=lambda s: (s.created_at, str(s.post_id)))
    candidates: list[AlertCandidate] = []
    for start in range(0, len(signals), CHUNK):
        candidates.extend(detector.update(signals[start : start + CHUNK]))
    candidates.extend(detector.flush())
    result.alerts = merge_candidates(candidates)
    return result


def merge_candidates(candidates: list[AlertCandidate]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for candidate in candidates:
        row = merged.get(candidate.fingerprint)
        if row is None:
            merged[candidate.fingerprint] = candidate.as_dict() | {"occurrences": 1}
            continue
        row["occurrences"] += 1
        row["last_detected_at"] = candidate.detected_at.isoformat()
        if SEVERITIES.index(candidate.severity) > SEVERITIES.index(row["severity"]):
            row.update(severity=candidate.severity, score=round(candidate.score, 2), summary=candidate.summary)
        row["post_ids"] += [p for p in candidate.post_ids if p not in row["post_ids"]]
    return sorted(merged.values(), key=lambda a: (a["detected_at"], a["fingerprint"]))


def post_signal(record: dict[str, Any], line: int | str = "?") -> PostSignal | str:
    """The detector's view of one (enriched) record, or a reason it cannot be used."""
    moment = created_at(record)
    if moment is None:
        return f"line {line}: no readable created_at"
    author = record_author(record)
    name = author.get("handle") or author.get("name") if author else record.get("author")
    followers = author.get("followers") if author else record.get("followers")
    try:
        text = record_text(record)
    except ValueError:
        text = ""
    return PostSignal(
        post_id=record.get("id", record.get("post_id", f"line-{line}")),
        created_at=moment,
        scopes=scopes(record),
        author=name if isinstance(name, str) else None,
        followers=followers if isinstance(followers, int) and not isinstance(followers, bool) else 0,
        negative=_label_is(record.get("sentiment"), "negative"),
        anger=_label_is(record.get("emotion"), "anger"),
        text=text,
    )


def scopes(record: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for kind in ("brand", "product"):
        value = record.get(kind)
        if isinstance(value, str) and value:
            found[kind] = (value,)
    topics = [t.get("name") if isinstance(t, dict) else t for t in record.get("topics") or []]
    found["topic"] = tuple(t for t in topics if isinstance(t, str))
    places = [p.get("name") for p in record.get("locations") or [] if isinstance(p, dict)]
    found["location"] = tuple(p for p in places if isinstance(p, str))
    return found


def _label_is(value: Any, label: str) -> bool | None:
    found = value.get("label") if isinstance(value, dict) else value
    return found == label if isinstance(found, str) else None


def _chunks(path: Path, result: FileDetection) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    if not path.is_file():
        raise InvalidInput(f"{path} not found; give --input a JSON-lines file of posts")
    chunk: list[tuple[int, dict[str, Any]]] = []
    with path.open("rb") as source:
        for number, raw in enumerate(source, 1):
            if not raw.strip():
                continue
            result.read += 1
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                result.skipped.append(f"line {number}: not JSON ({exc})")
                continue
            if not isinstance(record, dict):
                result.skipped.append(f"line {number}: not a JSON object")
                continue
            chunk.append((number, record))
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


class _Enricher:
    """Runs the bundled enrichers (lazily loaded) on the records that lack what detection needs."""

    def __init__(self, *, by: str, tier: str, topics_path: str | None) -> None:
        self.needed = ["sentiment", "emotion"] + ([NEEDS[by]] if by in NEEDS else [])
        if by == "topic" and topics_path is None:
            self.topics_required = True
        self.by, self.tier, self.topics_path = by, tier, topics_path
        self.pipeline: Any = None

    def complete(self, chunk: list[tuple[int, dict[str, Any]]], result: FileDetection) -> None:
        missing = [(n, r) for n, r in chunk if any(name not in r for name in self.needed) and _has_text(r)]
        if not missing:
            return
        if self.pipeline is None:
            self.pipeline = self._pipeline()
        from groundswell.enrich.jsonl import post_input

        outputs = self.pipeline.run([post_input(r) for _, r in missing])
        for (_, record), output in zip(missing, outputs, strict=True):
            for name, value in output.items():
                record.setdefault(name, value)
        result.enriched += len(missing)

    def _pipeline(self) -> Any:
        from groundswell.enrich.pipeline import Pipeline, PipelineSpec

        if self.by == "topic" and self.topics_path is None:
            raise InvalidInput(
                "--by topic needs posts with `topics`, or a topics file (--topics TOPICS.yaml) to enrich them"
            )
        return Pipeline(PipelineSpec(tier=self.tier, topics_path=self.topics_path, only=tuple(self.needed)))  # type: ignore[arg-type]


def _has_text(record: dict[str, Any]) -> bool:
    try:
        record_text(record)
    except ValueError:
        return False
    return True
