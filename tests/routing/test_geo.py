from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.routing.geo import (
    CAPITALISED_WORDS_NOT_AIRPORTS,
    GeoPoint,
    airport_codes_in_text,
    airport_point,
    city_point,
    haversine_km,
    is_airport_code,
    resolve_place,
)

points = st.builds(
    GeoPoint,
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False),
)


def test_haversine_known_distance_chicago_to_san_francisco() -> None:
    ord_, sfo = airport_point("ORD"), airport_point("SFO")
    assert ord_ is not None and sfo is not None
    assert haversine_km(ord_, sfo) == pytest.approx(2970, rel=0.01)


@given(points, points)
def test_haversine_is_symmetric_and_bounded(a: GeoPoint, b: GeoPoint) -> None:
    assert haversine_km(a, b) == pytest.approx(haversine_km(b, a), abs=1e-6)
    assert 0 <= haversine_km(a, b) <= 20_016  # half the circumference
    assert haversine_km(a, a) == pytest.approx(0, abs=1e-6)


@given(points, points, points)
def test_haversine_triangle_inequality(a: GeoPoint, b: GeoPoint, c: GeoPoint) -> None:
    assert haversine_km(a, c) <= haversine_km(a, b) + haversine_km(b, c) + 1e-6


def test_airport_lookup_is_exact_and_uppercase() -> None:
    assert is_airport_code("ORD")
    assert not is_airport_code("ord")
    assert not is_airport_code("ZZZ") or airport_point("ZZZ") is not None
    assert airport_point("NOPE") is None


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("My bag never made it to ORD", ["ORD"]),
        ("Flight ORD-SFO delayed again", ["ORD", "SFO"]),
        ("stuck at #DEN tonight", ["DEN"]),
        ("LAX→JFK was fine", ["LAX", "JFK"]),
        ("THE worst airline in the USA, OMG, WTF", []),
        ("the CEO should read this LOL", []),
        ("landed at ord", []),  # lower case is a word, not a code
        ("ORDER was wrong", []),  # part of a longer word
        ("SFO, then SFO again", ["SFO"]),  # no repeats
        ("MY BAG IS LOST AT THE GATE AND NOBODY CARES", []),  # shouting: only hashtags and route pairs
        ("STUCK IN ORD FOR 5 HOURS", []),
        ("STUCK ON ORD-SFO FOR 5 HOURS #LAX", ["ORD", "SFO", "LAX"]),
    ],
)
def test_airport_codes_in_text_only_in_safe_forms(text: str, codes: list[str]) -> None:
    assert airport_codes_in_text(text) == codes


def test_stoplist_is_small_and_explains_itself() -> None:
    assert {"THE", "AND", "USA", "CEO", "LOL", "OMG", "WTF"} <= CAPITALISED_WORDS_NOT_AIRPORTS
    assert len(CAPITALISED_WORDS_NOT_AIRPORTS) < 80
    # Real hubs must never be stoplisted.
    assert not {"ORD", "SFO", "LAX", "DEN", "SEA", "JFK"} & CAPITALISED_WORDS_NOT_AIRPORTS


def test_city_names_resolve_when_unambiguous() -> None:
    chicago = city_point("Chicago")
    assert chicago is not None and "Chicago" in chicago.source
    ord_ = airport_point("ORD")
    assert ord_ is not None and haversine_km(chicago.point, ord_) < 50
    assert city_point("Seattle, WA") is not None  # unknown qualifier is ignored
    assert city_point("Paris") is None  # France and Texas
    assert city_point("Paris, FR") is not None
    assert city_point("Nowhere Special") is None
    assert city_point("") is None


def test_resolve_place_prefers_team_then_airport_then_city() -> None:
    home = GeoPoint(lat=1, lon=2)
    team = resolve_place("ops", {"ops": home})
    assert team is not None and team.point == home and team.source == "team ops"
    airport = resolve_place("sfo")  # configuration may be lower case
    assert airport is not None and airport.source == "airport SFO"
    assert resolve_place("Chicago") is not None
    assert resolve_place("no such place") is None
