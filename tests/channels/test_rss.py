from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import groundswell.channels.rss.feed_xml as feed_xml
from groundswell.channels.base import RawRecord
from groundswell.channels.rss.connector import RssConnector
from groundswell.channels.rss.poller import RssPoller
from groundswell.errors import ChannelUnavailable, ParseError
from tests.support.replay_server import ReplayServer, Request, Response

FIXTURES = Path(__file__).parents[2] / "src/groundswell/channels/rss/fixtures"
connector = RssConnector()
ARTICLE = "https://blog.voltline.example/?p=412"


def outcomes(path: Path) -> list[tuple[RawRecord, Any]]:
    results: list[tuple[RawRecord, Any]] = []
    for record in connector.read(path):
        try:
            results.append((record, connector.parse(record)[0]))
        except ParseError as exc:
            results.append((record, exc))
    return results


def posts_by_id(name: str) -> dict[str, Any]:
    return {p.external_id: p for _, p in outcomes(FIXTURES / name) if not isinstance(p, ParseError)}


def errors(name: str) -> list[str]:
    return [str(p) for _, p in outcomes(FIXTURES / name) if isinstance(p, ParseError)]


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [("blog_posts.rss", 3, 1), ("comments.rss", 3, 1), ("comments.atom", 3, 1), ("news.rdf", 2, 0)],
)
def test_every_fixture_reads_into_posts_or_reasoned_errors(name: str, good: int, bad: int) -> None:
    results = outcomes(FIXTURES / name)
    assert [r.position for r, _ in results] == list(range(1, good + bad + 1))
    posts = [p for _, p in results if not isinstance(p, ParseError)]
    assert len(posts) == good and len(results) - good == bad
    assert all(p.channel == "rss" and p.created_at.tzinfo is UTC for p in posts)


def test_raw_is_the_entry_exactly_as_in_the_file() -> None:
    text = (FIXTURES / "blog_posts.rss").read_text()
    records = list(connector.read(FIXTURES / "blog_posts.rss"))
    assert records[0].raw.startswith("<item>\n\t\t<title>PulsePad 2.1.1 restores legacy sample banks</title>")
    assert records[0].raw.endswith("<slash:comments>0</slash:comments>\n\t</item>")
    assert all(record.raw in text for record in records)
    atom = (FIXTURES / "comments.atom").read_text()
    assert all(r.raw in atom and r.raw.startswith("<entry>") for r in connector.read(FIXTURES / "comments.atom"))


def test_rss2_post_fields() -> None:
    post = posts_by_id("blog_posts.rss")["https://blog.voltline.example/?p=418"]
    assert post.title == "PulsePad 2.1.1 restores legacy sample banks"
    # content:encoded wins over the truncated description; HTML becomes text.
    assert post.text == (
        "Firmware 2.1.1 brings back the user banks that 2.1 moved to a new folder.\n\n"
        "Update through Voltline Connect; your banks reappear after the first restart. "
        "Sorry for the scare & thanks for the reports!"
    )
    assert post.created_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert post.url == "https://blog.voltline.example/2024/05/pulsepad-2-1-1-restores-legacy-banks/"
    assert post.author is not None
    assert (post.author.external_id, post.author.handle) == ("Priya Natarajan", "Priya Natarajan")
    assert post.language == "en-US"
    assert (post.reply_to_external_id, post.thread_external_id) == (None, None)
    assert post.attributes == {
        "feed_title": "Voltline Sound Lab",
        "feed_link": "https://blog.voltline.example",
        "tags": ["Firmware", "PulsePad"],
        "comments_url": "https://blog.voltline.example/2024/05/pulsepad-2-1-1-restores-legacy-banks/#respond",
    }


def test_rss2_author_element_and_link_as_id() -> None:
    post = posts_by_id("blog_posts.rss")["https://blog.voltline.example/2024/04/berlin-synth-meetup/"]
    assert post.author is not None
    assert (post.author.handle, post.author.display_name) == ("Voltline Events", "Voltline Events")
    assert post.text == "Come play the PulsePad at booth 14."


def test_wordpress_comment_feed_points_comments_at_the_article_guid() -> None:
    posts = posts_by_id("comments.rss")
    comment = posts["https://blog.voltline.example/?p=412#comment-1189"]
    assert comment.title == "Comment on PulsePad 2.1 firmware: what changed by Priya Natarajan"
    assert comment.text == "Dana, go to Settings > Storage > Restore legacy banks. 2.1.1 will do it automatically."
    assert comment.url == "https://blog.voltline.example/2024/04/pulsepad-2-1-firmware/#comment-1189"
    assert comment.created_at == datetime(2024, 5, 1, 11, 5, tzinfo=UTC)
    # The article's guid is its external id in the posts feed, so the conversation joins up.
    assert ARTICLE in posts_by_id("blog_posts.rss")
    assert {(p.reply_to_external_id, p.thread_external_id) for p in posts.values()} == {(ARTICLE, ARTICLE)}
    assert comment.attributes["feed_title"] == "Comments for Voltline Sound Lab"


def test_atom_threading_extension_gives_parent_and_article() -> None:
    results = outcomes(FIXTURES / "comments.atom")
    order = [p.external_id for _, p in results if not isinstance(p, ParseError)]
    # Newest first: each reply comes before the comment it answers.
    assert order == [f"{ARTICLE}#comment-1190", f"{ARTICLE}#comment-1189", f"{ARTICLE}#comment-1188"]
    posts = {p.external_id: p for p in (p for _, p in results) if not isinstance(p, ParseError)}
    reply = posts[f"{ARTICLE}#comment-1189"]
    assert reply.reply_to_external_id == f"{ARTICLE}#comment-1188"
    assert reply.thread_external_id == ARTICLE
    assert reply.author is not None and reply.author.url == "https://blog.voltline.example"
    assert reply.attributes["in_reply_to_url"] == (
        "https://blog.voltline.example/2024/04/pulsepad-2-1-firmware/#comment-1188"
    )
    assert reply.title == "By: Priya Natarajan"
    top = posts[f"{ARTICLE}#comment-1188"]
    assert (top.reply_to_external_id, top.thread_external_id) == (ARTICLE, ARTICLE)
    assert top.created_at == datetime(2024, 5, 1, 7, 58, 31, tzinfo=UTC)
    assert top.language == "en-US"


def test_rss1_rdf_feed() -> None:
    post = posts_by_id("news.rdf")["https://gearwire.example/2024/04/pulsepad-review"]
    assert post.text == "Great pads, great price, a bank browser that needs work.\n\nScore: 8/10"
    assert post.author is not None and post.author.handle == "Morgan Ellis"
    assert post.language == "en"
    rumour = posts_by_id("news.rdf")["https://gearwire.example/2024/05/voltline-pulsepad-recall-rumour"]
    assert rumour.created_at == datetime(2024, 5, 2, 12, 20, tzinfo=UTC)  # dc:date with +02:00
    assert rumour.attributes["tags"] == ["Samplers"]
    assert rumour.attributes["feed_title"] == "GearWire: music tech news"


def test_malformed_entries_raise_helpful_errors() -> None:
    assert errors("blog_posts.rss") == [
        "missing date: entry https://blog.voltline.example/?p=405 has no <pubDate>, <published>, <updated> "
        "or <dc:date>; add one so the post can be placed in time"
    ]
    assert errors("comments.rss") == [
        "missing text: entry https://blog.voltline.example/?p=405#comment-1180 has no content, description or summary"
    ]
    assert errors("comments.atom")[0].startswith(f"missing date: entry {ARTICLE}#comment-1185")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "<item><title>x</title><description>hi</description><pubDate>Mon, 22 Apr 2024 08:30:00 GMT</pubDate>"
            "</item>",
            "missing id",
        ),
        ("<item><guid>g1</guid><description>hi</description><pubDate>someday</pubDate></item>", "unparseable"),
        ("<item><guid>g1</guid><pubDate>Mon, 22 Apr 2024 08:30:00 GMT</pubDate></item>", "missing text"),
        ("<item><guid>g1</guid><description>hi", "not a feed entry"),
        ("just some text", "not a feed entry"),
    ],
)
def test_malformed_raw_entries(raw: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        connector.parse(RawRecord(source="test", position=1, raw=raw, context={"format": "rss20"}))


def test_entry_with_only_a_title_uses_it_as_text() -> None:
    raw = (
        "<item><guid>g1</guid><title>PulsePad back in stock</title>"
        "<pubDate>Mon, 22 Apr 2024 08:30:00 GMT</pubDate></item>"
    )
    post = connector.parse(RawRecord(source="test", position=1, raw=raw))[0]
    assert (post.external_id, post.text) == ("g1", "PulsePad back in stock")


def test_broken_document_keeps_good_entries_and_quarantines_the_rest(tmp_path: Path) -> None:
    text = (FIXTURES / "comments.rss").read_text()
    cut = text.index("<item>", text.index("<item>") + 1)
    path = tmp_path / "broken.rss"
    path.write_text(text[:cut] + "<item><title>Broken & unescaped</title></item></channel></rss>")
    results = outcomes(path)
    assert len(results) == 2 and not isinstance(results[0][1], ParseError)
    record, problem = results[1]
    assert isinstance(problem, ParseError) and "not well-formed XML" in str(problem)
    assert record.raw.startswith("<item><title>Broken & unescaped")


def test_not_a_feed_is_one_quarantined_record(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_text("<html><body><p>Voltline</p></body></html>")
    (record,) = connector.read(path)
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        connector.parse(record)


def test_entries_split_across_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = [r.raw for r in connector.read(FIXTURES / "comments.atom")]
    monkeypatch.setattr(feed_xml, "_CHUNK", 5)
    assert [r.raw for r in connector.read(FIXTURES / "comments.atom")] == whole


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.rss"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaa">]><rss version="2.0"><channel>'
        "<item><guid>g</guid><description>&a;</description></item></channel></rss>"
    )
    (record,) = connector.read(path)
    with pytest.raises(ParseError, match="entity declarations are not allowed"):
        connector.parse(record)


def test_sniff() -> None:
    for name in ("blog_posts.rss", "comments.rss", "comments.atom", "news.rdf"):
        assert connector.sniff((FIXTURES / name).read_text()[:16384]), name
    assert not connector.sniff('{"id": "1", "channel": "rss", "text": "hi", "created_at": "2024-05-01"}\n')
    assert not connector.sniff("id,channel,author,text,created_at\n1,rss,jo,hi,2024-05-01\n")
    assert not connector.sniff("<html><head><title>Voltline</title></head></html>")
    assert not connector.sniff('<?xml version="1.0"?><feed><entry/></feed>')  # not Atom's namespace
    assert not connector.sniff("From dana@example.com Wed May  1 10:00:00 2024\nSubject: PulsePad\n")
    assert not connector.sniff('{"kind": "Listing", "data": {"children": []}}')


# --- the poller, against a local server that serves the recorded feed ---


def test_poll_sends_validators_and_304_keeps_the_cursor(replay: ReplayServer) -> None:
    feed = (FIXTURES / "blog_posts.rss").read_bytes()
    etag, modified = '"5f1c-62a9"', "Thu, 02 May 2024 09:15:00 GMT"

    def serve(request: Request) -> Response:
        if request.headers.get("if-none-match") == etag:
            return Response(304, b"", content_type="application/rss+xml")
        return Response(
            200,
            feed,
            headers={"ETag": etag, "Last-Modified": modified},
            content_type="application/rss+xml; charset=UTF-8",
        )

    replay.route("GET", "/feed/", serve)
    poller = RssPoller(f"{replay.url}/feed/")
    assert poller.source_key == f"rss:{replay.url}/feed/"
    first = poller.poll(None)
    assert "if-none-match" not in replay.requests[0].headers
    assert replay.requests[0].headers["user-agent"].startswith("groundswell/")
    assert json.loads(first.cursor or "") == {"etag": etag, "last_modified": modified}
    assert [r.position for r in first.records] == [1, 2, 3, 4]
    assert first.records[0].source == f"{replay.url}/feed/"
    post = connector.parse(first.records[0])[0]
    assert post.external_id == "https://blog.voltline.example/?p=418"
    assert post.attributes["feed_title"] == "Voltline Sound Lab"

    second = poller.poll(first.cursor)
    assert replay.requests[1].headers["if-none-match"] == etag
    assert replay.requests[1].headers["if-modified-since"] == modified
    assert second.records == [] and second.cursor == first.cursor


def test_poll_stops_at_max_entries(replay: ReplayServer) -> None:
    replay.route(
        "GET",
        "/comments/feed/atom/",
        Response(200, (FIXTURES / "comments.atom").read_bytes(), content_type="application/atom+xml"),
    )
    result = RssPoller(f"{replay.url}/comments/feed/atom/", max_entries=2).poll(None)
    assert [connector.parse(r)[0].external_id for r in result.records] == [
        f"{ARTICLE}#comment-1190",
        f"{ARTICLE}#comment-1189",
    ]
    assert result.cursor == "{}"  # the server sent no validators


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [(401, {}, r"refused the credentials \(401\)"), (429, {"Retry-After": "120"}, "rate limited.*retry after 120")],
)
def test_refusals_become_channel_unavailable(
    replay: ReplayServer, status: int, headers: dict[str, str], message: str
) -> None:
    replay.route("GET", "/feed/", Response(status, b"no", headers=headers, content_type="text/plain"))
    with pytest.raises(ChannelUnavailable, match=message):
        RssPoller(f"{replay.url}/feed/").poll(None)


def test_a_page_that_is_not_a_feed_is_channel_unavailable(replay: ReplayServer) -> None:
    replay.route("GET", "/feed/", Response(200, "<html><body>Log in</body></html>", content_type="text/html"))
    with pytest.raises(ChannelUnavailable, match="did not answer with an RSS or Atom feed"):
        RssPoller(f"{replay.url}/feed/").poll(None)
