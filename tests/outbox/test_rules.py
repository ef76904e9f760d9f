from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.errors import InvalidInput
from groundswell.outbox.rules import RetryPolicy, check_target, normalise_visibility
from groundswell.outbox.senders import PermanentSendError, RetryableSendError, error_for_status, same_text

policies = st.builds(
    lambda attempts, base, extra: RetryPolicy(
        max_attempts=attempts, base_delay=timedelta(seconds=base), max_delay=timedelta(seconds=base + extra)
    ),
    st.integers(1, 20),
    st.integers(1, 3600),
    st.integers(0, 86_400),
)


@given(policies, st.integers(1, 10_000))
def test_backoff_grows_and_stays_within_its_bounds(policy: RetryPolicy, attempts: int) -> None:
    delay = policy.delay(attempts)
    assert policy.base_delay <= delay <= policy.max_delay
    assert policy.delay(attempts + 1) >= delay
    if delay < policy.max_delay:
        assert policy.delay(attempts + 1) == min(2 * delay, policy.max_delay)


@given(policies, st.integers(1, 50), st.integers(0, 200_000))
def test_next_attempt_waits_at_least_the_backoff_and_at_most_the_cap(
    policy: RetryPolicy, attempts: int, retry_after: int
) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    at = policy.next_attempt_at(attempts, now, timedelta(seconds=retry_after))
    assert now + policy.delay(attempts) <= at <= now + max(policy.max_delay, policy.delay(attempts))


def test_default_policy() -> None:
    policy = RetryPolicy()
    assert [policy.delay(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert not policy.gives_up(7) and policy.gives_up(8)
    with pytest.raises(InvalidInput):
        RetryPolicy(max_attempts=0)


def test_visibility_and_targets() -> None:
    assert normalise_visibility(" Direct ") == "private"
    assert normalise_visibility("public") == "public"
    with pytest.raises(InvalidInput, match="unknown visibility"):
        normalise_visibility("unlisted")
    check_target("mastodon", "private", "109", "ana@mastodon.social")
    with pytest.raises(InvalidInput, match="private reply on mastodon"):
        check_target("mastodon", "private", "109", None)  # a direct status that mentions nobody reaches nobody
    check_target("x", "public", None, None)  # a post of its own
    with pytest.raises(InvalidInput, match="not enabled"):
        check_target("bluesky", "private", "at://did:plc:a/app.bsky.feed.post/3l", "ana.bsky.social")
    with pytest.raises(InvalidInput, match="private reply on x"):
        check_target("x", "private", "1", None)


@pytest.mark.parametrize(("status", "retryable"), [(None, True), (429, True), (503, True), (408, True),
                                                   (400, False), (401, False), (403, False), (404, False)])  # fmt: skip
def test_http_statuses_are_classified(status: int | None, retryable: bool) -> None:
    error = error_for_status(status, "boom", retry_after="120")
    assert isinstance(error, RetryableSendError if retryable else PermanentSendError)
    if retryable:
        assert error.retry_after == timedelta(seconds=120)


def test_text_comparison_survives_what_channels_do_to_a_reply() -> None:
    ours = "Sorry & thanks: see https://example.com/a-very-long-link?x=1  for the form"
    assert same_text(ours, "@united @ana_b Sorry &amp; thanks: see https://t.co/abc123 for the form")
    assert not same_text(ours, "Sorry & thanks: see https://t.co/abc123 for the forms")
