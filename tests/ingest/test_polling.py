"""The polling loop: cursor handling, crash safety, back-off on failing channels, and Ctrl-C.

The X recent-search poller runs against the local replay server serving its recorded pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import groundswell.channels.x as x_package
from groundswell.channels.x.poller import XSearchPoller
from groundswell.cli.common import Store
from groundswell.errors import ChannelUnavailable, InvalidInput
from groundswell.ingest.polling import PollReport, backoff_delay, poll_source
from groundswell.ingest.service import store_batch
from groundswell.models import ChannelCursor, Post
from tests.support.replay_server import ReplayServer, Request, Response

FIXTURES = Path(x_package.__file__).parent / "fixtures"
SEARCH = "/2/tweets/search/recent"
NEWEST = "1790721477965643785"  # meta.newest_id of the first recorded page
SOURCE_KEY = "x:search:pulsepad"
# Where the ingest stores a batch: patched to simulate a crash mid-poll.
STORE_BATCH = "groundswell.ingest.runner.store_batch"


def search(request: Request) -> Response:
    """Recent search as X serves it: two pages of new tweets, and nothing newer than a since_id."""
    first, second = (FIXTURES / "search_pages.jsonl").read_text().splitlines()
    if "since_id" in request.query:
        return Response(body=(FIXTURES / "search_empty.json").read_text())
    return Response(body=second if "next_token" in request.query else first)


def serve_sequence(replay: ReplayServer, *failures: Response | None) -> None:
    """Each poll's first request gets the next failure, or the normal answer where it is None."""
    answers = iter(failures)

    def answer(request: Request) -> Response:
        if "next_token" in request.query:  # the second page of a poll that already began
            return search(request)
        scripted_answer = next(answers, None)
        return scripted_answer or search(request)

    replay.route("GET", SEARCH, answer)


def poller(replay: ReplayServer) -> XSearchPoller:
    return XSearchPoller("pulsepad", "token", base_url=replay.url)


def post_count(store: Store) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(Post)) or 0


def saved_cursor(store: Store) -> str | None:
    with store.sessions() as session:
        return session.scalar(select(ChannelCursor.cursor).where(ChannelCursor.source_key == SOURCE_KEY))


def test_backoff_doubles_per_failure_and_is_capped() -> None:
    assert [backoff_delay(5, n) for n in range(4)] == [5, 10, 20, 40]
    assert backoff_delay(5, 10, cap=60) == 60
    assert backoff_delay(600, 3, cap=60) == 600  # the cap never shortens the interval itself
    assert backoff_delay(1, 10_000) == 15 * 60  # no overflow however long the outage


def test_poll_once_stores_posts_and_saves_the_cursor_then_resumes_from_it(store: Store, replay: ReplayServer) -> None:
    replay.route("GET", SEARCH, search)
    reports: list[PollReport] = []
    summary = poll_source(store.sessions, poller(replay), on_result=reports.append)
    assert (summary.polls, summary.failures, summary.interrupted) == (1, 0, False)
    assert [r.as_dict() for r in reports] == [
        {"source": SOURCE_KEY, "read": 3, "new": 3, "duplicates": 0, "quarantined": 0, "cursor": NEWEST}
    ]
    assert post_count(store) == 3
    assert saved_cursor(store) == NEWEST

    summary = poll_source(store.sessions, poller(replay), on_result=reports.append)
    assert replay.requests[-1].query["since_id"] == [NEWEST]
    assert reports[-1].counts.new == 0 and reports[-1].cursor == NEWEST
    assert post_count(store) == 3


def test_polling_once_raises_a_channel_failure(store: Store, replay: ReplayServer) -> None:
    replay.route("GET", SEARCH, Response(401, (FIXTURES / "error_401.json").read_text()))
    with pytest.raises(ChannelUnavailable, match=r"refused the credentials \(401\)"):
        poll_source(store.sessions, poller(replay))
    assert post_count(store) == 0
    assert saved_cursor(store) is None


def test_a_crash_while_storing_keeps_the_cursor_so_the_page_is_fetched_again(
    store: Store, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay.route("GET", SEARCH, search)
    stored_batches: list[int] = []

    def failing_store_batch(*args: object, **kwargs: object) -> object:
        stored_batches.append(1)
        raise RuntimeError("disk full")

    monkeypatch.setattr(STORE_BATCH, failing_store_batch)
    with pytest.raises(RuntimeError, match="disk full"):
        poll_source(store.sessions, poller(replay), interval=0.01, max_polls=3)
    assert stored_batches == [1]  # not a ChannelUnavailable: the loop does not carry on
    assert post_count(store) == 0
    assert saved_cursor(store) is None

    monkeypatch.setattr(STORE_BATCH, store_batch)
    summary = poll_source(store.sessions, poller(replay))
    # The same first page is asked for again (no since_id), and this time it is stored.
    assert [("since_id" in r.query) for r in replay.requests] == [False, False, False, False]
    assert summary.counts.new == 3
    assert saved_cursor(store) == NEWEST


def test_a_crash_in_a_later_poll_keeps_the_previous_cursor(
    store: Store, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay.route("GET", SEARCH, search)
    poll_source(store.sessions, poller(replay))

    def killed(*args: object, **kwargs: object) -> object:
        raise RuntimeError("killed")

    monkeypatch.setattr(STORE_BATCH, killed)
    with pytest.raises(RuntimeError, match="killed"):
        poll_source(store.sessions, poller(replay))
    assert saved_cursor(store) == NEWEST
    assert replay.requests[-1].query["since_id"] == [NEWEST]


def test_the_loop_backs_off_on_failures_and_resets_after_a_success(store: Store, replay: ReplayServer) -> None:
    rate_limited = Response(429, (FIXTURES / "error_429.json").read_text(), {"x-rate-limit-reset": "1715770000"})
    outage = Response(503, {"title": "Service Unavailable"})
    serve_sequence(replay, Response(401, (FIXTURES / "error_401.json").read_text()), rate_limited, None, None, outage)
    slept: list[float] = []
    failures: list[tuple[str, float | None]] = []
    reports: list[PollReport] = []
    summary = poll_source(
        store.sessions,
        poller(replay),
        interval=1.0,
        max_polls=5,
        sleep=slept.append,
        on_result=reports.append,
        on_failure=lambda error, retry_in: failures.append((error.message, retry_in)),
    )
    assert slept == [2.0, 4.0, 1.0, 1.0]
    assert [retry for _, retry in failures] == [2.0, 4.0, None]  # nothing follows the fifth poll
    assert "refused the credentials (401)" in failures[0][0]
    assert "rate limited" in failures[1][0] and "retry after 1715770000" in failures[1][0]
    assert "answered 503" in failures[2][0]
    assert (summary.polls, summary.failures, summary.counts.new) == (5, 3, 3)
    assert summary.last_error == failures[2][0]
    assert [r.counts.new for r in reports] == [3, 0]
    assert saved_cursor(store) == NEWEST


def test_backoff_is_capped_in_the_loop(store: Store, replay: ReplayServer) -> None:
    outage = Response(503, {"title": "Service Unavailable"})
    serve_sequence(replay, outage, outage, outage, outage)
    slept: list[float] = []
    summary = poll_source(
        store.sessions, poller(replay), interval=1.0, max_polls=4, sleep=slept.append, max_backoff=3.0
    )
    assert slept == [2.0, 3.0, 3.0]
    assert (summary.polls, summary.failures) == (4, 4)


def test_ctrl_c_between_polls_ends_the_loop_cleanly(store: Store, replay: ReplayServer) -> None:
    replay.route("GET", SEARCH, search)

    def interrupted_sleep(seconds: float) -> None:
        raise KeyboardInterrupt

    summary = poll_source(store.sessions, poller(replay), interval=30, sleep=interrupted_sleep)
    assert (summary.polls, summary.interrupted, summary.counts.new) == (1, True, 3)
    assert saved_cursor(store) == NEWEST


def test_ctrl_c_while_storing_rolls_the_poll_back(
    store: Store, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay.route("GET", SEARCH, search)

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(STORE_BATCH, interrupted)
    summary = poll_source(store.sessions, poller(replay), interval=30)
    assert summary.interrupted and summary.counts.new == 0
    assert post_count(store) == 0 and saved_cursor(store) is None


@pytest.mark.parametrize(("arguments", "message"), [({"interval": -1}, "negative"), ({"max_polls": 0}, "at least 1")])
def test_loop_arguments_are_checked(store: Store, arguments: dict[str, float], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        poll_source(store.sessions, XSearchPoller("pulsepad", "token"), **arguments)  # type: ignore[arg-type]
