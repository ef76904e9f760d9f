"""Data the router reads and writes: the enriched post, teams and regions, actions and the decision."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from groundswell.routing.geo import GeoPoint, Located, airport_codes_in_text, airport_point, locate_free_text


class AuthorTier(StrEnum):
    VIP = "vip"
    INFLUENCER = "influencer"
    EMPLOYEE = "employee"
    PAID_ADVOCATE = "paid_advocate"
    REGULAR = "regular"


class Priority(StrEnum):
    """p1 is the most urgent. One scheme only, so that rules and dashboards sort the same way:
    p1 = urgent (answer now), p2 = high, p3 = normal, p4 = low."""

    P1 = "p1"
    P2 = "p2"
    P3 = "p3"
    P4 = "p4"


class RoutingInput(BaseModel):
    """An enriched post as the router sees it: plain values, no database objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = ""
    channel: str | None = None
    brand: str | None = None
    language: str | None = None
    intent: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sentiment: str | None = None
    sentiment_score: float | None = None
    emotion: str | None = None
    urgency: float | None = Field(default=None, ge=0, le=1)
    offensive: bool = False
    reach: int | None = Field(default=None, ge=0, description="the author's follower count")
    author_tier: AuthorTier = AuthorTier.REGULAR
    coordinates: GeoPoint | None = None
    location: str | None = Field(default=None, description="the post's place as text, e.g. a geotag name")
    author_location: str | None = Field(default=None, description="the author's profile location")

    def positions(self) -> list[Located]:
        """Where the post is, best evidence first: its coordinates, its place text, airport codes in its
        text, then the author's profile location. Only the first kind that yields anything is used, so a
        precise geotag is never outvoted by a hometown in the profile."""
        if self.coordinates is not None:
            return [Located(self.coordinates, "post coordinates")]
        if self.location and (found := locate_free_text(self.location, "post location")):
            return found
        codes = airport_codes_in_text(self.text)
        if codes:
            return [Located(p, f"airport {c} in text") for c in codes if (p := airport_point(c)) is not None]
        if self.author_location:
            return locate_free_text(self.author_location, "author location")
        return []


def _point_from_config(value: Any) -> Any:
    """Teams and regions name places as an IATA code ("ORD") or as {lat, lon}."""
    if isinstance(value, str):
        point = airport_point(value.strip().upper())
        if point is None:
            raise ValueError(f"{value!r} is not a known IATA airport code; give {{lat: ..., lon: ...}} instead")
        return point
    return value


class Team(BaseModel):
    """What routing needs to know about a team. `calendar` names the business hours its SLAs run on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    location: GeoPoint | None = None
    calendar: str | None = None
    description: str = ""

    _parse_location = field_validator("location", mode="before")(_point_from_config)


class BoundingBox(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_lat: float = Field(ge=-90, le=90)
    max_lat: float = Field(ge=-90, le=90)
    min_lon: float = Field(ge=-180, le=180)
    max_lon: float = Field(ge=-180, le=180)

    @model_validator(mode="after")
    def _ordered(self) -> BoundingBox:
        if self.min_lat > self.max_lat:
            raise ValueError("min_lat must not exceed max_lat")
        return self

    def contains(self, point: GeoPoint) -> bool:
        if not self.min_lat <= point.lat <= self.max_lat:
            return False
        if self.min_lon <= self.max_lon:
            return self.min_lon <= point.lon <= self.max_lon
        return point.lon >= self.min_lon or point.lon <= self.max_lon  # the box crosses the antimeridian


class Region(BaseModel):
    """A named area: a bounding box, or a list of places (IATA codes or {lat, lon}) with a radius around each."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    places: tuple[GeoPoint, ...] = ()
    place_names: tuple[str, ...] = ()
    radius_km: float = Field(default=50.0, gt=0)
    bbox: BoundingBox | None = None

    @model_validator(mode="before")
    @classmethod
    def _resolve_places(cls, data: Any) -> Any:
        if isinstance(data, dict) and "places" in data:
            data = dict(data)
            raw = data["places"]
            if not isinstance(raw, list) or not raw:
                raise ValueError("places must be a non-empty list of IATA codes or {lat, lon}")
            data["place_names"] = tuple(p.upper() if isinstance(p, str) else f"{p}" for p in raw)
            data["places"] = tuple(_point_from_config(p) for p in raw)
        return data

    @model_validator(mode="after")
    def _one_shape(self) -> Region:
        if (self.bbox is None) == (not self.places):
            raise ValueError("give either places (with an optional radius_km) or a bbox, not both or neither")
        return self


class Actions(BaseModel):
    """What a rule does when it fires. Unset (None) means "leave as it is"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    team: str | None = None
    priority: Priority | None = None
    sla_policy: str | None = None
    tags: tuple[str, ...] = ()
    requires_approval: bool | None = None
    approver_role: str | None = None
    suppress: bool | None = None
    assign_to: str | None = None
    allow_trainees: bool | None = None

    @field_validator("priority", mode="before")
    @classmethod
    def _priority_hint(cls, value: Any) -> Any:
        if isinstance(value, str) and value.lower() not in {p.value for p in Priority}:
            raise ValueError(f"{value!r} is not a priority; use p1 (urgent), p2 (high), p3 (normal) or p4 (low)")
        return value.lower() if isinstance(value, str) else value

    def describe(self) -> list[str]:
        """Human-readable list of what this rule sets."""
        said: list[str] = []
        for name in ("team", "priority", "sla_policy", "assign_to", "approver_role"):
            value = getattr(self, name)
            if value is not None:
                said.append(f"{name} = {value}")
        for name in ("requires_approval", "suppress", "allow_trainees"):
            value = getattr(self, name)
            if value is not None:
                said.append(f"{name} = {str(value).lower()}")
        if self.tags:
            said.append(f"tags += {', '.join(self.tags)}")
        return said


class FiredRule(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    conditions: tuple[str, ...]
    actions: tuple[str, ...]

    def __str__(self) -> str:
        held = "; ".join(self.conditions) or "no conditions (always fires)"
        done = "; ".join(self.actions) or "nothing"
        return f"{self.rule}: {held} -> {done}"


class RoutingDecision(BaseModel):
    """The outcome of routing one post. `explanation` lists every rule that fired, in order."""

    model_config = ConfigDict(frozen=True)

    team: str | None = None
    priority: Priority | None = None
    sla_policy: str | None = None
    tags: tuple[str, ...] = ()
    requires_approval: bool = False
    approver_role: str | None = None
    suppressed: bool = False
    assign_to: str | None = None
    allow_trainees: bool = True
    stopped_by: str | None = None
    explanation: tuple[FiredRule, ...] = ()

    @property
    def fired_rules(self) -> list[str]:
        return [fired.rule for fired in self.explanation]

    def explain(self) -> str:
        if not self.explanation:
            return "no rule fired"
        return "\n".join(f"{i}. {fired}" for i, fired in enumerate(self.explanation, start=1))
