from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import groundswell.channels.mastodon as mastodon_package
from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.mastodon.connector import MastodonConnector, expand_page
from groundswell.channels.mastodon.poller import MastodonPoller
from groundswell.channels.registry import detect_connector
from groundswell.errors import ChannelUnavailable, ConfigurationError, ParseError
from tests.support.replay_server import ReplayServer, Request, Response

FIXTURES = Path(mastodon_package.__file__).parent / "fixtures"
CHANNELS = FIXTURES.parent.parent
TAG_PATH = "/api/v1/timelines/tag/pulsepad"
ROOT_ID = "112398771204557321"
REPLY_ID = "112398790016221988"
BOOST_ID = "112398810987654321"
KOBALT_FIRST_ID = "112398765432100001"
CW_ID = "112398802245671230"

connector = MastodonConnector()


def records(name: str) -> list[RawRecord]:
    return list(connector.read(FIXTURES / name))


def posts(name: str) -> list[PostIn]:
    return [post for record in records(name) for post in connector.parse(record)]


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_status_fields_field_by_field() -> None:
    root = next(post for post in posts("hashtag_timeline.json") if post.external_id == ROOT_ID)
    assert root.channel == "mastodon"
    assert root.text == (
        "@voltline my #PulsePad pads stopped responding after the 2.1 firmware update. Pads 9-16 are dead, "
        "the rest lag. Already tried a factory reset & a different USB-C cable 😩"
    )
    assert root.created_at == datetime(2024, 5, 2, 9, 41, 27, 512000, tzinfo=UTC)
    assert root.title is None
    assert root.language == "en"
    assert root.url == "https://mastodon.example/@marisol_beats/112398771204557321"
    assert root.visibility == "public"
    assert (root.replies, root.reposts, root.likes) == (1, 2, 7)
    assert root.reply_to_external_id is None and root.thread_external_id is None
    assert root.author is not None
    assert root.author.external_id == "109348110273640712"
    assert root.author.handle == "marisol_beats"
    assert root.author.display_name == "Marisol Ortega"
    assert root.author.followers == 842
    assert root.author.url == "https://mastodon.example/@marisol_beats"
    assert root.attributes == {
        "uri": "https://mastodon.example/users/marisol_beats/statuses/112398771204557321",
        "tags": ["pulsepad"],
        "mentions": ["voltline"],
        "sensitive": False,
        "author_bot": False,
        "media_count": 0,
        "application": "Web",
    }
    json.dumps(root.attributes)  # attributes must be JSON-serialisable


def test_hashtag_timeline_reply_before_parent_and_links_and_invisible_spans() -> None:
    found = posts("hashtag_timeline.json")
    ids = [post.external_id for post in found]
    assert ids.index(REPLY_ID) < ids.index(ROOT_ID)  # newest first: the reply comes before its parent
    reply = found[ids.index(REPLY_ID)]
    assert reply.reply_to_external_id == ROOT_ID
    assert reply.attributes["in_reply_to_account_id"] == "109348110273640712"
    # Mastodon hides parts of long links in spans; the text keeps the whole link.
    assert "https://voltline.example/support/pulsepad-firmware" in reply.text
    assert "\n" in reply.text  # paragraphs stay apart


def test_records_keep_each_status_as_compact_json_with_item_positions() -> None:
    read = records("hashtag_timeline.json")
    original = fixture_json("hashtag_timeline.json")
    assert [record.position for record in read] == [1, 2, 3, 4, 5]
    assert [json.loads(record.raw) for record in read] == original
    assert read[0].source == str(FIXTURES / "hashtag_timeline.json")


def test_reblog_yields_the_original_status_and_notes_the_booster() -> None:
    boost_record = records("hashtag_timeline.json")[0]
    assert json.loads(boost_record.raw)["id"] == BOOST_ID  # the raw is the boost as received
    (post,) = connector.parse(boost_record)
    assert post.external_id == KOBALT_FIRST_ID
    assert post.author is not None and post.author.handle == "dj_kobalt@synth.town.example"
    assert post.text.startswith("Just unboxed the #PulsePad.")
    assert post.attributes["boosted_by"] == "pulse_deals"
    assert post.attributes["boost_id"] == BOOST_ID
    assert post.attributes["boosted_at"] == "2024-05-02T10:30:00.000Z"


def test_content_warning_becomes_title_and_visibility_is_kept() -> None:
    rant = next(post for post in posts("hashtag_timeline.json") if post.title)
    assert rant.title == "PulsePad rant"
    assert rant.visibility == "unlisted"
    assert rant.attributes["sensitive"] is True


def test_context_response_threads_every_reply_to_the_root() -> None:
    found = posts("status_context.json")
    assert [(post.external_id, post.reply_to_external_id, post.thread_external_id) for post in found] == [
        (ROOT_ID, None, None),
        ("112398851133229876", REPLY_ID, ROOT_ID),
        ("112398866540018877", "112398851133229876", ROOT_ID),
    ]


def test_context_without_ancestors_threads_to_the_focal_status() -> None:
    context = fixture_json("status_context.json")
    page = {"ancestors": [], "descendants": context["descendants"]}
    item, item_context = expand_page(page)[0]
    (post,) = connector.parse(RawRecord("context", 1, json.dumps(item), context=item_context))
    assert post.thread_external_id == REPLY_ID


def test_search_v2_response_yields_its_statuses_only() -> None:
    found = posts("search_v2.json")
    assert [post.external_id for post in found] == ["112399004512300045", "112398990001234567"]
    assert found[1].reposts == 12 and found[1].likes == 48


def test_mention_notifications_keep_direct_visibility() -> None:
    found = posts("notifications_mentions.json")
    direct = found[0]
    assert direct.external_id == "112399120045567788"
    assert direct.visibility == "direct"  # a direct message to the brand must stay private
    assert direct.attributes["notification_id"] == "48211"
    assert direct.attributes["notification_type"] == "mention"
    assert "charged twice" in direct.text
    assert found[1].reply_to_external_id == REPLY_ID


def test_json_lines_keep_each_line_verbatim() -> None:
    read = records("statuses.jsonl")
    lines = (FIXTURES / "statuses.jsonl").read_text().splitlines()
    assert [record.raw for record in read] == lines
    assert [record.position for record in read] == [1, 2, 3]
    found = [connector.parse(record)[0] for record in read]
    assert found[0].reply_to_external_id == found[1].external_id  # line 1 replies to line 2
    assert found[2].attributes["boosted_by"] == "pulse_deals"


@pytest.mark.parametrize(
    ("position", "message"),
    [
        (2, "invalid JSON at line 2"),
        (3, "missing created_at on status 112399200000000001"),
        (4, "unknown visibility 'limited' on status 112399200000000002"),
        (5, "status 112399200000000003 has no text"),
        (6, "missing account on status 112399200000000004"),
        (7, "notification 48200 of type 'favourite' is not a post"),
        (8, "missing id (status id)"),
        (9, "expected a JSON object"),
    ],
)
def test_malformed_records_raise_helpful_parse_errors(position: int, message: str) -> None:
    record = next(record for record in records("malformed.jsonl") if record.position == position)
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        connector.parse(record)


def test_malformed_file_still_parses_its_good_line() -> None:
    first = records("malformed.jsonl")[0]
    assert connector.parse(first)[0].external_id == ROOT_ID


def test_truncated_array_reports_the_rest_as_one_failing_record(tmp_path: Path) -> None:
    text = (FIXTURES / "hashtag_timeline.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index('"id": "112398790016221988"')])  # ends inside the third status
    read = list(connector.read(cut))
    assert [record.position for record in read] == [1, 2, 3]
    assert len(connector.parse(read[1])) == 1
    with pytest.raises(ParseError, match="invalid JSON after item 2"):
        connector.parse(read[2])


def test_pretty_printed_single_status_keeps_the_document_as_raw(tmp_path: Path) -> None:
    status = fixture_json("search_v2.json")["statuses"][0]
    path = tmp_path / "status.json"
    path.write_text(json.dumps(status, indent=2))
    (record,) = connector.read(path)
    assert record.raw == path.read_text().strip()
    assert connector.parse(record)[0].external_id == status["id"]


def test_unknown_notification_without_status_is_reported() -> None:
    follow = {"id": "9", "type": "follow", "created_at": "2024-05-02T00:00:00.000Z", "account": {}}
    with pytest.raises(ParseError, match="type 'follow' is not a post"):
        connector.parse(RawRecord("x", 1, json.dumps(follow)))
    deleted = {"id": "10", "type": "mention", "created_at": "2024-05-02T00:00:00.000Z", "status": None}
    with pytest.raises(ParseError, match="has no status object"):
        connector.parse(RawRecord("x", 1, json.dumps(deleted)))


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.name != "malformed.jsonl"))
def test_sniff_accepts_every_mastodon_fixture(name: str) -> None:
    assert connector.sniff((FIXTURES / name).read_text()[:16384])


@pytest.mark.parametrize(
    "head",
    [
        '{"id": "1", "channel": "mastodon", "text": "PulsePad is great", "created_at": "2024-05-02"}\n',
        '{"id": 2, "channel": "x", "author": "ana", "text": "hi", "account": "Voltline", "visibility": "public"}\n',
        "id,channel,author,text,created_at\n1,mastodon,ana,PulsePad is great,2024-05-02\n",
        "<?xml version='1.0'?><rss></rss>",
    ],
)
def test_sniff_rejects_generic_and_other_formats(head: str) -> None:
    assert not connector.sniff(head)


def test_sniff_rejects_other_channels_fixtures() -> None:
    others = [
        path for path in CHANNELS.glob("*/fixtures/*") if path.is_file() and path.parent.parent.name != "mastodon"
    ]
    assert others, "the Bluesky fixtures at least should be there"
    for path in others:
        head = path.read_bytes()[:16384].decode("utf-8", errors="replace")
        assert not connector.sniff(head), path


# Poller, against a real local HTTP server replaying the fixtures.


def timeline_page(request: Request) -> Response:
    """The hashtag timeline as Mastodon serves it: newest first, since_id/max_id exclusive, limit."""
    statuses = fixture_json("hashtag_timeline.json")
    unique = sorted({s["id"]: s for s in statuses}.values(), key=lambda s: int(s["id"]), reverse=True)
    since = int(request.query.get("since_id", ["0"])[0])
    below = int(request.query.get("max_id", [str(10**20)])[0])
    limit = int(request.query.get("limit", ["20"])[0])
    page = [s for s in unique if since < int(s["id"]) < below][:limit]
    return Response(body=page)


def test_poller_fetches_hashtag_timeline_with_token(replay: ReplayServer) -> None:
    body = (FIXTURES / "hashtag_timeline.json").read_text()
    replay.route("GET", TAG_PATH, Response(body=body))
    poller = MastodonPoller(replay.url, access_token="voltline-token", hashtag="#PulsePad")
    result = poller.poll(None)
    (request,) = replay.requests_to(TAG_PATH)
    assert request.headers["authorization"] == "Bearer voltline-token"
    assert request.query == {"limit": ["40"]}
    assert request.headers["user-agent"].startswith("groundswell/")
    assert result.cursor == BOOST_ID  # the newest status id seen
    # Oldest first, each status exactly as the server sent it, and parseable by the connector.
    sent = {status["id"]: status for status in json.loads(body)}
    assert [json.loads(record.raw)["id"] for record in result.records] == sorted(sent)
    assert all(json.loads(record.raw) == sent[json.loads(record.raw)["id"]] for record in result.records)
    assert [record.position for record in result.records] == [1, 2, 3, 4, 5]
    assert result.records[0].source == f"{replay.url}{TAG_PATH}"
    parsed = [connector.parse(record)[0] for record in result.records]
    assert parsed[-1].attributes["boosted_by"] == "pulse_deals"
    assert poller.source_key == f"mastodon:{replay.url}#tag/pulsepad"


def test_poller_sends_cursor_as_since_id_and_keeps_it_when_nothing_is_new(replay: ReplayServer) -> None:
    replay.route("GET", TAG_PATH, timeline_page)
    poller = MastodonPoller(replay.url, hashtag="pulsepad")
    result = poller.poll(BOOST_ID)
    (request,) = replay.requests_to(TAG_PATH)
    assert request.query["since_id"] == [BOOST_ID]
    assert "authorization" not in request.headers  # public timeline, no token given
    assert result.records == [] and result.cursor == BOOST_ID


def test_poller_pages_back_to_the_cursor_when_a_page_is_full(replay: ReplayServer) -> None:
    replay.route("GET", TAG_PATH, timeline_page)
    poller = MastodonPoller(replay.url, hashtag="pulsepad", limit=2)
    result = poller.poll(KOBALT_FIRST_ID)
    queries = [request.query for request in replay.requests_to(TAG_PATH)]
    assert queries == [
        {"since_id": [KOBALT_FIRST_ID], "limit": ["2"]},
        {"since_id": [KOBALT_FIRST_ID], "max_id": [CW_ID], "limit": ["2"]},
        {"since_id": [KOBALT_FIRST_ID], "max_id": [ROOT_ID], "limit": ["2"]},  # still full: one more
    ]
    ids = [json.loads(record.raw)["id"] for record in result.records]
    assert ids == [ROOT_ID, REPLY_ID, CW_ID, BOOST_ID]
    assert result.cursor == BOOST_ID


def test_poller_mentions_use_notification_ids_as_cursor(replay: ReplayServer) -> None:
    replay.route("GET", "/api/v1/notifications", Response(body=(FIXTURES / "notifications_mentions.json").read_text()))
    poller = MastodonPoller(replay.url, access_token="voltline-token", mentions=True)
    result = poller.poll("48100")
    (request,) = replay.requests_to("/api/v1/notifications")
    assert request.query == {"since_id": ["48100"], "limit": ["40"], "types[]": ["mention"]}
    assert request.headers["authorization"] == "Bearer voltline-token"
    assert result.cursor == "48211"
    assert [json.loads(record.raw)["id"] for record in result.records] == ["48190", "48211"]
    assert connector.parse(result.records[1])[0].visibility == "direct"


def test_poller_search_leaves_out_what_the_cursor_covers(replay: ReplayServer) -> None:
    replay.route("GET", "/api/v2/search", Response(body=(FIXTURES / "search_v2.json").read_text()))
    poller = MastodonPoller(replay.url, access_token="voltline-token", query="voltline pulsepad")
    result = poller.poll("112398990001234567")
    (request,) = replay.requests_to("/api/v2/search")
    assert request.query == {"q": ["voltline pulsepad"], "type": ["statuses"], "limit": ["40"]}
    assert [json.loads(record.raw)["id"] for record in result.records] == ["112399004512300045"]
    assert result.cursor == "112399004512300045"
    assert [len(poller.poll(None).records)] == [2]


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "refused the access token \\(401\\)"), (403, "refused the access token \\(403\\)"), (429, "rate limited")],
)
def test_poller_turns_refusals_into_channel_unavailable(replay: ReplayServer, status: int, message: str) -> None:
    replay.route("GET", TAG_PATH, Response(status, {"error": "The access token is invalid"}))
    poller = MastodonPoller(replay.url, access_token="expired", hashtag="pulsepad")
    with pytest.raises(ChannelUnavailable, match=message):
        poller.poll(None)


def test_poller_reports_an_unreachable_instance() -> None:
    poller = MastodonPoller("http://127.0.0.1:9", hashtag="pulsepad")
    with pytest.raises(ChannelUnavailable, match=r"cannot reach http://127\.0\.0\.1:9"):
        poller.poll(None)


@pytest.mark.parametrize(
    "arguments",
    [{}, {"hashtag": "pulsepad", "query": "voltline"}, {"mentions": True}],
)
def test_poller_needs_exactly_one_thing_to_follow(arguments: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        MastodonPoller("https://mastodon.example", **arguments)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_auto_detection_picks_mastodon_for_its_fixtures(name: str) -> None:
    assert detect_connector(FIXTURES / name).name == "mastodon"


def test_poller_rate_limit_message_says_when_to_retry(replay: ReplayServer) -> None:
    reset = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"}
    replay.route("GET", TAG_PATH, Response(429, {"error": "Too many requests"}, reset))
    poller = MastodonPoller(replay.url, access_token="voltline-token", hashtag="pulsepad")
    with pytest.raises(
        ChannelUnavailable, match=r"rate limited by http://127\.0\.0\.1:\d+; retry after 2099-01-01T00:0"
    ):
        poller.poll(None)
