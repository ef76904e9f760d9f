"""The X connector: API v2 pages and lookups, v1.1 tweets, Twitter archives."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.x.connector import XConnector
from groundswell.errors import ParseError

CHANNELS = Path(__file__).parents[2] / "src/groundswell/channels"
FIXTURES = CHANNELS / "x/fixtures"
connector = XConnector()

# Ids in the fixtures, named for what they are.
MAYA_ROOT = "1790095209658187777"
CARE_REPLY = "1790120098658123780"
MAYA_THANKS = "1790125861631819781"
LUCIA_LONG = "1790113702344523779"
LUCIA_QUOTE = "1790283454216011782"
DEV_ROOT = "1790703673145163783"
DEV_CARE = "1790714368620363784"
DEV_AGAIN = "1790721477965643785"
TOM_ROOT = "1050118620313419786"
CARE_TO_TOM = "1050125071152971787"
TOM_THANKS = "1050131521992523788"


def records(path: Path | str) -> list[RawRecord]:
    return list(connector.read(path if isinstance(path, Path) else FIXTURES / path))


def parsed(path: Path | str) -> dict[int, PostIn | str]:
    """Each record's post, or the ParseError message when it is refused, by position."""
    result: dict[int, PostIn | str] = {}
    for record in records(path):
        try:
            [result[record.position]] = connector.parse(record)
        except ParseError as exc:
            result[record.position] = exc.message
    return result


def posts_by_id(path: Path | str) -> dict[str, PostIn]:
    return {p.external_id: p for p in parsed(path).values() if isinstance(p, PostIn)}


# --- X API v2 ------------------------------------------------------------------------------------


def test_v2_search_page_maps_every_field() -> None:
    post = posts_by_id("search_recent.json")[MAYA_ROOT]
    assert post.channel == "x"
    assert post.text == (
        "@voltline my new PulsePad freezes every time I load a sample bank bigger than 2GB. "
        "Firmware 1.4.2. Gig on Friday & I'm stuck #PulsePad"
    )
    assert post.created_at == datetime(2024, 5, 13, 19, 2, 11, tzinfo=UTC)
    assert post.language == "en"
    assert post.url == f"https://x.com/maya_beats/status/{MAYA_ROOT}"
    assert post.thread_external_id == MAYA_ROOT
    assert post.reply_to_external_id is None
    assert (post.likes, post.reposts, post.replies) == (14, 3, 2)
    # Only a place: the location is its name and the coordinates the centre of its bbox.
    assert post.location == "Manchester, England"
    assert post.latitude == pytest.approx((53.343623 + 53.570282) / 2)
    assert post.longitude == pytest.approx((-2.319934 + -2.147026) / 2)
    assert post.author is not None
    assert post.author.external_id == "1420775501803831297"
    assert post.author.handle == "maya_beats"
    assert post.author.display_name == "Maya Okafor"
    assert post.author.location == "Manchester, England"
    assert post.author.followers == 1843
    assert post.author.verified is False
    assert post.author.url == "https://x.com/maya_beats"
    assert post.attributes == {
        "api": "v2",
        "quote_count": 0,
        "impression_count": 2310,
        "bookmark_count": 0,
        "place_id": "3ef38e2da1d0da55",
        "possibly_sensitive": False,
        "hashtags": ["PulsePad"],
        "mentions": ["voltline"],
    }
    assert post.visibility == "public"


def test_v2_long_post_uses_note_tweet_and_point_coordinates() -> None:
    post = posts_by_id("search_recent.json")[LUCIA_LONG]
    assert post.text.startswith("Long review of the Voltline PulsePad after three weeks")
    assert post.text.endswith("Anyone else using it for live sets? #PulsePad")
    assert "https://t.co/" not in post.text
    assert post.attributes["long_post"] is True
    # A GeoJSON point ([lon, lat]) wins over the place's bbox centre; the place still names the location.
    assert (post.latitude, post.longitude) == (39.469907, -0.376288)
    assert post.location == "Valencia, España"


def test_v2_threads_replies_and_quotes() -> None:
    in_file_order = [r.position for r in records("search_recent.json")]
    posts = posts_by_id("search_recent.json")
    order = list(posts)
    # Search returns newest first, so replies come before the tweet they answer.
    assert order.index(CARE_REPLY) < order.index(MAYA_ROOT)
    assert in_file_order == [1, 2, 3, 4, 5]
    assert posts[CARE_REPLY].reply_to_external_id == MAYA_ROOT
    assert posts[MAYA_THANKS].reply_to_external_id == CARE_REPLY
    assert {posts[i].thread_external_id for i in (MAYA_ROOT, CARE_REPLY, MAYA_THANKS)} == {MAYA_ROOT}
    quote = posts[LUCIA_QUOTE]
    assert quote.reply_to_external_id is None
    assert quote.attributes["quoted_id"] == MAYA_ROOT
    assert quote.language == "es"
    assert posts[CARE_REPLY].attributes["in_reply_to_user_id"] == "1420775501803831297"
    care = posts[CARE_REPLY].author
    assert care is not None and care.verified is True


def test_v2_records_hold_the_tweet_and_its_own_author_and_place() -> None:
    page = json.loads((FIXTURES / "search_recent.json").read_text())
    found = records("search_recent.json")
    # includes.tweets (the quoted root, expanded) are context, not records of their own.
    assert len(found) == len(page["data"]) == 5
    root = next(r for r in found if orjson.loads(r.raw)["id"] == MAYA_ROOT)
    assert orjson.loads(root.raw) == next(t for t in page["data"] if t["id"] == MAYA_ROOT)
    assert root.raw == orjson.dumps(orjson.loads(root.raw)).decode()  # compact JSON
    assert root.context is not None
    assert list(root.context["users"]) == ["1420775501803831297"]
    assert list(root.context["places"]) == ["3ef38e2da1d0da55"]
    # Stored raw text and context are enough to parse the record again, without the page.
    [again] = connector.parse(RawRecord(source="db", position=1, raw=root.raw, context=root.context))
    assert again == posts_by_id("search_recent.json")[MAYA_ROOT]


def test_v2_without_author_expansion_keeps_the_author_id() -> None:
    tweet = json.loads((FIXTURES / "search_recent.json").read_text())["data"][0]
    [post] = connector.parse(RawRecord(source="t", position=1, raw=json.dumps(tweet)))
    assert post.author is not None
    assert (post.author.external_id, post.author.handle) == ("1598800112233445566", "1598800112233445566")
    assert post.url == f"https://x.com/i/web/status/{LUCIA_QUOTE}"


def test_v2_single_lookup() -> None:
    [post] = parsed("tweet_lookup.json").values()
    assert isinstance(post, PostIn)
    assert post.external_id == CARE_REPLY
    assert post.reply_to_external_id == MAYA_ROOT
    assert post.author is not None and post.author.handle == "VoltlineCare"
    assert post.author.followers == 48210


def test_v2_pages_as_json_lines_number_every_tweet() -> None:
    found = records("search_pages.jsonl")
    assert [r.position for r in found] == [1, 2, 3]
    posts = posts_by_id("search_pages.jsonl")
    assert list(posts) == [DEV_AGAIN, DEV_CARE, DEV_ROOT]
    # The root is on the second page, after both replies to it.
    assert posts[DEV_CARE].reply_to_external_id == DEV_ROOT
    assert posts[DEV_AGAIN].reply_to_external_id == DEV_CARE
    assert {p.thread_external_id for p in posts.values()} == {DEV_ROOT}
    dev = posts[DEV_ROOT].author
    assert dev is not None and dev.location is None  # X sends "" for an unset location


def test_a_whole_page_handed_over_as_one_record_gives_all_its_tweets() -> None:
    raw = (FIXTURES / "search_pages.jsonl").read_text().splitlines()[0]
    posts = connector.parse(RawRecord(source="t", position=1, raw=raw))
    assert [p.external_id for p in posts] == [DEV_AGAIN, DEV_CARE]
    assert all(p.author is not None and p.author.handle in {"devramanmusic", "VoltlineCare"} for p in posts)


# --- v1.1 and archives ---------------------------------------------------------------------------


def test_v1_stream_tweet_maps_every_field() -> None:
    post = posts_by_id("v1_stream.jsonl")[TOM_ROOT]
    # Truncated streaming text: the full text is in extended_tweet, with entities unescaped.
    assert post.text == (
        "My Voltline order VL-88213 arrived with a cracked PulsePad screen & the box looked fine. "
        "Second time this month. Who do I talk to about a replacement that doesn't take 3 weeks? "
        "#PulsePad #Voltline"
    )
    assert post.created_at == datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    assert post.url == f"https://x.com/tomachterberg/status/{TOM_ROOT}"
    assert (post.latitude, post.longitude) == (51.9225, 4.47917)
    assert post.location == "Rotterdam, Nederland"
    assert (post.likes, post.reposts, post.replies) == (7, 1, 2)
    assert post.thread_external_id is None and post.reply_to_external_id is None
    assert post.author is not None
    assert (post.author.external_id, post.author.handle, post.author.display_name) == (
        "3011445566",
        "tomachterberg",
        "Tom Achterberg",
    )
    assert (post.author.location, post.author.followers, post.author.verified) == ("Rotterdam", 904, False)
    assert post.attributes["hashtags"] == ["PulsePad", "Voltline"]
    assert post.attributes["api"] == "v1.1"


def test_v1_reply_chain_and_place_centre() -> None:
    found = records("v1_stream.jsonl")
    assert found[0].raw == (FIXTURES / "v1_stream.jsonl").read_text().splitlines()[0]  # raw is the line
    posts = posts_by_id("v1_stream.jsonl")
    assert list(posts).index(TOM_THANKS) < list(posts).index(TOM_ROOT)
    assert posts[CARE_TO_TOM].reply_to_external_id == TOM_ROOT
    assert posts[TOM_THANKS].reply_to_external_id == CARE_TO_TOM
    assert all(p.thread_external_id is None for p in posts.values())  # v1.1 names no conversation
    thanks = posts[TOM_THANKS]
    assert thanks.latitude == pytest.approx((51.8616672 + 51.9886) / 2)
    assert thanks.longitude == pytest.approx((4.3793095 + 4.6018083) / 2)
    assert thanks.attributes["in_reply_to_screen_name"] == "VoltlineCare"


def test_v1_timeline_array_and_search_response() -> None:
    timeline = posts_by_id("v1_timeline.json")
    assert len(timeline) == 3
    second, first = "1050672545265483791", "1050672419436363790"
    assert timeline[second].reply_to_external_id == first
    assert "new screen kit > no need" in timeline[second].text
    assert timeline[second].replies is None  # the REST API gives no reply count
    search = posts_by_id("v1_search.json")
    assert set(search) == {TOM_ROOT, "1050296190367563789"}
    assert search[TOM_ROOT].text.startswith("My Voltline order VL-88213")


def test_twitter_archive_takes_its_author_from_account_js() -> None:
    found = records("archive/tweets.js")
    assert [r.position for r in found] == [1, 2, 3]
    assert orjson.loads(found[0].raw)["tweet"]["id_str"] == "1631334801209163794"
    posts = posts_by_id("archive/tweets.js")
    opener, update = posts["1630870491756363792"], posts["1630870785357643793"]
    assert opener.text.startswith("We know many of you are waiting for PulsePad deliveries & we're sorry")
    assert opener.likes == 54 and opener.reposts == 11  # archives write counts as strings
    assert update.reply_to_external_id == opener.external_id
    assert update.author is not None
    assert (update.author.external_id, update.author.handle) == ("1011223344556677889", "VoltlineCare")
    assert update.author.display_name == "Voltline Care"
    assert update.url == "https://x.com/VoltlineCare/status/1630870785357643793"
    assert update.created_at == datetime(2023, 3, 1, 10, 1, 10, tzinfo=UTC)


def test_archive_without_account_js_has_no_author(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "archive/tweets.js", tmp_path / "tweets.js")
    post = posts_by_id(tmp_path / "tweets.js")["1630870491756363792"]
    assert post.author is None
    assert post.url == "https://x.com/i/web/status/1630870491756363792"


# --- malformed input -----------------------------------------------------------------------------


def test_malformed_records_are_refused_with_the_reason() -> None:
    result = parsed("malformed.jsonl")
    assert list(result) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert result[1] == "missing text in tweet 1791045928351563796: a post needs non-empty text"
    assert isinstance(result[2], str) and result[2].startswith(
        "unparseable created_at in tweet 1791047186642763797 'yesterday'"
    )
    assert isinstance(result[3], PostIn) and result[3].text.startswith("Still waiting")
    assert isinstance(result[4], str) and result[4].startswith("invalid JSON at line 2:")
    assert result[5] == (
        "X returned no tweet, only errors: Could not find tweet with id: [1785610110367563799]. "
        "The post was deleted, made private or withheld; there is nothing to import"
    )
    assert isinstance(result[6], str) and result[6].startswith("missing id_str (the tweet's id)")
    assert isinstance(result[7], str) and result[7].startswith("deletion notice for tweet 1050131521992523788")
    assert isinstance(result[8], str) and result[8].startswith("not a tweet:") and "limit" in result[8]


def test_records_that_are_not_objects_or_tweets(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="expected a JSON object"):
        connector.parse(RawRecord(source="t", position=1, raw="[1, 2]"))
    with pytest.raises(ParseError, match="user without id_str or screen_name"):
        connector.parse(
            RawRecord(
                source="t",
                position=1,
                raw='{"id_str": "5", "text": "hi", "created_at": "Wed Oct 10 20:19:24 +0000 2018", '
                '"user": {"name": "x"}}',
            )
        )
    with pytest.raises(ParseError, match="without 'data'"):
        connector.parse(RawRecord(source="t", position=1, raw='{"data": null, "meta": {"result_count": 0}}'))


def test_broken_array_ends_with_a_record_that_says_why(tmp_path: Path) -> None:
    text = (FIXTURES / "v1_timeline.json").read_text()
    cut = tmp_path / "timeline.json"
    cut.write_text(text[: text.index('"id_str": "1050125071152971787"')])
    result = parsed(cut)
    assert [isinstance(v, PostIn) for v in result.values()] == [True, True, False]
    assert str(result[3]).startswith("invalid JSON after item 2 of the array")


def test_invalid_utf8_line_is_a_record(tmp_path: Path) -> None:
    lines = (FIXTURES / "v1_stream.jsonl").read_bytes().splitlines()
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(lines[0] + b"\n\n" + b'{"id_str": "9", "text": "caf\xe9"}\n' + lines[1] + b"\n")
    result = parsed(path)
    assert result[2] == "line 3 is not valid UTF-8 (invalid continuation byte at byte 28)"
    assert isinstance(result[1], PostIn) and isinstance(result[3], PostIn)


def test_empty_file_has_no_records(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("  \n")
    assert records(tmp_path / "empty.json") == []


# --- sniff ---------------------------------------------------------------------------------------

X_FILES = [
    "search_recent.json",
    "search_pages.jsonl",
    "tweet_lookup.json",
    "v1_stream.jsonl",
    "v1_timeline.json",
    "v1_search.json",
    "archive/tweets.js",
    "malformed.jsonl",
]


def head(path: Path) -> str:
    return path.read_bytes()[:16_384].decode("utf-8", errors="replace")


@pytest.mark.parametrize("name", X_FILES)
def test_sniff_recognises_every_x_format(name: str) -> None:
    assert connector.sniff(head(FIXTURES / name))


def test_sniff_recognises_a_head_cut_mid_document() -> None:
    assert connector.sniff((FIXTURES / "search_recent.json").read_text()[:900])
    assert connector.sniff((FIXTURES / "v1_timeline.json").read_text()[:700])


@pytest.mark.parametrize(
    "text",
    [
        '{"id": "1", "channel": "x", "text": "PulsePad is great", "created_at": "2024-05-01"}\n',
        "id,channel,author,text,created_at\n1,x,maya,PulsePad is great,2024-05-01\n",
        '[{"id": "1", "channel": "x", "text": "hi"}]',
        '{"data": {"id": "1", "text": "a generic data envelope"}}',
        '{"kind": "Listing", "data": {"after": null, "children": [{"kind": "t1", "data": '
        '{"id": "abc", "author_id": "t2_x", "body": "hi", "subreddit": "synthesizers"}}]}}',
        '{\n  "id": "1123", "created_at": "2024-05-01T10:00:00.000Z", "content": "<p>hi</p>",\n'
        '  "account": {"id": "9", "acct": "maya"}, "uri": "https://m.example/1"\n}',
        '{\n  "uri": "at://did:plc:abc/app.bsky.feed.post/3k", "cid": "bafy",\n'
        '  "author": {"did": "did:plc:abc", "handle": "maya.bsky.social"},\n  "record": {"text": "hi"}\n}',
        json.dumps({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
        "From someone@example.com Mon May 13 10:00:00 2024\nSubject: PulsePad\n",
        (FIXTURES / "archive/account.js").read_text(),
    ],
)
def test_sniff_rejects_other_formats(text: str) -> None:
    assert not connector.sniff(text)


def other_channel_fixtures() -> list[Path]:
    return sorted(
        p for p in CHANNELS.glob("*/fixtures/**/*") if p.is_file() and "x" not in p.relative_to(CHANNELS).parts[:1]
    )


@pytest.mark.parametrize("path", other_channel_fixtures(), ids=lambda p: str(p.relative_to(CHANNELS)))
def test_sniff_rejects_other_channels_fixtures(path: Path) -> None:
    assert not connector.sniff(head(path))
