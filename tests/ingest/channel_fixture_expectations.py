"""What `groundswell ingest` must make of every recorded channel fixture, spelled out by external id.

Each fixture lists its conversations as {root external id: external ids of the posts stored in it}. A root
that is not among the posts is the parent of a reply whose own parent is not in the file: the conversation
is keyed by it until it arrives (see groundswell.ingest.threading). The quarantined records and their
reasons are the ones the channel tests in tests/channels/ name as malformed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FixtureExpectation:
    connector: str  # the format auto-detection must pick, stored as posts.source_format
    channel: str
    conversations: dict[str, frozenset[str]]
    duplicates: int = 0  # the same post twice in one file (e.g. a Mastodon boost of a status also listed)
    quarantined: dict[int, str] = field(default_factory=dict)  # position -> part of the reason
    # (reply, parent) pairs where the reply's record comes before its parent's in the file.
    replies_before_parents: tuple[tuple[str, str], ...] = ()

    @property
    def posts(self) -> frozenset[str]:
        return frozenset().union(*self.conversations.values())


def threads(*groups: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Conversations written as (root, member, member, ...); the root is a member only if listed again."""
    return {root: frozenset(members) for root, *members in groups}


def alone(*ids: str) -> dict[str, frozenset[str]]:
    """Posts that are each the root of their own one-post conversation."""
    return {post_id: frozenset({post_id}) for post_id in ids}


# Non-post files: responses the pollers' tests replay. Listed by name so that a new fixture is never
# skipped silently: test_every_fixture_is_classified fails until it is added here or to EXPECTATIONS.
NOT_POST_DATA = {
    "bluesky/create_session.json": "com.atproto.server.createSession response (session tokens)",
    "reddit/access_token.json": "OAuth2 token response",
    "x/error_401.json": "API error body (unauthorised)",
    "x/error_429.json": "API error body (rate limited)",
    "x/error_invalid_query.json": "API error body (bad query)",
    "x/search_empty.json": "a search page with no tweets in it",
    "x/archive/account.js": "the archive's account record, read only as context for tweets.js",
}

# --- Bluesky: one thread ROOT <- REPLY_1 <- REPLY_2 <- REPLY_3 (reply.root names ROOT) ---
_BSKY = "at://did:plc:{}/app.bsky.feed.post/{}"
BSKY_ROOT = _BSKY.format("m4r1s0lq7ztb2cx5wd3nh6ke", "3ktq2bwx5lc2a")
BSKY_REPLY_1 = _BSKY.format("pr1yak6w2m7vq3xg5tdz4jbn", "3ktq2fnm7dk2x")
BSKY_REPLY_2 = _BSKY.format("v7q3ltn5e2kzr4ypw6hxoa3m", "3ktq2jyzxrs2k")
BSKY_REPLY_3 = _BSKY.format("m4r1s0lq7ztb2cx5wd3nh6ke", "3ktq2owtdwc2p")
BSKY_UNBOXING = _BSKY.format("k0b4ltx9g3fe6rw2yu5sdm7c", "3ktpzuhq4fs2o")
BSKY_OWN_POST = _BSKY.format("v7q3ltn5e2kzr4ypw6hxoa3m", "3ktq2hsd2gk2c")
BSKY_SEARCH_HIT = _BSKY.format("pr1yak6w2m7vq3xg5tdz4jbn", "3ktq4c7vfje2s")
BSKY_THREAD = (BSKY_ROOT, BSKY_ROOT, BSKY_REPLY_1, BSKY_REPLY_2, BSKY_REPLY_3)

# --- Mastodon: MASTO_ROOT <- MASTO_REPLY <- MASTO_REPLY_2 <- MASTO_REPLY_3 (in_reply_to_id only) ---
MASTO_ROOT = "112398771204557321"
MASTO_REPLY = "112398790016221988"
MASTO_REPLY_2 = "112398851133229876"
MASTO_REPLY_3 = "112398866540018877"

# --- RSS: an article and its comments 1188 <- 1189 <- 1190 (Atom threading) ---
ARTICLE = "https://blog.voltline.example/?p=412"
COMMENTS = tuple(f"{ARTICLE}#comment-{n}" for n in (1188, 1189, 1190))

EXPECTATIONS: dict[str, FixtureExpectation] = {
    "bluesky/author_feed.json": FixtureExpectation(
        "bluesky",
        "bluesky",
        # A reply whose parent is not in the feed still joins the thread that reply.root names.
        {**threads((BSKY_ROOT, BSKY_REPLY_2)), **alone(BSKY_OWN_POST, BSKY_UNBOXING)},
    ),
    "bluesky/malformed.jsonl": FixtureExpectation(
        "bluesky",
        "bluesky",
        alone(BSKY_ROOT),
        quarantined={
            2: "invalid JSON at line 2",
            3: "missing uri",
            4: "is a 'app.bsky.feed.like', not an app.bsky.feed.post",
            5: "has no text",
            6: "unparseable createdAt on at://",
            7: "missing author on at://",
            8: "is blocked",
            9: "expected a JSON object",
        },
    ),
    "bluesky/post_thread.json": FixtureExpectation(
        "bluesky", "bluesky", threads(BSKY_THREAD), quarantined={5: "was not found"}
    ),
    "bluesky/posts.jsonl": FixtureExpectation(
        "bluesky",
        "bluesky",
        {**threads((BSKY_ROOT, BSKY_REPLY_3, BSKY_REPLY_2)), **alone(BSKY_UNBOXING)},
        replies_before_parents=((BSKY_REPLY_3, BSKY_REPLY_2),),
    ),
    "bluesky/search_posts.json": FixtureExpectation(
        "bluesky",
        "bluesky",
        {**threads(BSKY_THREAD), **alone(BSKY_SEARCH_HIT)},
        replies_before_parents=((BSKY_REPLY_3, BSKY_REPLY_2), (BSKY_REPLY_1, BSKY_ROOT)),
    ),
    "email/pulsepad_return_request.eml": FixtureExpectation(
        "email",
        "email",
        # References names the first message of the exchange, which is not in this file.
        threads(("CAB9dev.8120@mail.example.net", "CAB9dev.8133@mail.example.net")),
    ),
    "email/voltline_support.mbox": FixtureExpectation(
        "email",
        "email",
        {
            **threads(
                (
                    "CAF1maja.7731@mail.example.com",
                    "CAF1maja.7731@mail.example.com",
                    "care-7731.1@support.voltline.example",
                    "CAF1maja.7744@mail.example.com",
                ),
                ("care-8002.1@support.voltline.example", "20250305091000.4420@mail.example.net"),
            ),
            **alone("20250305073000.4411@mail.example.net"),
        },
        quarantined={6: "missing Message-ID", 7: "unparseable Date header 'yesterday afternoon'"},
        replies_before_parents=(("care-7731.1@support.voltline.example", "CAF1maja.7731@mail.example.com"),),
    ),
    "mastodon/hashtag_timeline.json": FixtureExpectation(
        "mastodon",
        "mastodon",
        {
            **threads((MASTO_ROOT, MASTO_ROOT, MASTO_REPLY)),
            **alone("112398765432100001", "112398802245671230"),
        },
        duplicates=1,  # the boost at the top carries 112398765432100001, which is also listed itself
        replies_before_parents=((MASTO_REPLY, MASTO_ROOT),),
    ),
    "mastodon/malformed.jsonl": FixtureExpectation(
        "mastodon",
        "mastodon",
        alone(MASTO_ROOT),
        quarantined={
            2: "invalid JSON at line 2",
            3: "missing created_at on status 112399200000000001",
            4: "unknown visibility 'limited' on status 112399200000000002",
            5: "status 112399200000000003 has no text",
            6: "missing account on status 112399200000000004",
            7: "notification 48200 of type 'favourite' is not a post",
            8: "missing id (status id)",
            9: "expected a JSON object",
        },
    ),
    "mastodon/notifications_mentions.json": FixtureExpectation(
        "mastodon", "mastodon", {**threads((MASTO_REPLY, MASTO_REPLY_2)), **alone("112399120045567788")}
    ),
    "mastodon/search_v2.json": FixtureExpectation(
        "mastodon", "mastodon", alone("112399004512300045", "112398990001234567")
    ),
    "mastodon/status_context.json": FixtureExpectation(
        "mastodon", "mastodon", threads((MASTO_ROOT, MASTO_ROOT, MASTO_REPLY_2, MASTO_REPLY_3))
    ),
    "mastodon/statuses.jsonl": FixtureExpectation(
        "mastodon",
        "mastodon",
        # Walking the reply links through the file finds the root, although it is not in the file.
        {**threads((MASTO_ROOT, MASTO_REPLY_2, MASTO_REPLY)), **alone("112398765432100001")},
        replies_before_parents=((MASTO_REPLY_2, MASTO_REPLY),),
    ),
    "reddit/comments_listing.json": FixtureExpectation(
        "reddit",
        "reddit",
        threads(("t3_1c8w7kq", "t1_l0fb7h8", "t1_l0fb1a2"), ("t3_1c8x0a1", "t1_l0f9c33", "t1_l0f8b22")),
        quarantined={4: "t1_l0f8zz1 was removed by the moderators"},
        replies_before_parents=(("t1_l0fb7h8", "t1_l0fb1a2"),),
    ),
    "reddit/comments_page.json": FixtureExpectation(
        "reddit",
        "reddit",
        threads(("t3_1c8x0a1", "t3_1c8x0a1", "t1_l0f7a11", "t1_l0f8b22", "t1_l0f9c33")),
        quarantined={5: "t1_l0f8zz9 was deleted by its author"},
    ),
    "reddit/listings.jsonl": FixtureExpectation(
        "reddit",
        "reddit",
        threads(("t3_1c9a2bb", "t3_1c9a2bb", "t1_l0fd0e1")),
        quarantined={3: "invalid JSON on line 3", 4: "unsupported Reddit kind 't5'"},
        replies_before_parents=(("t1_l0fd0e1", "t3_1c9a2bb"),),
    ),
    "reddit/new_listing.json": FixtureExpectation(
        "reddit",
        "reddit",
        alone("t3_1c8x0a1", "t3_1c8w7kq"),
        quarantined={
            3: "t3_1c8v3zz was deleted by its author",
            4: "missing created_utc of t3_1c8u1mm",
            5: "t3_1c8t9aa was removed by the moderators",
        },
    ),
    "reddit/search_listing.json": FixtureExpectation(
        "reddit", "reddit", alone("t3_1c8x0a1"), quarantined={2: "missing created_utc of t3_1c8u1mm"}
    ),
    "reviews/amazon_customer_reviews.tsv": FixtureExpectation(
        "reviews",
        "reviews",
        alone("R2VX1PULSE0001", "R1PULSEPAD0002", "R3PULSEPAD0003"),
        quarantined={
            5: "star_rating '7' is out of range",
            6: "14 cells but the header has 15",
            7: "unparseable review_date 'sometime last week'",
        },
    ),
    "reviews/amazon_reviews_2023.jsonl": FixtureExpectation(
        "reviews",
        "reviews",
        alone(
            "AE3VOLTLINEFANXQ7K2Q4ZJ5LMNA:B0VOLTPP16:1700000000000",
            "AFQ2PULSEBUYERM7Z4TNC3K8WYQA:B0VOLTPP16:1700086400123",
            "AGZ9MINIUSERK2L7QW3E5RT6YUIO:B0VOLTPP08:1700172800000",
        ),
        quarantined={4: "invalid JSON at line 4", 5: "rating 6.0 is out of range", 6: "missing user_id"},
    ),
    "reviews/voltline_reviews.json": FixtureExpectation(
        "reviews",
        "reviews",
        alone("tp-5001", "tp-5002", "tp-5004"),
        quarantined={3: "expected a JSON object for each review"},
    ),
    "reviews/voltline_reviews_export.csv": FixtureExpectation(
        "reviews",
        "reviews",
        {**threads(("rv-1002", "rv-1002", "rv-1003")), **alone("rv-1001", "rv-1004")},
        quarantined={
            7: "invalid rating 'eleven'",
            8: "rating '12' is out of range",
            9: "missing body (and no title either)",
            10: "missing date",
        },
        replies_before_parents=(("rv-1003", "rv-1002"),),
    ),
    "rss/blog_posts.rss": FixtureExpectation(
        "rss",
        "rss",
        alone(
            ARTICLE,
            "https://blog.voltline.example/?p=418",
            "https://blog.voltline.example/2024/04/berlin-synth-meetup/",
        ),
        quarantined={3: "missing date: entry https://blog.voltline.example/?p=405 has no <pubDate>"},
    ),
    "rss/comments.atom": FixtureExpectation(
        "rss",
        "rss",
        threads((ARTICLE, *COMMENTS)),
        quarantined={4: f"missing date: entry {ARTICLE}#comment-1185"},
        replies_before_parents=((COMMENTS[2], COMMENTS[1]), (COMMENTS[1], COMMENTS[0])),
    ),
    "rss/comments.rss": FixtureExpectation(
        "rss",
        "rss",
        threads((ARTICLE, *COMMENTS)),
        quarantined={4: "missing text: entry https://blog.voltline.example/?p=405#comment-1180"},
    ),
    "rss/news.rdf": FixtureExpectation(
        "rss",
        "rss",
        alone(
            "https://gearwire.example/2024/05/voltline-pulsepad-recall-rumour",
            "https://gearwire.example/2024/04/pulsepad-review",
        ),
    ),
    "x/archive/tweets.js": FixtureExpectation(
        "x",
        "x",
        threads(
            ("1631331026335563795", "1631334801209163794"),
            ("1630870491756363792", "1630870491756363792", "1630870785357643793"),
        ),
        replies_before_parents=(("1630870785357643793", "1630870491756363792"),),
    ),
    "x/malformed.jsonl": FixtureExpectation(
        "x",
        "x",
        alone("1791048444933963798"),
        quarantined={
            1: "missing text in tweet 1791045928351563796",
            2: "unparseable created_at in tweet 1791047186642763797 'yesterday'",
            4: "invalid JSON at line 2",
            5: "X returned no tweet, only errors",
            6: "missing id_str (the tweet's id)",
            7: "deletion notice for tweet 1050131521992523788",
            8: "not a tweet:",
        },
    ),
    "x/search_pages.jsonl": FixtureExpectation(
        "x",
        "x",
        threads(("1790703673145163783", "1790703673145163783", "1790714368620363784", "1790721477965643785")),
        replies_before_parents=(("1790721477965643785", "1790714368620363784"),),
    ),
    "x/search_recent.json": FixtureExpectation(
        "x",
        "x",
        {
            **threads(("1790095209658187777", "1790095209658187777", "1790120098658123780", "1790125861631819781")),
            **alone("1790283454216011782", "1790113702344523779"),
        },
        replies_before_parents=(("1790125861631819781", "1790120098658123780"),),
    ),
    "x/tweet_lookup.json": FixtureExpectation(
        "x",
        "x",
        threads(("1790095209658187777", "1790120098658123780")),  # conversation_id names the root
    ),
    "x/v1_search.json": FixtureExpectation("x", "x", alone("1050296190367563789", "1050118620313419786")),
    "x/v1_stream.jsonl": FixtureExpectation(
        "x",
        "x",
        # v1.1 has no conversation id: the chain is walked backwards through the file.
        {
            **threads(("1050118620313419786", "1050118620313419786", "1050125071152971787", "1050131521992523788")),
            **alone("1050296190367563789"),
        },
        replies_before_parents=(
            ("1050131521992523788", "1050125071152971787"),
            ("1050125071152971787", "1050118620313419786"),
        ),
    ),
    "x/v1_timeline.json": FixtureExpectation(
        "x",
        "x",
        threads(
            ("1050672419436363790", "1050672419436363790", "1050672545265483791"),
            ("1050118620313419786", "1050125071152971787"),
        ),
        replies_before_parents=(("1050672545265483791", "1050672419436363790"),),
    ),
}

# Threads whose posts come from several fixtures: ingested together they must form one conversation each.
CROSS_FILE_THREADS: dict[tuple[str, str], frozenset[str]] = {
    ("bluesky", BSKY_ROOT): frozenset(BSKY_THREAD),
    ("mastodon", MASTO_ROOT): frozenset({MASTO_ROOT, MASTO_REPLY, MASTO_REPLY_2, MASTO_REPLY_3}),
    ("reddit", "t3_1c8x0a1"): frozenset({"t3_1c8x0a1", "t1_l0f7a11", "t1_l0f8b22", "t1_l0f9c33"}),
    ("reddit", "t3_1c8w7kq"): frozenset({"t3_1c8w7kq", "t1_l0fb1a2", "t1_l0fb7h8"}),
    ("rss", ARTICLE): frozenset({ARTICLE, *COMMENTS}),
    ("x", "1790095209658187777"): frozenset({"1790095209658187777", "1790120098658123780", "1790125861631819781"}),
    ("x", "1050118620313419786"): frozenset({"1050118620313419786", "1050125071152971787", "1050131521992523788"}),
}
