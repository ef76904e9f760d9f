"""The user's topics file: the company's own routing categories, defined without training a model.

topics:
  - name: Lost Luggage
    description: Bags that did not arrive, went missing or were left behind.
    examples: ["my bag never made it to LAX", "where is my suitcase"]
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from groundswell.errors import InvalidInput


class TopicDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    description: str | None = None
    examples: tuple[str, ...] = ()

    @field_validator("examples")
    @classmethod
    def _non_empty(cls, examples: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(e.strip() for e in examples if e and e.strip())

    @model_validator(mode="after")
    def _something_to_match(self) -> TopicDefinition:
        if not self.examples and not (self.description and self.description.strip()):
            raise ValueError(f"topic {self.name!r} needs a description or at least one example")
        return self


class TopicsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    topics: tuple[TopicDefinition, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> TopicsFile:
        names = [t.name.casefold() for t in self.topics]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"topic names must be unique; repeated: {', '.join(duplicates)}")
        return self


def parse_topics_json(text: str) -> tuple[TopicsFile, str]:
    """Topics given as JSON (the database's active set) and a digest of the text, like `load_topics`."""
    try:
        parsed = TopicsFile.model_validate_json(text)
    except ValidationError as exc:
        raise InvalidInput(f"stored topics: {_problems(exc)}") from exc
    return parsed, hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def parse_topics_document(document: object, source: str) -> TopicsFile:
    """A parsed YAML or JSON document as topics; InvalidInput names `source` and each problem."""
    if not isinstance(document, dict):
        raise InvalidInput(f"{source}: expected `topics: [{{name, description, examples}}, ...]`")
    try:
        return TopicsFile.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput(f"{source}: {_problems(exc)}") from exc


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


def load_topics(path: Path) -> tuple[TopicsFile, str]:
    """The parsed file and a digest of its content (part of the topics enricher's version)."""
    if not path.is_file():
        raise InvalidInput(f"topics file {path} not found")
    raw = path.read_bytes()
    try:
        document = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not valid YAML: {exc}") from exc
    return parse_topics_document(document, str(path)), hashlib.sha256(raw).hexdigest()[:12]
