"""`groundswell poll <channel>` run in-process against the replay server serving each channel's recorded
responses: posts land in the database, the cursor is saved and sent back on the next poll, credentials
come from options or settings, and failures give clear messages."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import groundswell.channels as channels_package
from groundswell.cli.common import Store
from groundswell.cli.main import run
from groundswell.config import get_settings
from groundswell.models import ChannelCursor, Post
from tests.support.cli import invoke
from tests.support.replay_server import ReplayServer, Request, Response

CHANNELS = Path(channels_package.__file__).parent
X_SEARCH = "/2/tweets/search/recent"


def fixture(channel: str, name: str) -> str:
    return (CHANNELS / channel / "fixtures" / name).read_text()


# --- each channel's API, as the real service answers a first poll and a poll from a cursor ---


def serve_x(replay: ReplayServer) -> None:
    first, second = fixture("x", "search_pages.jsonl").splitlines()

    def search(request: Request) -> Response:
        if "since_id" in request.query:
            return Response(body=fixture("x", "search_empty.json"))
        return Response(body=second if "next_token" in request.query else first)

    replay.route("GET", X_SEARCH, search)


def serve_mastodon(replay: ReplayServer) -> None:
    statuses = json.loads(fixture("mastodon", "hashtag_timeline.json"))

    def timeline(request: Request) -> Response:
        since = int(request.query.get("since_id", ["0"])[0])  # exclusive, newest first
        return Response(body=sorted((s for s in statuses if int(s["id"]) > since), key=lambda s: -int(s["id"])))

    replay.route("GET", "/api/v1/timelines/tag/pulsepad", timeline)


def serve_bluesky(replay: ReplayServer) -> None:
    replay.route(
        "POST", "/xrpc/com.atproto.server.createSession", Response(body=fixture("bluesky", "create_session.json"))
    )
    posts = json.loads(fixture("bluesky", "search_posts.json"))["posts"]

    def search(request: Request) -> Response:
        since = request.query.get("since", [""])[0]  # inclusive
        return Response(body={"posts": [p for p in posts if p["indexedAt"] >= since]})

    replay.route("GET", "/xrpc/app.bsky.feed.searchPosts", search)


def serve_reddit(replay: ReplayServer) -> None:
    replay.route("POST", "/api/v1/access_token", Response(body=fixture("reddit", "access_token.json")))
    empty = {"kind": "Listing", "data": {"after": None, "before": None, "dist": 0, "children": []}}
    for path, name in (("new", "new_listing.json"), ("comments", "comments_listing.json")):
        listing = json.loads(fixture("reddit", name))

        def answer(request: Request, listing: Any = listing) -> Response:
            return Response(body=empty if "before" in request.query else listing)

        replay.route("GET", f"/r/voltline/{path}", answer)


RSS_ETAG = '"5f1c-62a9"'


def serve_rss(replay: ReplayServer) -> None:
    feed = fixture("rss", "blog_posts.rss")

    def answer(request: Request) -> Response:
        if request.headers.get("if-none-match") == RSS_ETAG:
            return Response(304, b"")
        return Response(body=feed, headers={"ETag": RSS_ETAG}, content_type="application/rss+xml")

    replay.route("GET", "/feed/", answer)


def x_cursor_sent(replay: ReplayServer, cursor: str) -> None:
    assert replay.requests_to(X_SEARCH)[-1].query["since_id"] == [cursor]


def mastodon_cursor_sent(replay: ReplayServer, cursor: str) -> None:
    assert replay.requests_to("/api/v1/timelines/tag/pulsepad")[-1].query["since_id"] == [cursor]


def bluesky_cursor_sent(replay: ReplayServer, cursor: str) -> None:
    assert replay.requests_to("/xrpc/app.bsky.feed.searchPosts")[-1].query["since"] == [cursor]


def reddit_cursor_sent(replay: ReplayServer, cursor: str) -> None:
    newest = json.loads(cursor)
    assert replay.requests_to("/r/voltline/new")[-1].query["before"] == [newest["t3"]]
    assert replay.requests_to("/r/voltline/comments")[-1].query["before"] == [newest["t1"]]


def rss_cursor_sent(replay: ReplayServer, cursor: str) -> None:
    assert json.loads(cursor) == {"etag": RSS_ETAG}
    assert replay.requests_to("/feed/")[-1].headers["if-none-match"] == RSS_ETAG


@dataclass(frozen=True)
class Channel:
    name: str
    serve: Callable[[ReplayServer], None]
    arguments: tuple[str, ...]  # the command line; {url} is the replay server's URL
    source_key: str
    # What the recorded first poll holds: read, new, duplicates, quarantined (the fixtures' bad records).
    counts: tuple[int, int, int, int]
    cursor_sent: Callable[[ReplayServer, str], None]

    def command(self, url: str) -> list[str]:
        return [argument.format(url=url) for argument in self.arguments]


CHANNEL_CASES = [
    Channel(
        name="x",
        serve=serve_x,
        arguments=("x", "--query", "pulsepad", "--bearer-token", "t0ken", "--base-url", "{url}"),
        source_key="x:search:pulsepad",
        counts=(3, 3, 0, 0),
        cursor_sent=x_cursor_sent,
    ),
    Channel(
        name="mastodon",
        serve=serve_mastodon,
        arguments=("mastodon", "--base-url", "{url}", "--access-token", "t0ken", "--hashtag", "PulsePad"),
        source_key="mastodon:{url}#tag/pulsepad",
        counts=(5, 4, 1, 0),  # a boost of a status that is also on the timeline gives that status again
        cursor_sent=mastodon_cursor_sent,
    ),
    Channel(
        name="bluesky",
        serve=serve_bluesky,
        arguments=(
            "bluesky",
            "--handle",
            "voltline.com",
            "--app-password",
            "a-b",
            "--query",
            "pulsepad",
            "--base-url",
            "{url}",
        ),
        source_key="bluesky:{url}#search/pulsepad",
        counts=(5, 5, 0, 0),
        cursor_sent=bluesky_cursor_sent,
    ),
    Channel(
        name="reddit",
        serve=serve_reddit,
        arguments=(
            "reddit",
            "--subreddit",
            "voltline",
            "--client-id",
            "id",
            "--client-secret",
            "s3cret",
            "--base-url",
            "{url}",
        ),
        source_key="reddit:r/voltline",
        counts=(10, 6, 0, 4),  # deleted, removed, and one without a time
        cursor_sent=reddit_cursor_sent,
    ),
    Channel(
        name="rss",
        serve=serve_rss,
        arguments=("rss", "{url}/feed/"),
        source_key="rss:{url}/feed/",
        counts=(4, 3, 0, 1),  # an entry without a date
        cursor_sent=rss_cursor_sent,
    ),
]


def stored(store: Store, channel: str) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(Post).where(Post.channel == channel)) or 0


def cursors(store: Store) -> dict[str, str | None]:
    with store.sessions() as session:
        rows = session.execute(select(ChannelCursor.source_key, ChannelCursor.cursor))
        return {key: cursor for key, cursor in rows}


def poll(database_url: str, *arguments: str) -> Any:
    return invoke("poll", *arguments, "--db", database_url)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *arguments: str) -> tuple[int, str]:
    """The installed entry point, which turns user errors into exit code 2: its code and stderr (one line)."""
    monkeypatch.setattr(sys, "argv", ["groundswell", *arguments])
    with pytest.raises(SystemExit) as exited:
        run()
    code = exited.value.code
    return code if isinstance(code, int) else 1, " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize("channel", CHANNEL_CASES, ids=lambda c: c.name)
def test_poll_stores_posts_saves_the_cursor_and_resumes_from_it(
    store: Store, database_url: str, replay: ReplayServer, channel: Channel
) -> None:
    channel.serve(replay)
    first = poll(database_url, *channel.command(replay.url), "--json")
    assert first.exit_code == 0, first.output
    [report] = json_lines(first.stdout)
    key = channel.source_key.format(url=replay.url)
    assert report["source"] == key
    assert (report["read"], report["new"], report["duplicates"], report["quarantined"]) == channel.counts
    assert stored(store, channel.name) == channel.counts[1]
    assert report["cursor"] and cursors(store) == {key: report["cursor"]}

    second = poll(database_url, *channel.command(replay.url))  # human output this time
    assert second.exit_code == 0, second.output
    channel.cursor_sent(replay, report["cursor"])
    assert f"{key}: " in second.stdout and " 0 new" in second.stdout
    assert stored(store, channel.name) == channel.counts[1]
    assert cursors(store) == {key: report["cursor"]}


def test_credentials_come_from_settings_when_no_option_is_given(
    store: Store, database_url: str, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_x(replay)
    monkeypatch.setenv("GROUNDSWELL_X_BEARER_TOKEN", "from-settings")
    monkeypatch.setenv("GROUNDSWELL_X_BASE_URL", replay.url)
    get_settings.cache_clear()
    assert poll(database_url, "x", "--query", "pulsepad").exit_code == 0
    assert replay.requests[-1].headers["authorization"] == "Bearer from-settings"
    # An option wins over the setting.
    assert poll(database_url, "x", "--query", "pulsepad", "--bearer-token", "from-option").exit_code == 0
    assert replay.requests[-1].headers["authorization"] == "Bearer from-option"


@pytest.mark.parametrize(
    ("arguments", "option", "variable"),
    [
        (["x", "--query", "pulsepad"], "--bearer-token", "GROUNDSWELL_X_BEARER_TOKEN"),
        (["mastodon", "--hashtag", "pulsepad"], "--base-url", "GROUNDSWELL_MASTODON_BASE_URL"),
        (
            ["mastodon", "--base-url", "https://m.test", "--mentions"],
            "--access-token",
            "GROUNDSWELL_MASTODON_ACCESS_TOKEN",
        ),
        (["bluesky", "--query", "pulsepad"], "--handle", "GROUNDSWELL_BLUESKY_HANDLE"),
        (["bluesky", "--handle", "v.com", "--actor", "v.com"], "--app-password", "GROUNDSWELL_BLUESKY_APP_PASSWORD"),
        (["reddit", "--subreddit", "voltline"], "--client-id", "GROUNDSWELL_REDDIT_CLIENT_ID"),
        (
            ["reddit", "--subreddit", "voltline", "--client-id", "i"],
            "--client-secret",
            "GROUNDSWELL_REDDIT_CLIENT_SECRET",
        ),
    ],
)
def test_missing_credentials_name_the_option_and_the_variable(
    database_url: str, arguments: list[str], option: str, variable: str
) -> None:
    result = poll(database_url, *arguments)
    assert result.exit_code == 2
    message = " ".join(result.stderr.replace("│", " ").split())
    assert f"Invalid value for {option}: none given: pass {option}, or set {variable}" in message


@pytest.mark.parametrize(
    ("arguments", "options"),
    [
        (
            ["mastodon", "--base-url", "https://m.test", "--hashtag", "a", "--query", "b"],
            "--hashtag / --query / --mentions",
        ),
        (["mastodon", "--base-url", "https://m.test"], "--hashtag / --query / --mentions"),
        (["bluesky", "--handle", "v.com", "--app-password", "p"], "--query / --actor"),
        (["rss", "ftp://feeds.test/rss"], "must start with http:// or https://"),
        (["rss", "https://feeds.test/rss", "--max-polls", "3"], "--max-polls: polling more than once needs --interval"),
    ],
)
def test_bad_arguments_are_usage_errors(database_url: str, arguments: list[str], options: str) -> None:
    result = poll(database_url, *arguments)
    assert result.exit_code == 2
    assert options in " ".join(result.stderr.replace("│", " ").split())


def test_refused_credentials_when_polling_once_exit_2_with_the_reason(
    store: Store,
    database_url: str,
    replay: ReplayServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replay.route("GET", X_SEARCH, Response(401, fixture("x", "error_401.json")))
    arguments = ["x", "--query", "pulsepad", "--bearer-token", "expired", "--base-url", replay.url]
    code, stderr = run_cli(capsys, monkeypatch, "poll", *arguments, "--db", database_url)
    assert code == 2
    assert "error: 127.0.0.1 refused the credentials (401): check the token or password" in stderr
    assert stored(store, "x") == 0 and cursors(store) == {}


def test_with_an_interval_the_loop_survives_a_failing_poll(
    store: Store, database_url: str, replay: ReplayServer
) -> None:
    serve_x(replay)
    healthy = replay.routes[("GET", X_SEARCH)]
    answers = iter([Response(503, {"title": "Service Unavailable", "detail": "over capacity"})])

    def flaky(request: Request) -> Response:
        failure = next(answers, None)
        return failure or (healthy(request) if callable(healthy) else healthy)

    replay.route("GET", X_SEARCH, flaky)
    arguments = ["x", "--query", "pulsepad", "--bearer-token", "t", "--base-url", replay.url]
    result = poll(database_url, *arguments, "--interval", "0.01", "--max-polls", "3", "--json")
    assert result.exit_code == 0, result.output
    assert "poll failed:" in result.stderr and "answered 503: Service Unavailable; over capacity" in result.stderr
    assert "retrying in 0.02s" in result.stderr
    assert [line["new"] for line in json_lines(result.stdout)] == [3, 0]  # one line per successful poll
    assert len(replay.requests) == 4  # the failure, the two pages, then since_id
    assert stored(store, "x") == 3


def test_with_an_interval_every_poll_failing_ends_with_exit_2(
    store: Store,
    database_url: str,
    replay: ReplayServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replay.route("GET", "/feed/", Response(500, "oops", content_type="text/plain"))
    arguments = ["rss", f"{replay.url}/feed/", "--interval", "0.01", "--max-polls", "2"]
    code, stderr = run_cli(capsys, monkeypatch, "poll", *arguments, "--db", database_url)
    assert code == 2
    assert stderr.count("poll failed:") == 2
    assert f"error: all 2 poll(s) of rss:{replay.url}/feed/ failed: {replay.url}/feed/ answered 500: oops" in stderr


@pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) is not signal.default_int_handler, reason="SIGINT is not Python's default here"
)
def test_ctrl_c_during_a_poll_stops_cleanly_and_keeps_what_earlier_polls_stored(
    store: Store, database_url: str, replay: ReplayServer
) -> None:
    serve_rss(replay)
    healthy = replay.routes[("GET", "/feed/")]
    main_thread = threading.main_thread().ident
    assert main_thread is not None

    def interrupt_second_poll(request: Request) -> Response:
        if len(replay.requests) == 2:
            signal.pthread_kill(main_thread, signal.SIGINT)  # what Ctrl-C does, while the client waits
        return healthy(request) if callable(healthy) else healthy

    replay.route("GET", "/feed/", interrupt_second_poll)
    result = poll(database_url, "rss", f"{replay.url}/feed/", "--interval", "0.01", "--json")
    assert result.exit_code == 0, result.output
    assert len(json_lines(result.stdout)) == 1
    assert "stopped after 2 poll(s); 3 new post(s) stored" in result.stderr
    assert stored(store, "rss") == 3
    assert json.loads(cursors(store)[f"rss:{replay.url}/feed/"] or "") == {"etag": RSS_ETAG}
