"""The pure streaming detector: what it raises, what it does not, and that its answers do not depend on how the
stream is cut into batches, on order within the grace window, or on saving and restoring its state."""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groundswell.alerts.detection import AlertCandidate, Detector, DetectorConfig, PostSignal
from groundswell.alerts.detection_stats import SEVERITIES, poisson_tail, severity
from groundswell.alerts.phrases import log_odds_z, phrases

T0 = datetime(2026, 3, 2, tzinfo=UTC)
CHATTER = [
    "where is my bag", "flight delayed again", "thanks for the upgrade", "seat was fine",
    "crew was lovely", "wifi not working", "gate changed twice", "great snacks today",
]  # fmt: skip
SCANDAL = [f"the leaked memo about refunds is shocking number {i}" for i in range(40)]


def post(i: int, at: datetime, text: str, *, author: str | None = None, negative: bool = False,
         brand: str = "Acme") -> PostSignal:  # fmt: skip
    return PostSignal(
        post_id=i, created_at=at, scopes={"brand": (brand,)}, author=author or f"user{i % 300}",
        followers=100, negative=negative, anger=negative, text=text,
    )  # fmt: skip


def steady(days: float, per_hour: int, start: int = 0) -> list[PostSignal]:
    step = timedelta(hours=1) / per_hour
    count = int(days * 24 * per_hour)
    return [post(start + i, T0 + step * i, CHATTER[i % len(CHATTER)], negative=i % 3 == 0) for i in range(count)]


def with_spike(at_hours: float = 72.5, size: int = 30) -> list[PostSignal]:
    background = steady(4, 4)
    first = T0 + timedelta(hours=at_hours)
    spike = [
        post(100_000 + i, first + timedelta(minutes=i), SCANDAL[i], author=f"angry{i}", negative=True)
        for i in range(size)
    ]
    return sorted(background + spike, key=lambda p: (p.created_at, str(p.post_id)))


def run(posts: list[PostSignal], detector: Detector | None = None) -> list[AlertCandidate]:
    detector = detector or Detector()
    return detector.update(posts) + detector.flush()


def key(alerts: list[AlertCandidate]) -> list[tuple[object, ...]]:
    return [(a.fingerprint, a.severity, a.detected_at, tuple(a.post_ids), a.summary) for a in alerts]


STREAM = with_spike()
EXPECTED = run(STREAM)


def test_a_spike_is_detected_from_its_first_bucket_within_minutes() -> None:
    spikes = [a for a in EXPECTED if a.kind == "volume_spike"]
    assert spikes, EXPECTED
    first = T0 + timedelta(hours=72.5)
    assert spikes[0].start <= first and spikes[0].detected_at <= first + timedelta(minutes=15)
    assert spikes[0].scope == "Acme" and spikes[0].scope_kind == "brand"
    assert 100_000 in spikes[0].post_ids
    assert "posts in" in spikes[0].summary and spikes[0].fingerprint.startswith("volume_spike|brand|Acme|")
    themes = [a for a in EXPECTED if a.kind == "new_theme"]
    assert themes and any("memo" in p for p in themes[0].key_phrases)
    assert {a.kind for a in EXPECTED} >= {"volume_spike", "negative_shift", "new_theme"}


def test_repeats_of_one_anomaly_share_a_fingerprint_and_escalate_only() -> None:
    by_fingerprint: dict[str, list[AlertCandidate]] = {}
    for alert in EXPECTED:
        by_fingerprint.setdefault(alert.fingerprint, []).append(alert)
    for repeats in by_fingerprint.values():
        levels = [SEVERITIES.index(a.severity) for a in repeats]
        assert levels == sorted(set(levels))


def test_a_quiet_scope_does_not_alarm_on_three_posts() -> None:
    background = steady(3, 1)
    burst = [post(50_000 + i, T0 + timedelta(hours=62, minutes=i), "hello there", author=f"x{i}") for i in range(3)]
    alerts = run(sorted(background + burst, key=lambda p: p.created_at))
    assert not [a for a in alerts if a.kind == "volume_spike"]


def test_nothing_is_raised_before_the_warm_up() -> None:
    early = with_spike(at_hours=20)
    assert not [a for a in run(early) if a.detected_at < T0 + timedelta(hours=48)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=40), st.integers(min_value=2, max_value=5))
def test_a_constant_rate_stream_raises_nothing(per_hour: int, days: int) -> None:
    assert run(steady(days, per_hour)) == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=1, max_value=len(STREAM) - 1), max_size=6, unique=True))
def test_splitting_the_stream_into_batches_changes_nothing(cuts: list[int]) -> None:
    detector, found, bounds = Detector(), [], [0, *sorted(cuts), len(STREAM)]
    for low, high in itertools.pairwise(bounds):
        found += detector.update(STREAM[low:high])
    found += detector.flush()
    assert key(found) == key(EXPECTED)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=len(STREAM) - 1))
def test_order_within_the_grace_window_and_a_state_round_trip_change_nothing(seed: int, cut: int) -> None:
    grace = DetectorConfig().grace_seconds
    rng = random.Random(seed)
    # Each post is delayed by up to half the grace period, which keeps every post within the grace window.
    arrivals = sorted(STREAM, key=lambda p: p.created_at + timedelta(seconds=rng.uniform(0, grace / 2)))
    first = Detector()
    found = first.update(arrivals[:cut])
    restored = Detector.from_state(json.loads(json.dumps(first.state_dict())))
    found += restored.update(arrivals[cut:]) + restored.flush()
    assert key(found) == key(EXPECTED)


@given(
    st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**7),
)  # fmt: skip
def test_severity_is_monotonic_in_deviation_and_reach(a: float, b: float, reach_a: int, reach_b: int) -> None:
    low, high = sorted((a, b))
    assert SEVERITIES.index(severity(low, 5.0, reach_a)) <= SEVERITIES.index(severity(high, 5.0, reach_a))
    small, large = sorted((reach_a, reach_b))
    assert SEVERITIES.index(severity(a, 5.0, small)) <= SEVERITIES.index(severity(a, 5.0, large))


def test_severity_levels() -> None:
    assert severity(5.5, 5.0, 0) == "low"
    assert severity(10, 5.0, 0) == "medium"
    assert severity(15, 5.0, 0) == "high"
    assert severity(25, 5.0, 0) == "critical"
    assert severity(5.5, 5.0, 150_000) == "medium"


def test_state_is_bounded_in_days_of_history() -> None:
    detector = Detector(DetectorConfig(history_days=2))
    run(steady(6, 2), detector)
    scope = detector.scopes["brand\x1fAcme"]
    assert max(scope.counts) - min(scope.counts) < 3 * 144  # pruned once a day: at most one day over
    assert len(scope.recent) <= 2 * 6


def test_phrases_skip_mentions_urls_and_stop_words() -> None:
    found = phrases("@united The leaked MEMO is here http://t.co/x #unitedmemo")
    assert found == {"leaked", "memo", "leaked memo", "#unitedmemo"}  # a stop word breaks a bigram


def test_log_odds_ranks_a_new_phrase_above_a_common_one() -> None:
    assert log_odds_z(20, 40, 2, 2_000) > 4 > log_odds_z(20, 40, 1_000, 2_000)


def test_poisson_tail() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert abs(poisson_tail(1, 2.0) - (1 - 2.718281828**-2)) < 1e-9
