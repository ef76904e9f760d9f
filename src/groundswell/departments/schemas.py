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
      new_themes:                               # themes new in the period (groundswell.insights.themes)
        products: [PulsePad]                    # optional: only posts about these products (or brands:)
        catalogue: ../catalogue/voltline.yaml   # optional: flags unexpected uses; relative to this file
        baseline_weeks: 4                       # the weeks before the period the themes are compared with
        min_size: 10                            # optional overrides of find_themes' thresholds
        min_growth: 10
```
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


class NewThemesSubscription(_Strict):
    """Themes that are new (or fast-growing) in the period against the `baseline_weeks` before it, found by
    `groundswell.insights.themes.find_themes` in the posts' stored embeddings; with a `catalogue`, a theme that
    uses a product for a purpose it was not designed for is flagged as an unexpected use. `products`/`brands`
    restrict the posts looked at; `min_size`, `min_authors` and `min_growth` override the finder's defaults."""

    products: list[str] = Field(default_factory=list)
    brands: list[str] = Field(default_factory=list)
    catalogue: str | None = Field(default=None, min_length=1)
    baseline_weeks: int = Field(default=4, ge=1, le=26)
    min_size: int | None = Field(default=None, ge=2)
    min_authors: int | None = Field(default=None, ge=1)
    min_growth: float | None = Field(default=None, gt=0.0)

    def concerns(self, product: str | None, brand: str | None) -> bool:
        if not (self.products or self.brands):
            return True
        return (product is not None and product in self.products) or (brand is not None and brand in self.brands)


class Subscriptions(_Strict):
    intents: list[str] = Field(default_factory=list)
    topics: list[TopicSubscription] = Field(default_factory=list)
    sentiment_changes: list[SentimentChangeSubscription] = Field(default_factory=list)
    new_themes: NewThemesSubscription | None = None

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

    @field_validator("new_themes", mode="before")
    @classmethod
    def _themes_switch(cls, value: Any) -> Any:
        if value is True:
            return {}
        if value is False:
            return None
        return value

    @model_validator(mode="after")
    def _something(self) -> Subscriptions:
        if not (self.intents or self.topics or self.sentiment_changes or self.new_themes is not None):
            raise ValueError("subscribe to at least one of intents, topics, sentiment_changes or new_themes")
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
