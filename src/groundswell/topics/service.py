"""Topics in the database: edit them (name, description, examples), import and export topics YAML, and
keep the retrained versions (`retrain.py` makes them): list, activate (rolling back is activating an older
one) and copy a version back into the editor.

Enrichment reads only the active version, never the topics being edited, so a half-finished edit changes
nothing until someone retrains. Every change writes an audit line (`topic.*`, `topics.*`). Services flush,
never commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.topics_file import TopicDefinition, TopicsFile, parse_topics_document
from groundswell.errors import Conflict, InvalidInput
from groundswell.governance import audit_log
from groundswell.models import Topic, TopicSetVersion
from groundswell.topics import repository

MAX_EXAMPLE_CHARS = 2000
MAX_EXAMPLES = 500


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    removed: int


def list_topics(session: Session) -> list[Topic]:
    return repository.all_topics(session)


def get_topic(session: Session, topic_id: int) -> Topic:
    return repository.topic_by_id(session, topic_id)


def create_topic(
    session: Session, *, name: str, description: str = "", examples: list[str] | tuple[str, ...] = (), actor: str
) -> Topic:
    checked = _checked(name, description, examples)
    if repository.topic_named(session, checked.name) is not None:
        raise Conflict(f"a topic named {checked.name!r} exists already: edit it instead")
    topic = Topic(
        name=checked.name, description=checked.description or "", examples=list(checked.examples),
        updated_by=actor, updated_at=datetime.now(UTC),
    )  # fmt: skip
    session.add(topic)
    session.flush()
    _audit(session, actor, "topic.created", topic.id, None, _topic_dict(topic))
    return topic


def update_topic(
    session: Session, *, topic_id: int, description: str, examples: list[str] | tuple[str, ...], actor: str,
    name: str | None = None,
) -> Topic:  # fmt: skip
    topic = repository.topic_by_id(session, topic_id)
    checked = _checked(name if name is not None else topic.name, description, examples)
    other = repository.topic_named(session, checked.name)
    if other is not None and other.id != topic.id:
        raise Conflict(f"another topic is named {checked.name!r}: choose another name")
    before = _topic_dict(topic)
    topic.name, topic.description, topic.examples = checked.name, checked.description or "", list(checked.examples)
    topic.updated_by, topic.updated_at = actor, datetime.now(UTC)
    session.flush()
    _audit(session, actor, "topic.updated", topic.id, before, _topic_dict(topic))
    return topic


def delete_topic(session: Session, *, topic_id: int, actor: str) -> None:
    topic = repository.topic_by_id(session, topic_id)
    before = _topic_dict(topic)
    session.delete(topic)
    session.flush()
    _audit(session, actor, "topic.deleted", topic_id, before, None)


def import_topics(
    session: Session, *, text: str, actor: str, replace_all: bool = False, source: str = "the topics YAML"
) -> ImportSummary:
    """Add the topics of a topics YAML document, updating those with the same name (ignoring case);
    `replace_all` also removes the stored topics the document does not name. Nothing is retrained."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{source} is not valid YAML: {exc}") from exc
    parsed = parse_topics_document(document, source)
    stored = {t.name.casefold(): t for t in repository.all_topics(session)}
    created = updated = removed = 0
    now = datetime.now(UTC)
    for definition in parsed.topics:
        topic = stored.pop(definition.name.casefold(), None)
        if topic is None:
            topic = Topic(name=definition.name, updated_by=actor, updated_at=now)
            session.add(topic)
            created += 1
        else:
            updated += 1
        topic.name, topic.description = definition.name, definition.description or ""
        topic.examples, topic.updated_by, topic.updated_at = list(definition.examples), actor, now
    if replace_all:
        for topic in stored.values():
            session.delete(topic)
            removed += 1
    session.flush()
    summary = ImportSummary(created=created, updated=updated, removed=removed)
    _audit(session, actor, "topics.imported", "topics", None, {**summary.__dict__, "source": source})
    return summary


def working_set(session: Session) -> TopicsFile:
    """The topics being edited, as a topics file (InvalidInput when there are none)."""
    rows = repository.all_topics(session)
    if not rows:
        raise InvalidInput("there are no topics to train: add one, or import a topics YAML file")
    try:
        return TopicsFile(
            topics=tuple(TopicDefinition(name=t.name, description=t.description or None, examples=tuple(t.examples))
                         for t in rows)
        )  # fmt: skip
    except ValidationError as exc:
        raise InvalidInput(f"the stored topics are not valid: {exc.errors()[0]['msg']}") from exc


def export_yaml(session: Session) -> str:
    """The topics being edited as a topics YAML file (`groundswell enrich --topics` reads it)."""
    return yaml.safe_dump(definition_of(working_set(session)), sort_keys=False, allow_unicode=True, width=110)


def definition_of(topics: TopicsFile) -> dict[str, Any]:
    return {
        "topics": [
            {"name": t.name, **({"description": t.description} if t.description else {}), "examples": list(t.examples)}
            for t in topics.topics
        ]
    }


def canonical_json(definition: dict[str, Any]) -> str:
    """One text per definition whatever the database did to key order (PostgreSQL's JSONB sorts keys)."""
    return json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_of(definition: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()


def has_unretrained_changes(session: Session) -> bool:
    """Whether the topics being edited differ from the active version (a retrain would change enrichment)."""
    active = repository.active_version(session)
    rows = repository.all_topics(session)
    if active is None:
        return bool(rows)
    try:
        return sha256_of(definition_of(working_set(session))) != active.sha256
    except InvalidInput:
        return True


def list_versions(session: Session) -> list[TopicSetVersion]:
    return repository.all_versions(session)


def get_version(session: Session, version: int) -> TopicSetVersion:
    return repository.version_by_number(session, version)


def active_version(session: Session) -> TopicSetVersion | None:
    return repository.active_version(session)


def activate_version(session: Session, *, version: int, actor: str) -> TopicSetVersion:
    """Make a retrained version the one enrichment uses (an older one: a roll back). Already active: a no-op."""
    row = repository.version_by_number(session, version)
    if row.active:
        return row
    previous = repository.active_version(session)
    repository.deactivate_all(session)
    row.active = True
    session.flush()
    _audit(session, actor, "topics.activated", row.version,
           {"active_version": previous.version if previous else None}, {"active_version": row.version})  # fmt: skip
    return row


def restore_version(session: Session, *, version: int, actor: str) -> ImportSummary:
    """Replace the topics being edited by those of a version (to edit from there); enrichment is unchanged."""
    row = repository.version_by_number(session, version)
    text = yaml.safe_dump(row.definition, sort_keys=False, allow_unicode=True)
    return import_topics(session, text=text, actor=actor, replace_all=True, source=f"topic set version {version}")


def active_topics_json(session: Session) -> str | None:
    """The active version's topics as the JSON the topics enricher reads, or None when none is active."""
    row = repository.active_version(session)
    return None if row is None else canonical_json(row.definition)


def with_active_topics(session: Session, spec: PipelineSpec) -> PipelineSpec:
    """The spec with the database's active topics when it names no topics file (unchanged otherwise)."""
    if spec.has_topics:
        return spec
    stored = active_topics_json(session)
    return spec if stored is None else replace(spec, topics_json=stored)


def _checked(name: str, description: str, examples: list[str] | tuple[str, ...]) -> TopicDefinition:
    lines = list(dict.fromkeys(e.strip() for e in examples if e.strip()))
    if len(lines) > MAX_EXAMPLES:
        raise InvalidInput(f"a topic may have at most {MAX_EXAMPLES} examples, got {len(lines)}")
    long = next((e for e in lines if len(e) > MAX_EXAMPLE_CHARS), None)
    if long is not None:
        raise InvalidInput(f"an example is longer than {MAX_EXAMPLE_CHARS} characters: {long[:60]!r}...")
    try:
        return TopicDefinition(name=name.strip(), description=description.strip() or None, examples=tuple(lines))
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise InvalidInput(f"{where + ': ' if where else ''}{problem['msg']}".replace("Value error, ", "")) from exc


def _topic_dict(topic: Topic) -> dict[str, Any]:
    return {"name": topic.name, "description": topic.description, "examples": len(topic.examples)}


def _audit(session: Session, actor: str, action: str, entity_id: int | str, before: Any, after: Any) -> None:
    audit_log.append(session, actor=actor, action=action, entity="topics", entity_id=entity_id, before=before,
                     after=after)  # fmt: skip
