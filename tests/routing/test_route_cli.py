"""`groundswell route` end to end through the real console script, and the enriched record -> RoutingInput
mapping it rests on."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from groundswell.routing import AuthorTier, GeoPoint
from groundswell.routing.enriched import created_at, read_enriched, routing_input

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "examples" / "airline"
ENRICHED = Path(__file__).parent / "fixtures" / "enriched_airline.jsonl"


def run_route(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "groundswell", "route", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def routed(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path_factory.mktemp("route")
    source = folder / "in.jsonl"
    source.write_bytes(ENRICHED.read_bytes() + b"this is not json\n\n[1, 2]\n" + b'{"no_text": true}\n')
    out = folder / "out.jsonl"
    return run_route("--config", CONFIG, "--input", source, "--output", out, "--json"), out


def test_summary_counts_read_routed_rejected_and_teams(first_run: tuple[Any, Path]) -> None:
    result, _ = first_run
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "read": 10,
        "routed": 7,
        "rejected": 3,
        "by_team": {
            "(no team)": 1,
            "baggage-central": 1,
            "baggage-den": 1,
            "baggage-ord": 1,
            "customer-care": 2,
            "rebooking": 1,
        },
    }


def test_decisions_keep_input_order_and_record(first_run: tuple[Any, Path]) -> None:
    _, out = first_run
    rows = routed(out)
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert rows[0]["topics"][0] == {"name": "Lost Luggage", "score": 0.812}  # the input is kept as it was
    got = {
        row["id"]: (
            row["routing"]["team"],
            row["routing"]["priority"],
            row["routing"]["sla_policy"],
            row["routing"]["first_response_due"],
            row["routing"]["requires_approval"],
            row["routing"]["tags"],
        )
        for row in rows
    }
    assert got == {
        # O'Hare in the text -> nearest baggage office; 2 h on Chicago airport hours (09:00 local)
        "1": ("baggage-ord", "p2", "baggage", "2025-03-04T17:00:00+00:00", False, ["baggage", "airport"]),
        # Denver from the profile; urgency 0.82 -> p1 with the 1-hour, around-the-clock SLA
        "2": (
            "baggage-den",
            "p1",
            "urgent",
            "2025-03-05T00:30:00+00:00",
            False,
            ["baggage", "airport", "urgent"],
        ),
        # Lisbon is far from every baggage office -> the central team
        "3": ("baggage-central", "p2", "baggage", "2025-03-04T14:00:00+00:00", False, ["baggage"]),
        # Sunday noon UTC: the bookings office opens Monday 07:00 Chicago (13:00 UTC) -> 17:00 UTC
        "4": ("rebooking", "p3", "standard", "2025-03-03T17:00:00+00:00", False, ["disruption"]),
        "5": ("customer-care", "p3", "standard", "2025-03-04T22:00:00+00:00", True, ["offensive"]),
        "6": (None, None, None, None, False, ["spam"]),
        "7": ("customer-care", "p3", "standard", None, False, []),  # no created_at -> no deadline
    }
    assert rows[4]["routing"]["approver_role"] == "manager"
    assert rows[5]["routing"]["suppressed"] is True
    assert rows[5]["routing"]["stopped_by"] == "spam"


def test_explanation_names_the_rules_and_why(first_run: tuple[Any, Path]) -> None:
    _, out = first_run
    explanation = routed(out)[0]["routing"]["explanation"]
    assert [fired["rule"] for fired in explanation] == ["baggage", "baggage-near-our-airports", "default"]
    first = explanation[1]
    assert any("post location: airport ORD is 0 km from team baggage-ord" in reason for reason in first["because"])
    assert "team = baggage-ord (nearest)" in first["then"]
    assert "(kept team = baggage-ord from an earlier rule)" in explanation[-1]["then"]


def test_rejects_file_has_line_numbers_and_reasons(first_run: tuple[Any, Path]) -> None:
    _, out = first_run
    rejects = routed(out.with_name("out.jsonl.rejected.jsonl"))
    assert [(r["line"], r["raw"]) for r in rejects] == [
        (8, "this is not json"),
        (10, "[1, 2]"),
        (11, '{"no_text": true}'),
    ]
    assert rejects[1]["reason"] == "not a JSON object"
    assert rejects[2]["reason"].startswith("no text field")


def test_same_input_and_config_give_identical_bytes(first_run: tuple[Any, Path], tmp_path: Path) -> None:
    _, out = first_run
    again = tmp_path / "again.jsonl"
    result = run_route("--config", CONFIG, "--input", out.with_name("in.jsonl"), "--output", again)
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == out.read_bytes()


def test_clean_input_leaves_no_rejects_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_route("--config", CONFIG, "--input", ENRICHED, "--output", out)
    assert result.returncode == 0, result.stderr
    assert "routed 7 posts" in result.stderr
    assert not out.with_name("out.jsonl.rejected.jsonl").exists()


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("rules:\n  - name: x\n    then: {team: nobody}\n", "then.team 'nobody' is not a defined team"),
        ("rules: [\n", "not valid YAML"),
        ("rules:\n  - name: x\n    then: {sla_policy: fast}\n", "then.sla_policy 'fast' is not defined"),
        (
            "teams: {care: {}}\nsla_policies: {std: {first_response: 4h, business_hours: true}}\n"
            "rules:\n  - name: x\n    then: {team: care, sla_policy: std}\n",
            "team(s) care have no calendar",
        ),
    ],
)
def test_bad_config_exits_2_with_a_clear_message(tmp_path: Path, rules: str, message: str) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "rules.yaml").write_text(rules, encoding="utf-8")
    result = run_route("--config", config, "--input", ENRICHED, "--output", tmp_path / "out.jsonl")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "rules.yaml" in result.stderr and message in " ".join(result.stderr.split())


def test_missing_config_folder_exits_2(tmp_path: Path) -> None:
    result = run_route("--config", tmp_path / "nope", "--input", ENRICHED, "--output", tmp_path / "out.jsonl")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "is not a folder" in " ".join(result.stderr.split())


# --- the record -> RoutingInput mapping -------------------------------------------------------------------


def enriched_line(number: int) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(ENRICHED.read_text(encoding="utf-8").splitlines()[number - 1])
    return record


def test_enriched_record_maps_every_field() -> None:
    post = routing_input(enriched_line(1))
    assert post.text.startswith("@SkylineAir my suitcase")
    assert (post.channel, post.language, post.sentiment, post.emotion) == ("x", "en", "negative", "anger")
    assert post.sentiment_score == pytest.approx(0.04 - 0.81)
    assert post.intent == ("complaint", "lost_item")
    assert post.topics == ("Lost Luggage", "Customer Service Issue")
    assert post.urgency == 0.42
    assert post.offensive is False
    assert post.reach == 310  # the author's followers
    assert post.location == "ORD"  # the airport the enricher found in the text, by code
    assert post.author_location == "Evanston"  # no place found in the profile: the raw text
    assert post.coordinates is None


def test_profile_place_and_offensive_label() -> None:
    assert routing_input(enriched_line(2)).author_location == "Denver, US"
    assert routing_input(enriched_line(5)).offensive is True


def test_reach_sums_the_counts_and_is_unknown_without_any() -> None:
    assert routing_input(enriched_line(4)).reach == 13
    assert routing_input(enriched_line(3)).reach is None


def test_explicit_coordinates_win_and_geojson_is_lon_lat() -> None:
    record = enriched_line(3) | {"coordinates": {"type": "Point", "coordinates": [-87.9, 41.98]}}
    post = routing_input(record)
    assert post.coordinates == GeoPoint(lat=41.98, lon=-87.9)
    assert post.location is None
    assert routing_input({"text": "hi", "latitude": 10, "longitude": 20}).coordinates == GeoPoint(lat=10, lon=20)


def test_a_text_city_the_router_cannot_place_uses_the_enricher_coordinates() -> None:
    place = {"name": "Nowhereville", "kind": "city", "country": "US", "latitude": 1.5, "longitude": 2.5}
    post = routing_input({"text": "hi", "locations": [{**place, "source": "text", "matched": "Nowhereville"}]})
    assert (post.location, post.coordinates) == (None, GeoPoint(lat=1.5, lon=2.5))


def test_states_and_countries_are_not_positions() -> None:
    place = {"name": "Texas", "kind": "state", "code": "TX", "country": "US", "latitude": 31.0, "longitude": -99.0}
    post = routing_input({"text": "hi", "locations": [{**place, "source": "text", "matched": "Texas"}]})
    assert (post.location, post.coordinates) == (None, None)


def test_missing_or_malformed_enrichment_reads_as_unknown() -> None:
    post = routing_input({"text": "hi", "sentiment": "oops", "urgency": {"score": 7}, "topics": None, "intent": 3})
    assert (post.sentiment, post.urgency, post.topics, post.intent) == ("oops", None, (), ())
    assert post.author_tier is AuthorTier.REGULAR


def test_author_tier_from_the_record_or_author() -> None:
    assert routing_input({"text": "hi", "author_tier": "VIP"}).author_tier is AuthorTier.VIP
    assert routing_input({"text": "hi", "author": {"tier": "influencer"}}).author_tier is AuthorTier.INFLUENCER
    assert routing_input({"text": "hi", "author_tier": "royalty"}).author_tier is AuthorTier.REGULAR


def test_created_at_forms() -> None:
    assert created_at({"created_at": "2025-03-04T15:00:00Z"}) == datetime(2025, 3, 4, 15, tzinfo=UTC)
    assert created_at({"created_at": "2025-03-04T15:00:00"}) == datetime(2025, 3, 4, 15, tzinfo=UTC)
    assert created_at({"created_at": "Tue Mar 04 15:00:00 +0000 2025"}) == datetime(2025, 3, 4, 15, tzinfo=UTC)
    assert created_at({"created_at": "yesterday"}) is None
    assert read_enriched(enriched_line(7)).created_at is None


def test_a_record_without_text_is_refused() -> None:
    with pytest.raises(ValueError, match="no text field"):
        routing_input({"topics": []})
