"""The X recent-search poller, against a local server replaying X's responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from groundswell.channels.x.connector import XConnector
from groundswell.channels.x.poller import XSearchPoller
from groundswell.errors import ChannelUnavailable
from tests.support.replay_server import ReplayServer, Request, Response

FIXTURES = Path(__file__).parents[2] / "src/groundswell/channels/x/fixtures"
connector = XConnector()

# Ids in search_pages.jsonl, named for what they are.
DEV_ROOT = "1790703673145163783"
DEV_CARE = "1790714368620363784"
DEV_AGAIN = "1790721477965643785"

PAGE_TOKEN = "b26v89c19zqg8o3fpzbkbhvwsb8wm0f8yxdkd4u4uxwot"


def search_pages() -> list[dict[str, object]]:
    return [json.loads(line) for line in (FIXTURES / "search_pages.jsonl").read_text().splitlines()]


def serve_pages(replay: ReplayServer) -> None:
    first, second = search_pages()

    def answer(request: Request) -> Response:
        return Response(body=second if request.query.get("next_token") == [PAGE_TOKEN] else first)

    replay.route("GET", "/2/tweets/search/recent", answer)


def test_poller_follows_pages_and_returns_the_newest_id(replay: ReplayServer) -> None:
    serve_pages(replay)
    poller = XSearchPoller("@voltline OR pulsepad", "secret-token", base_url=replay.url, max_results=50)
    result = poller.poll(None)

    assert result.cursor == DEV_AGAIN
    assert [r.position for r in result.records] == [1, 2, 3]
    posts = [p for r in result.records for p in connector.parse(r)]
    assert [p.external_id for p in posts] == [DEV_AGAIN, DEV_CARE, DEV_ROOT]
    assert posts[0].author is not None and posts[0].author.handle == "devramanmusic"

    first, second = replay.requests_to("/2/tweets/search/recent")
    assert len(replay.requests) == 2
    assert first.headers["authorization"] == "Bearer secret-token"
    assert first.headers["user-agent"].startswith("groundswell/")
    assert first.query["query"] == ["@voltline OR pulsepad"]
    assert first.query["max_results"] == ["50"]
    assert "since_id" not in first.query and "next_token" not in first.query
    assert set(first.query["tweet.fields"][0].split(",")) >= {
        "author_id", "conversation_id", "created_at", "geo", "lang", "note_tweet", "public_metrics",
        "referenced_tweets",
    }  # fmt: skip
    assert first.query["expansions"] == ["author_id,geo.place_id"]
    assert set(first.query["user.fields"][0].split(",")) >= {"username", "name", "location", "verified"}
    assert "full_name" in first.query["place.fields"][0]
    assert second.query["next_token"] == [PAGE_TOKEN]
    assert str(result.records[0].source).startswith(replay.url + "/2/tweets/search/recent?")


def test_poller_sends_the_cursor_as_since_id(replay: ReplayServer) -> None:
    serve_pages(replay)
    result = XSearchPoller("pulsepad", "t", base_url=replay.url).poll("1790700000000000000")
    assert result.cursor == DEV_AGAIN
    assert [r.query["since_id"] for r in replay.requests] == [["1790700000000000000"]] * 2


def test_poller_with_nothing_new_keeps_the_cursor(replay: ReplayServer) -> None:
    replay.route("GET", "/2/tweets/search/recent", Response(body=(FIXTURES / "search_empty.json").read_text()))
    result = XSearchPoller("pulsepad", "t", base_url=replay.url).poll(DEV_AGAIN)
    assert result.records == []
    assert result.cursor == DEV_AGAIN


def test_poller_stops_at_max_pages(replay: ReplayServer) -> None:
    serve_pages(replay)
    result = XSearchPoller("pulsepad", "t", base_url=replay.url, max_pages=1).poll(None)
    assert len(replay.requests) == 1
    assert len(result.records) == 2
    assert result.cursor == DEV_AGAIN


def test_poller_turns_refused_credentials_into_channel_unavailable(replay: ReplayServer) -> None:
    replay.route("GET", "/2/tweets/search/recent", Response(401, (FIXTURES / "error_401.json").read_text()))
    with pytest.raises(ChannelUnavailable, match=r"refused the credentials \(401\).*check the token"):
        XSearchPoller("pulsepad", "expired", base_url=replay.url).poll(None)


def test_poller_turns_rate_limits_into_channel_unavailable(replay: ReplayServer) -> None:
    body = (FIXTURES / "error_429.json").read_text()
    replay.route("GET", "/2/tweets/search/recent", Response(429, body, headers={"x-rate-limit-reset": "1715770000"}))
    with pytest.raises(ChannelUnavailable, match=r"rate limited by 127\.0\.0\.1; retry after 1715770000"):
        XSearchPoller("pulsepad", "t", base_url=replay.url).poll(None)


def test_poller_reports_a_bad_query(replay: ReplayServer) -> None:
    body = (FIXTURES / "error_invalid_query.json").read_text()
    replay.route("GET", "/2/tweets/search/recent", Response(400, body))
    with pytest.raises(ChannelUnavailable, match=r"(?s)answered 400.*missing '\)' \(at position 10\)"):
        XSearchPoller("pulsepad (", "t", base_url=replay.url).poll(None)


def test_poller_reports_errors_without_data(replay: ReplayServer) -> None:
    errors = {"errors": [{"title": "Invalid Request", "detail": "The `since_id` query parameter is invalid."}]}
    replay.route("GET", "/2/tweets/search/recent", Response(body=errors))
    with pytest.raises(ChannelUnavailable, match="since_id` query parameter is invalid; check the query"):
        XSearchPoller("pulsepad", "t", base_url=replay.url).poll("nonsense")


def test_poller_identity_and_arguments() -> None:
    poller = XSearchPoller("@voltline", "t", base_url="https://api.x.com/", max_results=500, max_pages=0)
    assert poller.source_key == "x:search:@voltline"
    assert XSearchPoller.connector_name == "x"
    assert (poller.base_url, poller.max_results, poller.max_pages) == ("https://api.x.com", 100, 1)
    with pytest.raises(ValueError, match="needs a query"):
        XSearchPoller(" ", "t")
    with pytest.raises(ValueError, match="bearer token"):
        XSearchPoller("pulsepad", "")
