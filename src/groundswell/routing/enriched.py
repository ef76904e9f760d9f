"""One line of `groundswell enrich` output as the router sees it. Pure: no clock, no files, no network.

The enriched record is the input record plus `language`, `sentiment`/`emotion`/`offensive` ({label, scores}),
`intent` (labels), `topics` ([{name, score}]), `urgency` ({score, level, signals}) and `locations`
([{name, kind, code, country, admin, latitude, longitude, source, matched}]). Missing or malformed enrichment
fields are read as unknown rather than refused, so a partly enriched file (`enrich --only ...`) still routes.

Where the post is, best evidence first (RoutingInput.positions keeps only the first kind that yields):
1. explicit coordinates on the record (`coordinates`, `geo` or `latitude`/`longitude`);
2. the first airport or city the enricher found in the post's text (`source: text`), written as an IATA code
   or "City, CC" so that explanations name it; a city the airport list cannot place falls back to the
   enricher's own coordinates;
3. the record's place text (`place`), airport codes in the text (done by RoutingInput itself);
4. the author's profile location: the first airport or city the enricher found there, else the raw text.
States and countries are skipped: their centre says nothing about which airport is nearest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from groundswell.enrich.records import record_author, record_reach, record_text
from groundswell.routing.geo import GeoPoint, locate_free_text
from groundswell.routing.schemas import AuthorTier, RoutingInput

PROFILE_FIELDS = ("author_location", "user_location")
POINT_KINDS = ("airport", "city")


@dataclass(frozen=True, slots=True)
class EnrichedPost:
    """What routing needs from one enriched record: the rule input and when the post was written."""

    routing: RoutingInput
    created_at: datetime | None


def read_enriched(record: dict[str, Any]) -> EnrichedPost:
    """Map one enriched record; raises ValueError when it has no text to route."""
    return EnrichedPost(routing_input(record), created_at(record))


def routing_input(record: dict[str, Any]) -> RoutingInput:
    text = record_text(record)
    author = record_author(record)
    locations = [p for p in _list(record.get("locations")) if isinstance(p, dict)]
    coordinates = _record_point(record)
    location = _place_text(record)
    if coordinates is None:
        found = _first_place(locations, "text")
        if found is not None:
            location, fallback = found
            if not locate_free_text(location, "post location"):
                location, coordinates = None, fallback
    profile = _first_place(locations, "profile")
    resolves = profile is not None and bool(locate_free_text(profile[0], "author location"))
    sentiment = _classified(record.get("sentiment"))
    urgency = record.get("urgency")
    return RoutingInput(
        text=text,
        channel=_str(record.get("channel")),
        brand=_str(record.get("brand")),
        language=_str(record.get("language")),
        intent=tuple(i for i in _list(record.get("intent")) if isinstance(i, str)),
        topics=_topic_names(record.get("topics")),
        sentiment=sentiment,
        sentiment_score=_polarity(record.get("sentiment")),
        emotion=_classified(record.get("emotion")),
        urgency=_unit(urgency.get("score") if isinstance(urgency, dict) else urgency),
        offensive=_offensive(record.get("offensive")),
        reach=record_reach(record),
        author_tier=_tier(record.get("author_tier") or author.get("tier")),
        coordinates=coordinates,
        location=location,
        author_location=profile[0] if profile and resolves else _profile_text(record, author),
    )


def created_at(record: dict[str, Any]) -> datetime | None:
    """ISO 8601 (a trailing Z allowed) or the X/Twitter form; a time without an offset is read as UTC."""
    value = record.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _classified(value: Any) -> str | None:
    """A classifier result {label, scores}, or a bare label."""
    return _str(value.get("label")) if isinstance(value, dict) else _str(value)


def _polarity(value: Any) -> float | None:
    """P(positive) - P(negative), in [-1, 1]; None without scores."""
    scores = value.get("scores") if isinstance(value, dict) else None
    if not isinstance(scores, dict):
        return None
    positive, negative = scores.get("positive", 0.0), scores.get("negative", 0.0)
    if not all(isinstance(p, int | float) and not isinstance(p, bool) for p in (positive, negative)):
        return None
    return round(float(positive) - float(negative), 4)


def _offensive(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _classified(value) == "offensive"


def _unit(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


def _topic_names(value: Any) -> tuple[str, ...]:
    names: list[str] = []
    for topic in _list(value):
        name = topic.get("name") if isinstance(topic, dict) else topic
        if isinstance(name, str) and name not in names:
            names.append(name)
    return tuple(names)


def _tier(value: Any) -> AuthorTier:
    try:
        return AuthorTier(value.strip().lower()) if isinstance(value, str) else AuthorTier.REGULAR
    except ValueError:
        return AuthorTier.REGULAR


def _point(lat: Any, lon: Any) -> GeoPoint | None:
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon))
    if not numbers or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return GeoPoint(lat=float(lat), lon=float(lon))


def _record_point(record: dict[str, Any]) -> GeoPoint | None:
    """{lat, lon}, {latitude, longitude}, GeoJSON {type: Point, coordinates: [lon, lat]} or top-level fields."""
    for key in ("coordinates", "geo"):
        value = record.get(key)
        if isinstance(value, dict):
            if isinstance(value.get("coordinates"), list) and len(value["coordinates"]) == 2:
                lon, lat = value["coordinates"]
                return _point(lat, lon)
            point = _point(value.get("lat", value.get("latitude")), value.get("lon", value.get("longitude")))
            if point is not None:
                return point
    return _point(record.get("latitude"), record.get("longitude"))


def _place_text(record: dict[str, Any]) -> str | None:
    place = record.get("place")
    if isinstance(place, dict):
        place = place.get("full_name") or place.get("name")
    return _str(place)


def _first_place(locations: list[dict[str, Any]], source: str) -> tuple[str, GeoPoint | None] | None:
    """The first airport or city from `source`, as text the router resolves, with the enricher's point."""
    for place in locations:
        if place.get("source") != source or place.get("kind") not in POINT_KINDS:
            continue
        point = _point(place.get("latitude"), place.get("longitude"))
        code, name, country = place.get("code"), place.get("name"), place.get("country")
        if place["kind"] == "airport" and isinstance(code, str) and len(code) == 3:
            return code.upper(), point
        if isinstance(name, str) and name:
            return (f"{name}, {country}" if isinstance(country, str) and country else name), point
    return None


def _profile_text(record: dict[str, Any], author: dict[str, Any]) -> str | None:
    for value in (*(record.get(f) for f in PROFILE_FIELDS), author.get("location"), record.get("location")):
        if isinstance(value, str) and value.strip():
            return value
    return None
