"""Departments and what they subscribe to, as written in a YAML file (see examples/departments/).

```yaml
departments:
  - name: pricing
    description: Prices, fees, discounts
    recipients: [pricing@voltline.example]
    split_by: product            # optional: one insight per product (or brand) instead of one in all
    brands: [Voltline]           # optional: only posts about these brands
    subscriptions:
      intents: [suggestion]                     # enricher `intent` labels
      topics: [Billing & Payments]              # or {name: ..., min_score: 0.5}
      sentiment_changes:                        # a sudden change in the negative share
        - {product: PulsePad, min_posts: 20, min_change: 0.1, alpha: 0.01}
```

New themes are not a subscription kind yet: `groundswell.insights.themes` did not exist when this was written.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from groundswell.errors import InvalidInput
from groundswell.people.schemas import describe_errors

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,63}$")
KNOWN_INTENTS = ("question", "complaint", "praise", "suggestion", "lost_item", "purchase_intent", "other")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicSubscription(_Strict):
    name: str = Field(min_length=1, max_length=255)
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)


class SentimentChangeSubscription(_Strict):
    """Watch the negative share about one product or brand: an insight when this period's share differs from
    the previous period's by at least `min_change`, both periods have `min_posts`, and a two-proportion z-test
    rejects "no change" at level `alpha`."""

    product: str | None = None
    brand: str | None = None
    min_posts: int = Field(default=20, ge=1)
    min_change: float = Field(default=0.10, gt=0.0, le=1.0)
    alpha: float = Field(default=0.01, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _one_subject(self) -> SentimentChangeSubscription:
        if (self.product is None) == (self.brand is None):
            raise ValueError("name exactly one of `product` or `brand` to watch")
        return self

    @property
    def subject(self) -> str:
        return self.product or self.brand or ""


class Subscriptions(_Strict):
    intents: list[str] = Field(default_factory=list)
    topics: list[TopicSubscription] = Field(default_factory=list)
    sentiment_changes: list[SentimentChangeSubscription] = Field(default_factory=list)

    @field_validator("intents")
    @classmethod
    def _known_intents(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in KNOWN_INTENTS]
        if unknown:
            raise ValueError(f"unknown intent(s) {', '.join(unknown)}: use {', '.join(KNOWN_INTENTS)}")
        return list(dict.fromkeys(values))

    @field_validator("topics", mode="before")
    @classmethod
    def _topic_names(cls, values: Any) -> Any:
        if isinstance(values, list):
            return [{"name": v} if isinstance(v, str) else v for v in values]
        return values

    @model_validator(mode="after")
    def _something(self) -> Subscriptions:
        if not (self.intents or self.topics or self.sentiment_changes):
            raise ValueError("subscribe to at least one of intents, topics or sentiment_changes")
        return self


class DepartmentSpec(_Strict):
    name: str
    description: str = ""
    recipients: list[str] = Field(default_factory=list)
    split_by: Literal["product", "brand"] | None = None
    brands: list[str] = Field(default_factory=list)
    subscriptions: Subscriptions

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip().lower()
        if not _NAME.match(value):
            raise ValueError(f"{value!r} is not a department name: use lower-case letters, digits, spaces, - or _")
        return value

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not _EMAIL.match(v.strip())]
        if bad:
            raise ValueError(f"not an e-mail address: {', '.join(bad)} (write name@example.com)")
        return list(dict.fromkeys(v.strip() for v in values))


class DepartmentsDocument(_Strict):
    departments: list[DepartmentSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> DepartmentsDocument:
        names = [d.name for d in self.departments]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"department(s) defined twice: {', '.join(twice)}")
        return self


def parse_departments(document: Any, *, source: str = "departments file") -> DepartmentsDocument:
    """The departments of a parsed YAML document; every mistake is named with where it is."""
    if not isinstance(document, dict):
        raise InvalidInput(f"{source}: expected a mapping with a `departments` list")
    try:
        return DepartmentsDocument.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput(f"{source}: {describe_errors(exc)}") from None


STORED_FIELDS = frozenset({"split_by", "brands", "subscriptions"})


def stored_settings(spec: DepartmentSpec) -> dict[str, Any]:
    """What a Department row keeps in its `subscriptions` column."""
    return spec.model_dump(mode="json", include=set(STORED_FIELDS))


def spec_of(*, name: str, description: str, recipients: list[str], stored: dict[str, Any]) -> DepartmentSpec:
    """The spec back from a Department row."""
    return DepartmentSpec.model_validate({"name": name, "description": description, "recipients": recipients, **stored})
