"""The `locations` enricher: places in post text and profile locations, and the traps it must not fall in."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from groundswell.enrich.base import Batch, PostInput
from groundswell.enrich.enrichers.locations import NOT_AIRPORTS, LocationsEnricher, find_places
from groundswell.enrich.gazetteer import AIRPORT_ALIASES, CITY_ALIASES, MAJOR_AIRPORTS, gazetteer, name_key


@pytest.fixture(scope="module")
def enricher() -> LocationsEnricher:
    return LocationsEnricher(resources=None)


def places(enricher: LocationsEnricher, text: str, profile: str | None = None) -> list[dict[str, Any]]:
    return enricher.enrich(Batch(posts=[PostInput(text=text, author_location=profile)]))[0]


def short(found: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """(kind, code or name, admin): enough to tell places apart in a table of cases."""
    return [(p["kind"], p["code"] or p["name"], p["admin"]) for p in found]


TEXT_CASES = [
    ("Stuck at ORD again, flight to Denver delayed", [("airport", "ORD", "IL"), ("city", "Denver", "CO")]),
    ("Flying SFO-LAX tomorrow", [("airport", "SFO", "CA"), ("airport", "LAX", "CA")]),
    ("ORD>DEN was smooth, thanks", [("airport", "ORD", "IL"), ("airport", "DEN", "CO")]),
    ("sad you no longer fly ERI &gt; GRR", [("airport", "ERI", "PA"), ("airport", "GRR", "MI")]),
    ("Flight 6232 to JAC", [("airport", "JAC", "WY")]),
    ("#SFO fog again, 2 hour delay", [("airport", "SFO", "CA")]),
    ("Landed in Chicago O'Hare finally", [("airport", "ORD", "IL")]),
    ("Moving from Mobile, AL to Portland, ME", [("city", "Mobile", "AL"), ("city", "Portland", "ME")]),
    ("Going to Portland next week", [("city", "Portland", "OR")]),
    ("Springfield, IL here we come", [("city", "Springfield", "IL")]),
    ("NYC to LA on @VirginAmerica", [("city", "New York City", "NY"), ("city", "Los Angeles", "CA")]),
    ("Back in Philly, Vegas next week", [("city", "Philadelphia", "PA"), ("city", "Las Vegas", "NV")]),
    ("the Bay Area fog is unreal", [("city", "San Francisco", "CA")]),
    ("my flight to Austin is late again", [("city", "Austin", "TX")]),
    ("Flying from ADD to GRR on 2/28", [("airport", "ADD", None), ("airport", "GRR", "MI")]),
    ("Connection from Chicago to Paris, TX", [("city", "Chicago", "IL"), ("city", "Paris", "TX")]),
    ("Everything is bigger in Texas", [("state", "TX", "TX")]),
    ("Greetings from Germany!", [("country", "DE", None)]),
    ("WHY IS MY FLIGHT TO DEN CANCELLED #ORD", [("airport", "DEN", "CO"), ("airport", "ORD", "IL")]),
    ("LAS VEGAS here I come", [("city", "Las Vegas", "NV")]),
    ("Landed at DIA, waiting for bags", [("airport", "DEN", "CO")]),
    ("Snow in Suffolk County, New York", [("state", "NY", "NY")]),
    ("flying to chicago tomorrow", [("city", "Chicago", "IL")]),
    ("#NewYork here we come", [("city", "New York City", "NY")]),
    ("Saturday in Milan, Italy", [("city", "Milan", "09")]),
    ("Trip to Cologne and Kiev", [("city", "Köln", "07"), ("city", "Kyiv", "12")]),
    ("Lost bag at LaGuardia, then JFK", [("airport", "LGA", "NY"), ("airport", "JFK", "NY")]),
    ("Visiting San Francisco, CA next week", [("city", "San Francisco", "CA")]),
    ("What's up ATL", [("city", "Atlanta", "GA")]),
    ("China, Iran and Russia", [("country", "CN", None), ("country", "IR", None), ("country", "RU", None)]),
]

# Capitalised words, shouting, acronyms, names and brands that a naive matcher would take for places.
TEXT_TRAPS = [
    "I LOVE THE NEW SEATS CAN YOU HELP ME",
    "Mobile boarding pass doesn't work. Nice job, LOL",
    "Thanks Austin at the gate!",
    "my bag is MIA",
    "Springfield is nice this time of year",
    "Reading on the plane. Orange juice was warm",
    "Prince George turns two tomorrow",
    "Watching the game with the CEO, WTF OMG",
    "[ABS-CBN News] Aquino on the memoirs",
    "Kobe Bryant and George Foreman",
    "Out to Brunch with friends",
    "Paris Hilton was on my flight",
    "IND vs AUS tonight",
    "finishing my degree in CIT",
    "Delta lost my bag again",
    "Some areas of New England could see flakes",
    "Go to CVS and buy some aspirin",
    "USC beat UCLA at the Coliseum",
    "#yoga #wedding #time",
    "CAN'T BELIEVE IT, THE WORST AIRLINE EVER",
    "Amy Lee on AMFM till 4pm",
    "Salem was nice, Victoria was nicer",
]

PROFILE_CASES = [
    ("NYC", [("city", "New York City", "NY")]),
    ("Los Angeles, CA", [("city", "Los Angeles", "CA")]),
    ("Boston, MA", [("city", "Boston", "MA")]),
    ("London, UK", [("city", "London", "ENG")]),
    ("Chicago | Denver", [("city", "Chicago", "IL"), ("city", "Denver", "CO")]),
    ("TX", [("state", "TX", "TX")]),
    ("LA", [("city", "Los Angeles", "CA")]),
    ("Baton Rouge, LA", [("city", "Baton Rouge", "LA")]),
    ("DC", [("city", "Washington", "DC")]),
    ("Seattle | WA", [("city", "Seattle", "WA"), ("state", "WA", "WA")]),
    ("portland oregon", [("city", "Portland", "OR")]),
    ("Toronto, ON", [("city", "Toronto", "08")]),
    ("Washington State", [("state", "WA", "WA")]),
    ("Washington, D.C.", [("city", "Washington", "DC")]),
    ("Dallas, Tx", [("city", "Dallas", "TX")]),
    ("PDX", [("airport", "PDX", "OR")]),
    ("Smallville, KS", [("state", "KS", "KS")]),
]

PROFILE_TRAPS = [
    "somewhere over the rainbow",
    "Earth",
    "iPhone: 40.7,-73.9",
    "catch me if you can",
    "everywhere, all the time.",
    "Out to Brunch",
    "FL410",
    "In my own world",
]


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_places_in_text(enricher: LocationsEnricher, text: str, expected: list[tuple[str, str, str | None]]) -> None:
    found = places(enricher, text)
    assert short(found) == expected
    assert all(p["source"] == "text" for p in found)


@pytest.mark.parametrize("text", TEXT_TRAPS)
def test_no_place_in_text_traps(enricher: LocationsEnricher, text: str) -> None:
    assert places(enricher, text) == []


@pytest.mark.parametrize(("profile", "expected"), PROFILE_CASES)
def test_places_in_profile_location(
    enricher: LocationsEnricher, profile: str, expected: list[tuple[str, str, str | None]]
) -> None:
    found = places(enricher, "thanks for the help", profile)
    assert short(found) == expected
    assert all(p["source"] == "profile" for p in found)


@pytest.mark.parametrize("profile", PROFILE_TRAPS)
def test_no_place_in_profile_traps(enricher: LocationsEnricher, profile: str) -> None:
    assert places(enricher, "ok", profile) == []


def test_ambiguous_name_takes_most_populous_unless_qualified(enricher: LocationsEnricher) -> None:
    assert short(places(enricher, "Off to Birmingham")) == [("city", "Birmingham", "ENG")]
    assert short(places(enricher, "Off to Birmingham, AL")) == [("city", "Birmingham", "AL")]
    assert short(places(enricher, "ok", "Portland, ME")) == [("city", "Portland", "ME")]
    assert short(places(enricher, "ok", "Portland")) == [("city", "Portland", "OR")]


def test_common_word_city_needs_a_qualifier(enricher: LocationsEnricher) -> None:
    assert places(enricher, "Landed in Reading") == []
    assert short(places(enricher, "Landed in Reading, PA")) == [("city", "Reading", "PA")]


def test_given_name_city_needs_a_travel_cue(enricher: LocationsEnricher) -> None:
    assert places(enricher, "Charlotte was very helpful") == []
    assert short(places(enricher, "Stuck in Charlotte overnight")) == [("city", "Charlotte", "NC")]


def test_major_airport_alone_and_minor_one_only_with_a_cue(enricher: LocationsEnricher) -> None:
    assert short(places(enricher, "SFO is a zoo today")) == [("airport", "SFO", "CA")]
    assert places(enricher, "JAC is a zoo today") == []
    assert short(places(enricher, "Flight 6232 to JAC")) == [("airport", "JAC", "WY")]


def test_airport_carries_its_city_and_coordinates(enricher: LocationsEnricher) -> None:
    [ord_] = places(enricher, "Delayed at ORD")
    assert ord_["city"] == "Chicago"
    assert ord_["country"] == "US"
    assert ord_["matched"] == "ORD"
    assert ord_["latitude"] == pytest.approx(41.98, abs=0.05)
    assert ord_["longitude"] == pytest.approx(-87.90, abs=0.05)


def test_output_shape_is_json_ready(enricher: LocationsEnricher) -> None:
    found = places(enricher, "Landed at SFO from Boston", "Austin, TX")
    keys = {"name", "kind", "code", "country", "admin", "latitude", "longitude", "source", "matched"}
    for place in found:
        assert keys <= place.keys()
        assert ("city" in place) == (place["kind"] == "airport")
        assert isinstance(place["latitude"], float) and isinstance(place["longitude"], float)
        assert -90 <= place["latitude"] <= 90 and -180 <= place["longitude"] <= 180
    assert orjson.loads(orjson.dumps(found)) == found


def test_matched_is_the_exact_substring(enricher: LocationsEnricher) -> None:
    text = "Heading from Los Angeles, CA to the Big Apple"
    found = places(enricher, text)
    assert [p["matched"] for p in found] == ["Los Angeles, CA", "the Big Apple"]
    assert all(p["matched"] in text for p in found)


def test_same_place_in_text_and_profile_is_kept_once_from_text(enricher: LocationsEnricher) -> None:
    found = places(enricher, "Back home in Denver, thanks!", "Denver, CO")
    assert [(p["name"], p["source"]) for p in found] == [("Denver", "text")]


def test_text_places_come_before_profile_places(enricher: LocationsEnricher) -> None:
    found = places(enricher, "Landed at SFO", "Boston, MA | Chicago")
    assert [(p["kind"], p["source"]) for p in found] == [("airport", "text"), ("city", "profile"), ("city", "profile")]


def test_empty_and_missing_texts(enricher: LocationsEnricher) -> None:
    assert places(enricher, "", None) == []
    assert places(enricher, "   ", "   ") == []
    assert find_places(None) == []


def test_batch_keeps_order_and_length() -> None:
    posts = [
        PostInput(text="Stuck at EWR", author_location="NYC"),
        PostInput(text="no place here"),
        PostInput(text="Cancelled Flightled again", author_location="somewhere over the rainbow"),
        PostInput(text="Flight to Houston tomorrow", author_location="Houston, TX"),
    ]
    results = LocationsEnricher(resources=None).enrich(Batch(posts=posts))
    assert [short(r) for r in results] == [
        [("airport", "EWR", "NJ"), ("city", "New York City", "NY")],
        [],
        [],
        [("city", "Houston", "TX")],
    ]


def test_enricher_contract() -> None:
    assert LocationsEnricher.name == "locations"
    assert LocationsEnricher.requires == ()
    assert LocationsEnricher.uses_encoder is False
    assert re.fullmatch(r"\d+\.\d+", LocationsEnricher.version)


def test_every_hand_written_alias_resolves() -> None:
    entries = gazetteer().entries
    for alias in [*CITY_ALIASES, *AIRPORT_ALIASES]:
        entry = entries.get(name_key(alias))
        assert entry is not None and entry.places, alias


def test_major_airports_are_known_codes_and_not_words() -> None:
    airports = gazetteer().airports
    assert airports.keys() >= MAJOR_AIRPORTS
    assert not MAJOR_AIRPORTS & NOT_AIRPORTS


def test_airline_tweets_find_the_airports_they_name(airline_file: Path, enricher: LocationsEnricher) -> None:
    with airline_file.open(encoding="utf-8") as lines:  # iterated by "\n" only: texts hold U+2028
        rows = [json.loads(line) for line in lines if line.strip()]
    posts = [PostInput(text=row["text"], author_location=row.get("location")) for row in rows]
    results = enricher.enrich(Batch(posts=posts))
    assert len(results) == len(rows)
    named = found = 0
    for row, result in zip(rows, results, strict=True):
        for code in ("SFO", "ORD", "EWR", "LAX", "IAH", "DEN", "JFK", "BOS"):
            if re.search(rf"(?<![A-Za-z0-9]){code}(?![A-Za-z0-9])", row["text"]):
                named += 1
                found += any(p["code"] == code and p["source"] == "text" for p in result)
    assert named > 100
    assert found >= 0.9 * named
    with_profile_place = sum(any(p["source"] == "profile" for p in r) for r in results)
    assert with_profile_place >= 0.3 * len(rows)
    assert not any(p["kind"] == "airport" and p["matched"] in NOT_AIRPORTS for r in results for p in r)
