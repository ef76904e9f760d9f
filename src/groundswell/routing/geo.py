"""Distances and places, pure and offline.

A place is resolved to coordinates from, in order: explicit coordinates, an IATA airport code (the
`airportsdata` package, loaded lazily once), or a city name that the airport list makes unambiguous.
Airport codes are recognised in free text only in forms that are hard to confuse with words; see
`airport_codes_in_text`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TypedDict

from pydantic import BaseModel, ConfigDict, Field

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG); haversine error is under 0.5 %, plenty for routing


class GeoPoint(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


@dataclass(frozen=True, slots=True)
class Located:
    """A position together with where it came from, so explanations can say why a post is "near ORD"."""

    point: GeoPoint
    source: str


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class _Airport(TypedDict):
    iata: str
    name: str
    city: str
    subd: str
    country: str
    lat: float
    lon: float


@cache
def _airports() -> Mapping[str, _Airport]:
    import airportsdata  # about 8,000 entries; loaded only when a place must be resolved

    loaded: Mapping[str, _Airport] = airportsdata.load("IATA")
    return loaded


def airport_point(code: str) -> GeoPoint | None:
    """Coordinates of an IATA airport code (exact, uppercase), or None when it is not a known code."""
    airport = _airports().get(code)
    return None if airport is None else GeoPoint(lat=airport["lat"], lon=airport["lon"])


def is_airport_code(code: str) -> bool:
    return len(code) == 3 and code.isupper() and code in _airports()


# Almost every three-letter English word is also an IATA code (THE is Thessaloniki's old code, SEE is
# San Diego Gillespie...). Most never reach the matcher, because in mixed-case text words are written in
# lower case and only codes stay upper case. What does reach it are the words people still capitalise in
# ordinary tweets: acronyms, interjections and emphasis. This list holds those and nothing else; shouted
# all-caps text is handled separately (see `airport_codes_in_text`).
CAPITALISED_WORDS_NOT_AIRPORTS = frozenset(
    {
        # acronyms and abbreviations written in capitals
        "USA", "CEO", "VIP", "TSA", "FAA", "DOT", "FYI", "ETA", "PLS", "HRS", "MIN", "MAX", "TBD", "ATM",
        # interjections
        "LOL", "OMG", "WTF", "SMH", "IMO", "BTW",
        # emphasis words
        "THE", "AND", "NOT", "ALL", "ANY", "NEW", "YES", "BAD", "SAD", "MAD", "BIG", "OUT", "OFF", "WHO", "WHY",
        "HOW", "GET", "SEE", "BAG", "DAY", "AIR", "FLY",
        # days and months, common in timestamps such as "MON 9AM"
        "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN", "JAN", "FEB", "MAR", "APR", "JUN", "JUL", "AUG", "SEP",
        "OCT", "NOV", "DEC",
    }
)  # fmt: skip

_CODE = r"[A-Z]{3}"
_WORD_CODE = re.compile(rf"(?<![A-Za-z0-9#@_]){_CODE}(?![A-Za-z0-9_])")
_HASHTAG_CODE = re.compile(rf"#({_CODE})(?![A-Za-z0-9_])")
_ROUTE_PAIR = re.compile(rf"(?<![A-Za-z0-9])({_CODE})\s*(?:-|–|—|>|→|/|✈️?)\s*({_CODE})(?![A-Za-z0-9])")


def is_shouting(text: str) -> bool:
    """True when the text is (nearly) all capitals, where every short word looks like a code."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4:
        return False
    return sum(c.islower() for c in letters) < 0.2 * len(letters)


def airport_codes_in_text(text: str) -> list[str]:
    """Known IATA codes in the text, in order of appearance, without repeats.

    Safe forms only: a hashtag (#ORD) or a route pair (ORD-SFO, ORD→SFO) anywhere; in mixed-case text also
    a stand-alone upper-case three-letter word that is a known code and not in CAPITALISED_WORDS_NOT_AIRPORTS.
    In shouted text only hashtags and route pairs count, because there "LOST BAG AT THE GATE" would yield
    codes for BAG, THE, ... .
    """
    found: list[tuple[int, str]] = [(m.start(1), m.group(1)) for m in _HASHTAG_CODE.finditer(text)]
    for pair in _ROUTE_PAIR.finditer(text):
        found += [(pair.start(1), pair.group(1)), (pair.start(2), pair.group(2))]
    if not is_shouting(text):
        found += [
            (m.start(), m.group()) for m in _WORD_CODE.finditer(text) if m.group() not in CAPITALISED_WORDS_NOT_AIRPORTS
        ]
    codes: list[str] = []
    for _, code in sorted(found):
        if is_airport_code(code) and code not in codes:
            codes.append(code)
    return codes


def _normalise_place(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@cache
def _airports_by_city() -> Mapping[str, tuple[_Airport, ...]]:
    by_city: dict[str, list[_Airport]] = {}
    for airport in _airports().values():
        if airport["city"]:
            by_city.setdefault(_normalise_place(airport["city"]), []).append(airport)

    # International airports first, so that "New York" stands at JFK rather than at a seaplane base.
    def rank(airport: _Airport) -> tuple[bool, str]:
        return "international" not in airport["name"].casefold(), airport["iata"]

    return {city: tuple(sorted(found, key=rank)) for city, found in by_city.items()}


# Airports of one city name farther apart than this mean the name is ambiguous (Paris, France or Paris, TX);
# nearer ones are one metropolitan area (New York: JFK, LGA and Stewart, 90 km out).
CITY_SPREAD_KM = 200.0


def city_point(text: str) -> Located | None:
    """The position of a city named in a profile location such as "Chicago" or "Paris, France".

    The name before the first comma is looked up among airport cities. A qualifier after the comma (country
    code, country or state name) narrows the candidates when it matches any of them; it is ignored when it
    matches none, as with state abbreviations ("Seattle, WA") that the airport list does not hold. The name
    is accepted only when the remaining airports lie within CITY_SPREAD_KM of each other (one metropolitan
    area), and then the first of them (international airports first, then by code) stands for it.
    """
    parts = [_normalise_place(part) for part in text.split(",")]
    candidates = _airports_by_city().get(parts[0], ()) if parts and parts[0] else ()
    qualifiers = {part for part in parts[1:] if part}
    narrowed = tuple(
        a for a in candidates if qualifiers & {_normalise_place(a["country"]), _normalise_place(a["subd"])}
    )
    candidates = narrowed or candidates
    if not candidates:
        return None
    first = GeoPoint(lat=candidates[0]["lat"], lon=candidates[0]["lon"])
    others = (GeoPoint(lat=a["lat"], lon=a["lon"]) for a in candidates[1:])
    if any(haversine_km(first, other) > CITY_SPREAD_KM for other in others):
        return None
    return Located(first, f"city {text.strip()!r} (near {candidates[0]['iata']})")


def resolve_place(text: str, team_points: Mapping[str, GeoPoint] | None = None) -> Located | None:
    """Resolve a configured place name: a team name, an IATA code (any case, it is configuration), or a city."""
    name = text.strip()
    if team_points and name in team_points:
        return Located(team_points[name], f"team {name}")
    point = airport_point(name.upper()) if len(name) == 3 and name.isalpha() else None
    if point is not None:
        return Located(point, f"airport {name.upper()}")
    return city_point(name)


def locate_free_text(text: str, label: str) -> list[Located]:
    """Positions mentioned in a short location field (a post's place, an author's profile location)."""
    codes = airport_codes_in_text(text)
    if codes:
        return [Located(p, f"{label}: airport {c}") for c in codes if (p := airport_point(c)) is not None]
    city = city_point(text)
    return [] if city is None else [Located(city.point, f"{label}: {city.source}")]
