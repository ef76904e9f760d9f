from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import groundswell.channels.bluesky as bluesky_package
from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.bluesky.connector import BlueskyConnector
from groundswell.channels.bluesky.poller import BlueskyPoller
from groundswell.channels.registry import detect_connector
from groundswell.errors import ChannelUnavailable, ConfigurationError, ParseError
from tests.support.replay_server import ReplayServer, Request, Response

FIXTURES = Path(bluesky_package.__file__).parent / "fixtures"
CHANNELS = FIXTURES.parent.parent
SESSION = "/xrpc/com.atproto.server.createSession"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
AUTHOR_FEED = "/xrpc/app.bsky.feed.getAuthorFeed"

MARISOL = "did:plc:m4r1s0lq7ztb2cx5wd3nh6ke"
PRIYA = "did:plc:pr1yak6w2m7vq3xg5tdz4jbn"
VOLTLINE = "did:plc:v7q3ltn5e2kzr4ypw6hxoa3m"
ROOT = f"at://{MARISOL}/app.bsky.feed.post/3ktq2bwx5lc2a"
SAME_HERE = f"at://{PRIYA}/app.bsky.feed.post/3ktq2fnm7dk2x"
SUPPORT_REPLY = f"at://{VOLTLINE}/app.bsky.feed.post/3ktq2jyzxrs2k"
THANKS = f"at://{MARISOL}/app.bsky.feed.post/3ktq2owtdwc2p"
QUESTION = f"at://{PRIYA}/app.bsky.feed.post/3ktq4c7vfje2s"

connector = BlueskyConnector()


def records(name: str) -> list[RawRecord]:
    return list(connector.read(FIXTURES / name))


def posts(name: str) -> list[PostIn]:
    return [post for record in records(name) for post in connector.parse(record)]


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_post_view_fields_field_by_field() -> None:
    root = next(post for post in posts("search_posts.json") if post.external_id == ROOT)
    assert root.channel == "bluesky"
    assert root.text == (
        "My #PulsePad pads stopped responding after the 2.1 firmware update. Pads 9-16 dead, the rest lag 😩 "
        "@voltline.com any ideas?"
    )
    assert root.created_at == datetime(2024, 5, 2, 9, 41, 27, 512000, tzinfo=UTC)
    assert root.language == "en"
    assert root.url == "https://bsky.app/profile/marisolbeats.bsky.social/post/3ktq2bwx5lc2a"
    assert (root.replies, root.reposts, root.likes) == (2, 1, 6)
    assert root.reply_to_external_id is None and root.thread_external_id is None
    assert root.visibility == "public"
    assert root.author is not None
    assert root.author.external_id == MARISOL
    assert root.author.handle == "marisolbeats.bsky.social"
    assert root.author.display_name == "Marisol Ortega"
    assert root.author.url == "https://bsky.app/profile/marisolbeats.bsky.social"
    assert root.attributes == {
        "cid": "bafyreigk5ruzxpcxhl3i7o6qy3gdvbz4j3d5mqfh2khdn7yvxg3kdq4wcy",
        "indexed_at": "2024-05-02T09:41:28.061Z",
        "tags": ["PulsePad"],
        "mentions": [VOLTLINE],
        "quotes": 0,
    }


def test_search_page_replies_come_before_parents_and_carry_thread_ids() -> None:
    found = posts("search_posts.json")
    assert [post.external_id for post in found] == [QUESTION, THANKS, SUPPORT_REPLY, SAME_HERE, ROOT]
    threading = {post.external_id: (post.reply_to_external_id, post.thread_external_id) for post in found}
    assert threading[THANKS] == (SUPPORT_REPLY, ROOT)
    assert threading[SUPPORT_REPLY] == (SAME_HERE, ROOT)
    assert threading[SAME_HERE] == (ROOT, ROOT)
    support = found[2]
    assert support.attributes["links"] == ["https://voltline.example/support/pulsepad-firmware"]


def test_records_keep_each_item_as_compact_json_with_item_positions() -> None:
    read = records("search_posts.json")
    assert [record.position for record in read] == [1, 2, 3, 4, 5]
    assert [json.loads(record.raw) for record in read] == json.loads(fixture_text("search_posts.json"))["posts"]


def test_author_feed_reply_context_and_repost() -> None:
    found = posts("author_feed.json")
    assert found[0].external_id == SUPPORT_REPLY
    assert (found[0].reply_to_external_id, found[0].thread_external_id) == (SAME_HERE, ROOT)
    repost = found[2]
    assert repost.author is not None and repost.author.handle == "djkobalt.synth.example"
    assert repost.attributes["reposted_by"] == "voltline.com"
    assert repost.attributes["reposted_at"] == "2024-05-02T09:30:11.004Z"
    assert repost.attributes["embed_type"] == "app.bsky.embed.external"
    # The raw of a feed item is the whole item (post, reply context, reason).
    assert "reason" in json.loads(records("author_feed.json")[2].raw)


def test_post_thread_is_flattened_parents_first_and_reports_the_deleted_reply() -> None:
    read = records("post_thread.json")
    parsed = [connector.parse(record)[0].external_id for record in read[:-1]]
    assert parsed == [ROOT, SAME_HERE, SUPPORT_REPLY, THANKS]
    with pytest.raises(ParseError, match="was not found"):
        connector.parse(read[-1])


def test_json_lines_keep_each_line_verbatim() -> None:
    read = records("posts.jsonl")
    assert [record.raw for record in read] == fixture_text("posts.jsonl").splitlines()
    assert [record.position for record in read] == [1, 2, 3]
    found = [connector.parse(record)[0] for record in read]
    assert found[0].reply_to_external_id == found[1].external_id  # line 1 replies to line 2
    assert found[2].attributes["reposted_by"] == "voltline.com"


def test_json_lines_of_whole_pages_are_expanded(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    search = json.loads(fixture_text("search_posts.json"))
    feed = json.loads(fixture_text("author_feed.json"))
    path.write_text(json.dumps(search) + "\n" + json.dumps(feed) + "\n")
    read = list(connector.read(path))
    assert [record.position for record in read] == [1] * 5 + [2] * 3  # the line each item is on
    assert len([connector.parse(record) for record in read]) == 8


@pytest.mark.parametrize(
    ("position", "message"),
    [
        (2, "invalid JSON at line 2"),
        (3, "missing uri"),
        (4, "is a 'app.bsky.feed.like', not an app.bsky.feed.post"),
        (5, "has no text"),
        (6, "unparseable createdAt on at://"),
        (7, "missing author on at://"),
        (8, "is blocked"),
        (9, "expected a JSON object"),
    ],
)
def test_malformed_records_raise_helpful_parse_errors(position: int, message: str) -> None:
    record = next(record for record in records("malformed.jsonl") if record.position == position)
    with pytest.raises(ParseError, match=message.replace(".", r"\.")):
        connector.parse(record)


def test_malformed_file_still_parses_its_good_line() -> None:
    assert connector.parse(records("malformed.jsonl")[0])[0].external_id == ROOT


def test_reply_without_parent_uri_is_rejected() -> None:
    view = json.loads(fixture_text("search_posts.json"))["posts"][1]
    view["record"]["reply"] = {"root": {"uri": ROOT, "cid": "bafyrei"}, "parent": {"cid": "bafyrei"}}
    with pytest.raises(ParseError, match=r"record\.reply needs parent and root"):
        connector.parse(RawRecord("x", 1, json.dumps(view)))


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.iterdir() if p.name not in {"malformed.jsonl", "create_session.json"})
)
def test_sniff_accepts_every_bluesky_fixture(name: str) -> None:
    assert connector.sniff(fixture_text(name)[:16384])


@pytest.mark.parametrize(
    "head",
    [
        '{"id": "1", "channel": "bluesky", "text": "PulsePad is great", "created_at": "2024-05-02"}\n',
        '{"id": "2", "channel": "bluesky", "text": "see at://did:plc:x/app.bsky.feed.post/1", "url": "x"}\n',
        "id,channel,author,text,created_at\n1,bluesky,ana,PulsePad is great,2024-05-02\n",
    ],
)
def test_sniff_rejects_generic_and_other_formats(head: str) -> None:
    assert not connector.sniff(head)


def test_sniff_rejects_other_channels_fixtures() -> None:
    others = [path for path in CHANNELS.glob("*/fixtures/*") if path.is_file() and path.parent.parent.name != "bluesky"]
    assert others, "the Mastodon fixtures at least should be there"
    for path in others:
        head = path.read_bytes()[:16384].decode("utf-8", errors="replace")
        assert not connector.sniff(head), path


# Poller, against a real local HTTP server implementing the XRPC endpoints it calls.


def serve_session(replay: ReplayServer) -> str:
    replay.route("POST", SESSION, Response(body=fixture_text("create_session.json")))
    access_jwt: str = json.loads(fixture_text("create_session.json"))["accessJwt"]
    return access_jwt


def search_page(request: Request) -> Response:
    """searchPosts as the AppView serves it: newest first, `since` inclusive, `limit`, and a cursor."""
    found = json.loads(fixture_text("search_posts.json"))["posts"]
    since = request.query.get("since", [""])[0]
    matching = [post for post in found if post["indexedAt"] >= since]
    offset = int(request.query.get("cursor", ["0"])[0])
    limit = int(request.query["limit"][0])
    page = matching[offset : offset + limit]
    more = offset + limit < len(matching)
    return Response(
        body={"posts": page, "hitsTotal": len(matching), **({"cursor": str(offset + limit)} if more else {})}
    )


def test_poller_signs_in_and_searches_latest(replay: ReplayServer) -> None:
    access_jwt = serve_session(replay)
    replay.route("GET", SEARCH, search_page)
    poller = BlueskyPoller("voltline.com", "abcd-efgh-ijkl-mnop", query="pulsepad", base_url=replay.url)
    result = poller.poll(None)
    (login,) = replay.requests_to(SESSION)
    assert login.method == "POST"
    assert login.json() == {"identifier": "voltline.com", "password": "abcd-efgh-ijkl-mnop"}
    (search,) = replay.requests_to(SEARCH)
    assert search.headers["authorization"] == f"Bearer {access_jwt}"
    assert search.query == {"q": ["pulsepad"], "sort": ["latest"], "limit": ["50"]}
    # Oldest first, each post view exactly as the server sent it, parseable by the connector.
    sent = json.loads(fixture_text("search_posts.json"))["posts"]
    assert [json.loads(record.raw) for record in result.records] == list(reversed(sent))
    assert [record.position for record in result.records] == [1, 2, 3, 4, 5]
    assert result.records[0].source == f"{replay.url}{SEARCH}"
    assert connector.parse(result.records[0])[0].external_id == ROOT
    assert result.cursor == "2024-05-02T13:48:03.350Z"  # the newest indexedAt seen
    assert poller.source_key == f"bluesky:{replay.url}#search/pulsepad"


def test_poller_sends_cursor_as_since_and_pages_back_to_it(replay: ReplayServer) -> None:
    serve_session(replay)
    replay.route("GET", SEARCH, search_page)
    poller = BlueskyPoller("voltline.com", "app-password", query="pulsepad", base_url=replay.url, limit=2)
    cursor = "2024-05-02T09:55:02.740Z"  # the indexedAt of the 'same here' reply
    result = poller.poll(cursor)
    queries = [request.query for request in replay.requests_to(SEARCH)]
    assert [query["since"] for query in queries] == [[cursor], [cursor]]
    assert [query.get("cursor") for query in queries] == [None, ["2"]]
    # `since` is inclusive: the post at the cursor is left out, the three after it come oldest first.
    assert [connector.parse(record)[0].external_id for record in result.records] == [SUPPORT_REPLY, THANKS, QUESTION]
    assert result.cursor == "2024-05-02T13:48:03.350Z"
    assert len(replay.requests_to(SESSION)) == 1
    assert poller.poll(result.cursor).records == []
    assert len(replay.requests_to(SESSION)) == 1  # the session is reused between polls


def test_poller_author_feed_uses_repost_time_and_filters_the_cursor(replay: ReplayServer) -> None:
    serve_session(replay)
    replay.route("GET", AUTHOR_FEED, Response(body=fixture_text("author_feed.json")))
    poller = BlueskyPoller("voltline.com", "app-password", actor="voltline.com", base_url=replay.url)
    result = poller.poll("2024-05-02T09:30:11.004Z")  # the time voltline.com reposted DJ Kobalt
    (request,) = replay.requests_to(AUTHOR_FEED)
    assert request.query["actor"] == ["voltline.com"]
    assert request.query["limit"] == ["50"]
    assert request.headers["authorization"].startswith("Bearer ey")
    kept = [connector.parse(record)[0].external_id for record in result.records]
    assert kept == [f"at://{VOLTLINE}/app.bsky.feed.post/3ktq2hsd2gk2c", SUPPORT_REPLY]
    assert result.cursor == "2024-05-02T10:02:55.633Z"
    assert poller.source_key == f"bluesky:{replay.url}#author/voltline.com"


def test_poller_reports_refused_credentials(replay: ReplayServer) -> None:
    replay.route(
        "POST",
        SESSION,
        Response(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}),
    )
    poller = BlueskyPoller("voltline.com", "wrong", query="pulsepad", base_url=replay.url)
    with pytest.raises(ChannelUnavailable, match=r"refused the credentials.*app password"):
        poller.poll(None)
    assert replay.requests_to(SEARCH) == []


def test_poller_reports_rate_limits(replay: ReplayServer) -> None:
    serve_session(replay)
    replay.route(
        "GET",
        SEARCH,
        Response(
            429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, {"ratelimit-reset": "1714650000"}
        ),
    )
    poller = BlueskyPoller("voltline.com", "app-password", query="pulsepad", base_url=replay.url)
    with pytest.raises(ChannelUnavailable, match=r"rate limited by .*retry after 2024-05-02T11:40:00\+00:00"):
        poller.poll(None)


def test_poller_signs_in_again_after_the_session_is_refused(replay: ReplayServer) -> None:
    serve_session(replay)
    replay.route("GET", SEARCH, Response(401, {"error": "ExpiredToken", "message": "Token has expired"}))
    poller = BlueskyPoller("voltline.com", "app-password", query="pulsepad", base_url=replay.url)
    for _ in range(2):
        with pytest.raises(ChannelUnavailable, match="refused the credentials"):
            poller.poll(None)
    assert len(replay.requests_to(SESSION)) == 2


@pytest.mark.parametrize("arguments", [{}, {"query": "pulsepad", "actor": "voltline.com"}])
def test_poller_needs_exactly_one_thing_to_follow(arguments: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        BlueskyPoller("voltline.com", "app-password", **arguments)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.name != "create_session.json"))
def test_auto_detection_picks_bluesky_for_its_fixtures(name: str) -> None:
    assert detect_connector(FIXTURES / name).name == "bluesky"


def test_poller_reports_an_unreachable_server() -> None:
    poller = BlueskyPoller("voltline.com", "app-password", query="pulsepad", base_url="http://127.0.0.1:9")
    with pytest.raises(ChannelUnavailable, match=r"cannot reach 127\.0\.0\.1:9"):
        poller.poll(None)
