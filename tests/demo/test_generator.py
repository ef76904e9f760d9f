"""The demo story: deterministic, readable by the generic connector, and with the patterns it promises."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from groundswell.channels.generic.fields import post_from_record
from groundswell.demo import DEFAULT_END, SCENARIOS, generate_demo_records
from groundswell.demo.cast import STORES

Record = dict[str, Any]


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(generate_demo_records())


def _time(record: Record) -> datetime:
    return datetime.fromisoformat(record["created_at"])


def _by_scenario(records: list[Record], scenario: str) -> list[Record]:
    return [r for r in records if r["scenario"] == scenario]


def test_same_seed_gives_the_same_records(records: list[Record]) -> None:
    assert list(generate_demo_records(seed=7)) == records


def test_another_seed_gives_other_records(records: list[Record]) -> None:
    other = list(generate_demo_records(seed=8))
    assert [r["text"] for r in other] != [r["text"] for r in records]
    assert {r["id"] for r in other}.isdisjoint({r["id"] for r in records})


def test_only_times_depend_on_the_end_so_a_rerun_yields_the_same_posts(records: list[Record]) -> None:
    shift = timedelta(days=3, hours=5, minutes=7)
    later = {(r["channel"], r["id"]): r for r in generate_demo_records(end=DEFAULT_END + shift)}
    assert len(later) == len(records)
    for record in records:
        again = later[(record["channel"], record["id"])]
        assert {**again, "created_at": None} == {**record, "created_at": None}
        assert DEFAULT_END + shift - timedelta(days=42) <= _time(again) <= DEFAULT_END + shift


@pytest.mark.parametrize("volume", [200, 3000, 6000])
def test_volume_is_within_ten_percent(volume: int) -> None:
    count = sum(1 for _ in generate_demo_records(volume=volume))
    assert 0.9 * volume <= count <= 1.1 * volume


def test_every_record_parses_as_a_generic_record(records: list[Record]) -> None:
    for record in records:
        post = post_from_record(record)
        assert post.created_at.tzinfo is not None and post.created_at.utcoffset() == timedelta(0)
        assert post.author is not None and post.author.handle
        assert post.attributes["scenario"] in SCENARIOS
        assert post.reply_to_external_id == record.get("reply_to")
    assert {r["channel"] for r in records} == {"x", "mastodon", "bluesky", "reddit", "reviews", "email", "rss"}


def test_one_record_field_by_field(records: list[Record]) -> None:
    review = next(r for r in records if r["channel"] == "reviews" and r.get("product") == "PulsePad")
    post = post_from_record(review)
    assert post.channel == "reviews" and post.external_id == review["id"] and post.external_id.startswith("R")
    assert post.title and post.product == "PulsePad" and post.rating in (1.0, 2.0, 3.0, 4.0, 5.0)
    assert (
        post.brand == "Voltline"
        and post.url == f"https://www.voltline.example/products/pulsepad/reviews#{post.external_id}"
    )
    assert post.author is not None and post.author.display_name == review["author"]["name"]
    assert post.attributes["verified_purchase"] in (True, False) and post.attributes["tone"] in (
        "positive",
        "neutral",
        "negative",
    )


def test_channel_specific_fields(records: list[Record]) -> None:
    emails = [r for r in records if r["channel"] == "email"]
    assert all(post_from_record(r).visibility == "private" and r["title"] for r in emails)
    assert any(r["title"].startswith("Re: ") for r in emails)
    assert all(
        r["title"] and r["url"].startswith("https://blog.voltline.example/") for r in records if r["channel"] == "rss"
    )
    reviews = [r for r in records if r["channel"] == "reviews"]
    assert all(1 <= r["rating"] <= 5 and r["title"] for r in reviews)
    submissions = [r for r in records if r["channel"] == "reddit" and "reply_to" not in r]
    assert all(r["id"].startswith("t3_") and r["title"] and r["subreddit"] for r in submissions)
    geotagged = [post_from_record(r) for r in records if "coordinates" in r]
    assert len(geotagged) > 20 and all(p.latitude is not None and p.longitude is not None for p in geotagged)


def test_ids_are_unique_per_channel(records: list[Record]) -> None:
    keys = [(r["channel"], r["id"]) for r in records]
    assert len(set(keys)) == len(keys)


def test_times_lie_within_the_window(records: list[Record]) -> None:
    assert all(DEFAULT_END - timedelta(days=42) <= _time(r) <= DEFAULT_END for r in records)
    end = datetime(2026, 1, 9, 8, 30, 15, 123456, tzinfo=UTC)
    short = list(generate_demo_records(end=end, days=3, volume=400, seed=3))
    assert all(end - timedelta(days=3) <= _time(r) <= end for r in short)


def test_every_scenario_is_present_in_plausible_numbers(records: list[Record]) -> None:
    counts = Counter(r["scenario"] for r in records)
    assert set(counts) == set(SCENARIOS)
    assert counts["question"] >= 400 and counts["complaint"] >= 400 and counts["praise"] >= 200
    assert counts["chatter"] >= 150 and counts["idea"] >= 100 and counts["competitor"] >= 60
    assert 60 <= counts["lost_item"] <= 400
    assert 36 <= counts["unexpected_use"] <= 150
    assert 150 <= counts["crisis"] <= 300


def test_ideas_recur_in_different_words(records: list[Record]) -> None:
    ideas = _by_scenario(records, "idea")
    per_topic = Counter(r["topic"] for r in ideas)
    assert per_topic["pulsepad_battery_indicator"] >= 15 and per_topic["pulsepad_bluetooth_midi"] >= 15
    assert all(count >= 5 for count in per_topic.values())
    battery = {r["text"] for r in ideas if r["topic"] == "pulsepad_battery_indicator" and "reply_to" not in r}
    assert len(battery) >= 10  # the same idea, phrased differently


def test_crisis_is_a_burst_within_six_hours_two_to_three_days_before_the_end(records: list[Record]) -> None:
    crisis = sorted(_by_scenario(records, "crisis"), key=_time)
    times = [_time(r) for r in crisis]
    best = max(range(len(times)), key=lambda i: sum(1 for t in times if times[i] <= t < times[i] + timedelta(hours=6)))
    burst = [r for r, t in zip(crisis, times, strict=True) if times[best] <= t < times[best] + timedelta(hours=6)]
    assert 150 <= len(burst) <= 250
    assert len(burst) >= 0.8 * len(crisis)
    assert DEFAULT_END - timedelta(days=3, hours=1) <= times[best] <= DEFAULT_END - timedelta(days=2)
    assert sum(r["tone"] == "negative" for r in burst) > 0.6 * len(burst)
    assert len({r["author"]["handle"] for r in burst if r["author"]["followers"] >= 50_000}) >= 3
    assert any(r.get("from_brand") for r in burst)  # the brand's statement


def test_time_lapse_cluster_grows_over_the_last_two_weeks_and_is_mostly_positive(records: list[Record]) -> None:
    uses = _by_scenario(records, "unexpected_use")

    def in_week(weeks_ago: int) -> int:
        upper = DEFAULT_END - timedelta(weeks=weeks_ago)
        return sum(1 for r in uses if upper - timedelta(weeks=1) <= _time(r) < upper)

    earlier = sum(in_week(weeks_ago) for weeks_ago in range(2, 6)) / 4
    assert in_week(0) > in_week(1) > earlier
    assert in_week(0) + in_week(1) >= 0.6 * len(uses)
    assert sum(r["tone"] == "positive" for r in uses) > 0.5 * len(uses)
    assert all("pulsepad" in r["text"].lower() for r in uses if "reply_to" not in r)


def test_lost_item_posts_name_a_store_location(records: list[Record]) -> None:
    names = [name.lower() for store in STORES for name in (store.short, store.city.name)]
    lost = [r for r in _by_scenario(records, "lost_item") if "reply_to" not in r]
    assert len(lost) >= 50
    for record in lost:
        place = " ".join((record["text"], record["author"]["location"] or "", record.get("location", ""))).lower()
        assert any(name in place for name in names), record["text"]


def test_replies_reference_existing_posts_of_their_thread(records: list[Record]) -> None:
    by_key = {(r["channel"], r["id"]): r for r in records}
    position = {(r["channel"], r["id"]): i for i, r in enumerate(records)}
    replies = [r for r in records if "reply_to" in r]
    assert len(replies) >= 0.2 * len(records)
    early = 0
    for reply in replies:
        parent = by_key[(reply["channel"], reply["reply_to"])]
        assert (reply["channel"], reply["conversation_id"]) in by_key
        assert parent.get("conversation_id", parent["id"]) == reply["conversation_id"]
        assert _time(parent) < _time(reply)
        early += position[(reply["channel"], reply["id"])] < position[(parent["channel"], parent["id"])]
    assert early >= 3  # a few replies arrive before the post they answer
    to_brand = [
        r for r in replies if by_key[(r["channel"], r["reply_to"])].get("from_brand") and not r.get("from_brand")
    ]
    assert len(to_brand) >= 30


def test_texts_are_varied(records: list[Record]) -> None:
    texts = Counter(r["text"] for r in records)
    duplicates = sum(count - 1 for count in texts.values())
    assert duplicates < 0.05 * len(records)
    openings = Counter(" ".join(r["text"].split()[:4]).lower() for r in records)
    assert openings.most_common(1)[0][1] < 0.02 * len(records)


def test_daily_rhythm_peaks_in_the_evening(records: list[Record]) -> None:
    local_hours = Counter(_time(r).hour for r in _by_scenario(records, "question") + _by_scenario(records, "praise"))
    evening = sum(local_hours[h] for h in (19, 20, 21))
    night = sum(local_hours[h] for h in (2, 3, 4))
    assert evening > 4 * night


def test_repeat_customers_influencers_and_competitors(records: list[Record]) -> None:
    posts_per_author = Counter(r["author"]["name"] for r in records if not r.get("from_brand"))
    assert 150 <= len(posts_per_author) <= 400
    assert sum(1 for count in posts_per_author.values() if count >= 10) >= 20
    famous = {r["author"]["name"] for r in records if r["author"]["followers"] >= 50_000 and not r.get("from_brand")}
    assert len(famous) >= 3
    assert any(r["author"]["verified"] for r in records if not r.get("from_brand"))
    brands = Counter(r["brand"] for r in records)
    assert brands["Voltline"] > 0.8 * len(records) and brands["Kestrel"] >= 20 and brands["Circuit Harbor"] >= 20


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_demo_records(end=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="at least 1"):
        generate_demo_records(days=0)
