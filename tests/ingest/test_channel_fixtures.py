"""Every channel's recorded fixtures go through `groundswell ingest` (format auto-detected) into the right
posts, quarantine entries and conversations. The expectations per file are in channel_fixture_expectations."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import func, select

import groundswell.channels
from groundswell.channels.registry import get_connector
from groundswell.cli.common import Store
from groundswell.errors import ParseError
from groundswell.models import Conversation, IngestRun, Post, QuarantinedRecord
from tests.ingest.channel_fixture_expectations import (
    CROSS_FILE_THREADS,
    EXPECTATIONS,
    NOT_POST_DATA,
    FixtureExpectation,
)
from tests.support.cli import invoke_json

CHANNELS_DIR = Path(groundswell.channels.__file__).parent
Threads = dict[tuple[str, str], frozenset[str]]  # (channel, root external id) -> external ids of its posts


def discover_fixtures() -> set[str]:
    """Every file under src/groundswell/channels/<name>/fixtures/, as '<name>/<path inside fixtures>'."""
    found: set[str] = set()
    for fixtures in sorted(CHANNELS_DIR.glob("*/fixtures")):
        channel = fixtures.parent.name
        found.update(f"{channel}/{p.relative_to(fixtures).as_posix()}" for p in fixtures.rglob("*") if p.is_file())
    return found


def fixture_path(name: str) -> Path:
    channel, inner = name.split("/", 1)
    return CHANNELS_DIR / channel / "fixtures" / inner


POST_FIXTURES = sorted(discover_fixtures() - NOT_POST_DATA.keys())


class StoredPost(NamedTuple):
    channel: str
    source_format: str
    conversation_id: int
    reply_to: str | None


def stored_posts(store: Store) -> dict[str, StoredPost]:
    columns = (Post.external_id, Post.channel, Post.source_format, Post.conversation_id, Post.reply_to_external_id)
    with store.sessions() as session:
        return {row[0]: StoredPost(*row[1:]) for row in session.execute(select(*columns))}


def stored_threads(store: Store) -> Threads:
    """Each conversation with its posts, after checking that its post_count is the number of posts in it."""
    stmt = select(Conversation.channel, Conversation.root_external_id, Conversation.post_count, Post.external_id)
    stmt = stmt.outerjoin(Post, Post.conversation_id == Conversation.id)
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: dict[tuple[str, str], int] = {}
    with store.sessions() as session:
        for channel, root, post_count, external_id in session.execute(stmt):
            counts[(channel, root)] = post_count
            if external_id is not None:
                members[(channel, root)].add(external_id)
    assert counts == {key: len(members[key]) for key in counts}, "conversations.post_count != posts stored in it"
    return {key: frozenset(members[key]) for key in counts}


def quarantined(store: Store) -> list[tuple[str, int, str, str]]:
    """(source, position, source_format, reason) of every quarantined record, oldest first."""
    with store.sessions() as session:
        records = session.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id))
        return [(r.source, r.position, r.source_format, r.reason) for r in records]


def first_positions(connector_name: str, path: Path) -> dict[str, int]:
    """Where each post first appears in the file, as the connector numbers records."""
    connector = get_connector(connector_name)
    positions: dict[str, int] = {}
    for record in connector.read(path):
        try:
            posts = connector.parse(record)
        except ParseError:
            continue
        for post in posts:
            positions.setdefault(post.external_id, record.position)
    return positions


def assert_quarantined(store: Store, path: Path, expected: FixtureExpectation) -> list[tuple[str, int, str, str]]:
    """The file's records that the channel tests call malformed are quarantined, with their reasons."""
    rejected = quarantined(store)
    assert {(source, fmt) for source, _, fmt, _ in rejected} <= {(str(path), expected.connector)}
    reasons = {position: reason for _, position, _, reason in rejected}
    assert sorted(reasons) == sorted(expected.quarantined)
    for position, fragment in expected.quarantined.items():
        assert fragment in reasons[position], (position, reasons[position])
    return rejected


def expected_counts(expected: FixtureExpectation, *, again: bool = False) -> dict[str, int]:
    parsed = len(expected.posts) + expected.duplicates
    bad = len(expected.quarantined)
    if again:
        return {"read": parsed + bad, "new": 0, "duplicates": parsed, "quarantined": bad}
    return {"read": parsed + bad, "new": len(expected.posts), "duplicates": expected.duplicates, "quarantined": bad}


def expectation(name: str) -> FixtureExpectation:
    if name not in EXPECTATIONS:
        pytest.fail(f"no expectations for the fixture {name}: add it to tests/ingest/channel_fixture_expectations.py")
    return EXPECTATIONS[name]


def test_every_fixture_is_classified() -> None:
    discovered = discover_fixtures()
    assert discovered - EXPECTATIONS.keys() - NOT_POST_DATA.keys() == set(), "add expectations for new fixtures"
    assert (EXPECTATIONS.keys() | NOT_POST_DATA.keys()) - discovered == set(), "expectations for missing files"
    assert EXPECTATIONS.keys() & NOT_POST_DATA.keys() == set()
    channels = {name.split("/")[0] for name in POST_FIXTURES}
    assert channels >= {"x", "mastodon", "bluesky", "reddit", "rss", "reviews", "email"}


@pytest.mark.parametrize("name", POST_FIXTURES)
def test_fixture_is_detected_stored_and_threaded(store: Store, name: str) -> None:
    expected, path = expectation(name), fixture_path(name)
    assert invoke_json("ingest", str(path)) == expected_counts(expected)

    posts = stored_posts(store)
    assert set(posts) == expected.posts
    assert {(p.channel, p.source_format) for p in posts.values()} == {(expected.channel, expected.connector)}
    threads = stored_threads(store)
    assert threads == {(expected.channel, root): ids for root, ids in expected.conversations.items()}
    rejected = assert_quarantined(store, path, expected)

    positions = first_positions(expected.connector, path)
    for reply, parent in expected.replies_before_parents:
        assert positions[reply] < positions[parent], f"{reply} no longer comes before {parent} in {name}"
        assert posts[reply].reply_to == parent
        assert posts[reply].conversation_id == posts[parent].conversation_id

    assert invoke_json("ingest", str(path)) == expected_counts(expected, again=True)
    assert stored_threads(store) == threads
    assert quarantined(store) == rejected  # the same bad records are not stored twice


def merged_threads(names: list[str]) -> set[tuple[str, frozenset[str]]]:
    """The conversations the files make together: threads that share a post or a root are one thread."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    posts: set[tuple[str, str]] = set()
    for name in names:
        expected = EXPECTATIONS[name]
        for root, ids in expected.conversations.items():
            for post_id in ids:
                parent[find((expected.channel, post_id))] = find((expected.channel, root))
                posts.add((expected.channel, post_id))
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for channel, post_id in posts:
        groups[find((channel, post_id))].add(post_id)
    return {(channel, frozenset(ids)) for (channel, _), ids in groups.items()}


@pytest.mark.parametrize(
    ("reverse", "batch_size"),
    [(False, "2000"), (True, "2000"), (True, "1")],
    ids=["in-order", "reversed", "reversed-one-record-per-batch"],
)
def test_all_fixtures_in_one_command(store: Store, reverse: bool, batch_size: str) -> None:
    """With one record per batch, replies are committed before their parents arrive and merged later."""
    names = sorted(EXPECTATIONS, reverse=reverse)
    paths = {str(fixture_path(name)): EXPECTATIONS[name] for name in names}
    posts_by_channel: dict[str, set[str]] = defaultdict(set)
    quarantined_by_format: Counter[str] = Counter()
    for expected in paths.values():
        posts_by_channel[expected.channel] |= expected.posts
        quarantined_by_format[expected.connector] += len(expected.quarantined)
    read = sum(expected_counts(expected)["read"] for expected in paths.values())
    new, bad = sum(len(ids) for ids in posts_by_channel.values()), sum(quarantined_by_format.values())

    counts = invoke_json("ingest", *paths, "--batch-size", batch_size)
    assert counts == {"read": read, "new": new, "duplicates": read - new - bad, "quarantined": bad}

    stats = invoke_json("stats")
    assert stats["posts_by_channel"] == {channel: len(ids) for channel, ids in sorted(posts_by_channel.items())}
    assert Counter(fmt for _, _, fmt, _ in quarantined(store)) == +quarantined_by_format
    with store.sessions() as session:
        runs = dict(session.execute(select(IngestRun.source, IngestRun.source_format)).all())
        assert session.scalar(select(func.count()).where(IngestRun.status != "done")) == 0
    assert runs == {path: expected.connector for path, expected in paths.items()}

    threads = stored_threads(store)
    for key, ids in CROSS_FILE_THREADS.items():
        assert threads[key] == ids, key
    assert {(channel, ids) for (channel, _), ids in threads.items()} == merged_threads(names)
    assert stats["conversations"] == len(threads)
