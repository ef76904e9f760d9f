from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from groundswell.channels.base import RawRecord
from groundswell.channels.common import dump_json
from groundswell.channels.reddit.connector import RedditConnector
from groundswell.channels.reddit.poller import RedditPoller
from groundswell.errors import ChannelUnavailable, ParseError
from tests.support.replay_server import ReplayServer, Request, Response

FIXTURES = Path(__file__).parents[2] / "src/groundswell/channels/reddit/fixtures"
connector = RedditConnector()


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def outcomes(name: str) -> list[tuple[RawRecord, Any]]:
    """Each record of a fixture with its post, or the ParseError it raised."""
    results: list[tuple[RawRecord, Any]] = []
    for record in connector.read(FIXTURES / name):
        try:
            results.append((record, connector.parse(record)[0]))
        except ParseError as exc:
            results.append((record, exc))
    return results


def posts_by_id(name: str) -> dict[str, Any]:
    return {post.external_id: post for _, post in outcomes(name) if not isinstance(post, ParseError)}


def test_every_fixture_reads_into_posts_or_reasoned_errors() -> None:
    expected = {
        "new_listing.json": (2, 3),
        "comments_page.json": (4, 1),
        "comments_listing.json": (4, 1),
        "search_listing.json": (1, 1),
        "listings.jsonl": (2, 2),
    }
    for name, (good, bad) in expected.items():
        results = outcomes(name)
        assert [r.position for r, _ in results] == list(range(1, good + bad + 1)), name
        errors = [p for _, p in results if isinstance(p, ParseError)]
        assert (len(results) - len(errors), len(errors)) == (good, bad), name
        assert all(p.channel == "reddit" for _, p in results if not isinstance(p, ParseError))


def test_submission_fields() -> None:
    post = posts_by_id("new_listing.json")["t3_1c8x0a1"]
    assert post.channel == "reddit"
    assert post.title == "PulsePad firmware 2.1 wiped my sample banks"
    assert post.text.startswith("PulsePad firmware 2.1 wiped my sample banks\n\nUpdated my PulsePad last night")
    assert post.created_at == datetime(2024, 5, 1, 12, 51, 30, tzinfo=UTC)
    assert post.author is not None
    assert (post.author.external_id, post.author.handle) == ("t2_8f3k2m1q", "beatmaker_jo")
    assert post.author.url == "https://www.reddit.com/user/beatmaker_jo"
    assert post.url == (
        "https://www.reddit.com/r/voltline/comments/1c8x0a1/pulsepad_firmware_21_wiped_my_sample_banks/"
    )
    assert post.thread_external_id == "t3_1c8x0a1"
    assert post.reply_to_external_id is None
    assert (post.likes, post.replies) == (42, 5)
    assert post.attributes == {
        "kind": "t3",
        "subreddit": "voltline",
        "subreddit_id": "t5_3k9xq2",
        "upvote_ratio": 0.93,
        "over_18": False,
        "is_self": True,
        "domain": "self.voltline",
        "flair": "Help",
    }


def test_link_submission_keeps_the_link_and_uses_the_title_as_text() -> None:
    post = posts_by_id("new_listing.json")["t3_1c8w7kq"]
    assert post.text == "Voltline is running 20% off the PulsePad this weekend"
    assert post.attributes["link_url"] == "https://voltline.example/deals/pulsepad-weekend"
    assert post.attributes["is_self"] is False


def test_comment_tree_is_flattened_with_parents_and_thread() -> None:
    posts = posts_by_id("comments_page.json")
    reply = posts["t1_l0f8b22"]
    assert reply.text.startswith("Sorry about that! 2.1 moves banks to a new folder.")
    assert reply.created_at == datetime(2024, 5, 1, 14, 1, 40, tzinfo=UTC)
    assert reply.author is not None and reply.author.handle == "voltline_support"
    assert reply.author.external_id == "t2_1vq7ln3r"
    assert reply.reply_to_external_id == "t1_l0f7a11"
    assert reply.thread_external_id == "t3_1c8x0a1"
    assert reply.url == (
        "https://www.reddit.com/r/voltline/comments/1c8x0a1/pulsepad_firmware_21_wiped_my_sample_banks/l0f8b22/"
    )
    assert reply.likes == 25
    assert reply.title is None
    # The tree's comments do not name their submission's title; the page supplies it.
    assert reply.attributes == {
        "kind": "t1",
        "subreddit": "voltline",
        "subreddit_id": "t5_3k9xq2",
        "link_title": "PulsePad firmware 2.1 wiped my sample banks",
        "is_submitter": False,
        "distinguished": "moderator",
        "depth": 1,
    }
    assert posts["t1_l0f9c33"].reply_to_external_id == "t1_l0f8b22"
    assert posts["t1_l0f7a11"].reply_to_external_id == "t3_1c8x0a1"
    assert {p.thread_external_id for p in posts.values()} == {"t3_1c8x0a1"}


def test_raw_is_the_thing_without_its_nested_replies_and_parses_alone() -> None:
    records = list(connector.read(FIXTURES / "comments_page.json"))
    assert all('"kind":"more"' not in r.raw for r in records)  # `more` stubs carry no post
    top = next(r for r in records if '"name":"t1_l0f7a11"' in r.raw)
    thing = json.loads(top.raw)
    assert thing["kind"] == "t1" and "replies" not in thing["data"]
    expected = fixture_json("comments_page.json")[1]["data"]["children"][0]
    del expected["data"]["replies"]
    assert top.raw == dump_json(expected)
    alone = RawRecord(source="db", position=1, raw=top.raw)
    assert connector.parse(alone)[0].external_id == "t1_l0f7a11"


def test_reply_listed_before_its_parent_still_names_it() -> None:
    results = outcomes("comments_listing.json")
    order = [post.external_id for _, post in results if not isinstance(post, ParseError)]
    assert order.index("t1_l0fb7h8") < order.index("t1_l0fb1a2")
    posts = posts_by_id("comments_listing.json")
    assert posts["t1_l0fb7h8"].reply_to_external_id == "t1_l0fb1a2"
    assert posts["t1_l0fb7h8"].thread_external_id == "t3_1c8w7kq"
    assert posts["t1_l0fb7h8"].attributes["link_title"] == "Voltline is running 20% off the PulsePad this weekend"


def test_json_lines_of_listings_and_legacy_html_escaping() -> None:
    posts = posts_by_id("listings.jsonl")
    submission = posts["t3_1c9a2bb"]
    # Saved without raw_json=1, Reddit escapes &, < and >.
    assert submission.title == "PulsePad & Groovebox for live sets?"
    assert submission.text.endswith("Groovebox has 16 tracks > PulsePad has 8.")
    assert submission.attributes["subreddit"] == "synthesizers"
    assert posts["t1_l0fd0e1"].attributes["link_title"] == "PulsePad & Groovebox for live sets?"
    errors = [str(p) for _, p in outcomes("listings.jsonl") if isinstance(p, ParseError)]
    assert errors[0].startswith("invalid JSON on line 3")
    assert "unsupported Reddit kind 't5'" in errors[1]


def test_deleted_and_removed_posts_raise_with_the_reason() -> None:
    errors = {r.position: str(p) for r, p in outcomes("new_listing.json") if isinstance(p, ParseError)}
    assert errors[3] == ("t3_1c8v3zz was deleted by its author (text is '[deleted]'): there is no post left to ingest")
    assert errors[4].startswith("missing created_utc of t3_1c8u1mm")
    assert "t3_1c8t9aa was removed by the moderators" in errors[5]
    comment_errors = [str(p) for _, p in outcomes("comments_listing.json") if isinstance(p, ParseError)]
    assert comment_errors == [
        "t1_l0f8zz1 was removed by the moderators (text is '[removed]'): there is no post left to ingest"
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"kind": "t1", "data": {"name": "t1_x", "body": "[deleted]", "author": "[deleted]"}}', "deleted"),
        ('{"kind": "t1", "data": {"body": "hi", "created_utc": 1714567890}}', r"missing name \(or id\)"),
        ('{"kind": "t1", "data": {"name": "t1_x", "body": "", "created_utc": 1}}', "missing body of t1_x"),
        ('{"kind": "t3", "data": {"name": "t3_x", "created_utc": 1}}', "missing title of t3_x"),
        ('{"kind": "t3", "data": "oops"}', "expected a Reddit thing"),
        ('{"kind": "more", "data": {"count": 2, "children": ["a"]}}', "placeholder"),
        ('{"kind": "Listing", "data": {"children": []}}', "whole listing"),
        ('{"kind": "t1", "data": {"name": "t1_x", "body": "hi", "created_utc": "soon"}}', "unparseable"),
        ("[1, 2]", "expected a JSON object"),
        ('{"kind": "t3"', "invalid JSON"),
    ],
)
def test_malformed_things_raise_helpful_errors(raw: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        connector.parse(RawRecord(source="test", position=1, raw=raw))


def test_fullname_is_built_from_the_id_when_name_is_missing() -> None:
    raw = '{"kind": "t1", "data": {"id": "abc", "body": "ok", "created_utc": 1714567890, "parent_id": "t3_z"}}'
    post = connector.parse(RawRecord(source="test", position=1, raw=raw))[0]
    assert (post.external_id, post.reply_to_external_id) == ("t1_abc", "t3_z")


def test_malformed_file_is_one_quarantined_record(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text('{"kind": "Listing", "data": {"children": [\n')
    records = list(connector.read(path))
    assert len(records) == 1
    with pytest.raises(ParseError, match=r"invalid JSON in page\.json"):
        connector.parse(records[0])


def test_sniff() -> None:
    for name in ("new_listing.json", "comments_page.json", "comments_listing.json", "listings.jsonl"):
        assert connector.sniff((FIXTURES / name).read_text()[:16384]), name
    assert not connector.sniff('{"id": "1", "channel": "reddit", "text": "hi", "created_at": "2024-05-01"}\n')
    assert not connector.sniff("id,channel,author,text,created_at\n1,reddit,jo,hi,2024-05-01\n")
    assert not connector.sniff('<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>')
    assert not connector.sniff('{"data": [{"id": "1", "text": "hi"}], "includes": {}}')


# --- the poller, against a local server that replays Reddit's responses ---

TOKEN = fixture_json("access_token.json")["access_token"]


def listing(*children: Any, before: str | None = None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {"after": None, "dist": len(children), "children": list(children), "before": before},
    }


def serve(replay: ReplayServer, **routes: Any) -> None:
    replay.route("POST", "/api/v1/access_token", Response(200, fixture_json("access_token.json")))
    for path, handler in routes.items():
        replay.route("GET", f"/r/voltline/{path}", handler)


def make_poller(replay: ReplayServer, query: str | None = None) -> RedditPoller:
    return RedditPoller(
        client_id="voltline-listener",
        client_secret="s3cret-app-key",
        user_agent="groundswell-test/0.1 by voltline",
        subreddit="r/voltline",
        query=query,
        base_url=replay.url,
        limit=100,
    )


def names(records: list[RawRecord]) -> list[str]:
    return [json.loads(r.raw)["data"]["name"] for r in records]


def test_first_poll_authenticates_and_reads_new_posts_and_comments(replay: ReplayServer) -> None:
    serve(
        replay,
        new=Response(200, fixture_json("new_listing.json")),
        comments=Response(200, fixture_json("comments_listing.json")),
    )
    poller = make_poller(replay)
    assert poller.source_key == "reddit:r/voltline"
    result = poller.poll(None)

    (token_request,) = replay.requests_to("/api/v1/access_token")
    credentials = base64.b64encode(b"voltline-listener:s3cret-app-key").decode()
    assert token_request.headers["authorization"] == f"Basic {credentials}"
    assert b"grant_type=client_credentials" in token_request.body
    for path in ("/r/voltline/new", "/r/voltline/comments"):
        (request,) = replay.requests_to(path)
        assert request.headers["authorization"] == f"bearer {TOKEN}"
        assert request.headers["user-agent"].startswith("groundswell-test/0.1 by voltline")
        assert request.query == {"limit": ["100"], "raw_json": ["1"]}

    assert names(result.records)[:2] == ["t3_1c8x0a1", "t3_1c8w7kq"]
    assert len(result.records) == 10 and [r.position for r in result.records] == list(range(1, 11))
    assert result.records[0].source == f"{replay.url}/r/voltline/new"
    assert json.loads(result.cursor or "") == {"t3": "t3_1c8x0a1", "t1": "t1_l0fb7h8"}
    post = connector.parse(RawRecord(source="db", position=1, raw=result.records[0].raw))[0]
    assert post.title == "PulsePad firmware 2.1 wiped my sample banks"


def test_cursor_asks_for_newer_pages_until_there_are_none(replay: ReplayServer) -> None:
    s1, s2 = fixture_json("new_listing.json")["data"]["children"][:2]
    pages = {"t3_1c8v3zz": listing(s2, before="t3_1c8w7kq"), "t3_1c8w7kq": listing(s1)}

    def newer(request: Request) -> Response:
        return Response(200, pages[request.query["before"][0]])

    serve(replay, new=newer, comments=Response(200, listing()))
    result = make_poller(replay).poll('{"t3": "t3_1c8v3zz", "t1": "t1_l0fb7h8"}')
    assert [r.query["before"] for r in replay.requests_to("/r/voltline/new")] == [["t3_1c8v3zz"], ["t3_1c8w7kq"]]
    assert replay.requests_to("/r/voltline/comments")[0].query["before"] == ["t1_l0fb7h8"]
    assert names(result.records) == ["t3_1c8x0a1", "t3_1c8w7kq"]  # newest first, as Reddit lists
    # Nothing new in the comments: their cursor stays where it was.
    assert json.loads(result.cursor or "") == {"t3": "t3_1c8x0a1", "t1": "t1_l0fb7h8"}


def test_search_keeps_comments_in_matching_threads_or_naming_the_query(replay: ReplayServer) -> None:
    serve(
        replay,
        search=Response(200, fixture_json("search_listing.json")),
        comments=Response(200, fixture_json("comments_listing.json")),
    )
    poller = make_poller(replay, query="pulsepad")
    assert poller.source_key == "reddit:r/voltline#search=pulsepad"
    result = poller.poll(None)
    (request,) = replay.requests_to("/r/voltline/search")
    assert request.query == {
        "q": ["pulsepad"],
        "restrict_sr": ["1"],
        "sort": ["new"],
        "limit": ["100"],
        "raw_json": ["1"],
    }
    assert request.headers["authorization"] == f"bearer {TOKEN}"
    # t3_1c8w7kq's thread did not match, so its comments are dropped; t3_1c8x0a1's are kept.
    assert names(result.records) == ["t3_1c8x0a1", "t3_1c8u1mm", "t1_l0f9c33", "t1_l0f8zz1", "t1_l0f8b22"]
    cursor = json.loads(result.cursor or "")
    assert cursor["threads"] == ["t3_1c8x0a1", "t3_1c8u1mm"] and cursor["t1"] == "t1_l0fb7h8"


def test_refused_credentials_become_channel_unavailable(replay: ReplayServer) -> None:
    replay.route("POST", "/api/v1/access_token", Response(401, {"message": "Unauthorized", "error": 401}))
    with pytest.raises(ChannelUnavailable, match=r"refused the app credentials \(401\).*client id and secret"):
        make_poller(replay).poll(None)


def test_rate_limit_becomes_channel_unavailable(replay: ReplayServer) -> None:
    serve(
        replay, new=Response(429, {"message": "Too Many Requests", "error": 429}, headers={"x-ratelimit-reset": "312"})
    )
    with pytest.raises(ChannelUnavailable, match="rate limited by reddit; retry after 312 seconds"):
        make_poller(replay).poll(None)


def test_private_subreddit_becomes_channel_unavailable(replay: ReplayServer) -> None:
    serve(replay, new=Response(403, {"reason": "private", "message": "Forbidden", "error": 403}))
    with pytest.raises(ChannelUnavailable, match=r"refused access to r/voltline \(403\)"):
        make_poller(replay).poll(None)
