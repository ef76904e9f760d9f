from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from groundswell.cli.common import Store
from groundswell.ingest.runner import Ingestor
from groundswell.models import Author, IngestRun, Post, QuarantinedRecord
from tests.support.cli import invoke_json
from tests.support.records import record, write_jsonl

MALFORMED = [
    ("{not json", "invalid JSON"),
    (json.dumps({"id": "m1", "channel": "x", "author": "a", "created_at": "2026-03-01T10:00:00Z"}), "missing text"),
    (json.dumps(record(0, id="m2", text="   ")), "missing text"),
    (json.dumps(record(0, id="m3", created_at="next tuesday")), "unparseable created_at"),
    (json.dumps(record(0, id="m4", created_at=None)), "missing created_at"),
    (json.dumps(record(0, id="m5", channel="myspace")), "unknown channel"),
    (json.dumps(record(0, id="m6", channel=None)), "missing channel"),
    (json.dumps({k: v for k, v in record(0).items() if k != "id"}), "missing id"),
    ("[1, 2, 3]", "expected a JSON object"),
    (json.dumps(record(0, id="m9", visibility="secret")), "unknown visibility"),
]


def _thousand_with_ten_bad(path: Path) -> Path:
    rows: list[dict[str, object] | str] = [record(n) for n in range(990)]
    for index, (line, _) in enumerate(MALFORMED):
        rows.insert(index * 97 + 5, line)
    return write_jsonl(path, rows)


def test_malformed_records_are_quarantined_with_reasons(store: Store, tmp_path: Path) -> None:
    path = _thousand_with_ten_bad(tmp_path / "mixed.jsonl")
    assert invoke_json("ingest", str(path)) == {"read": 1000, "new": 990, "duplicates": 0, "quarantined": 10}

    listed = invoke_json("quarantine", "list")["quarantined"]
    assert len(listed) == 10
    reasons = sorted(entry["reason"] for entry in listed)
    for _, expected in MALFORMED:
        assert any(expected in reason for reason in reasons), (expected, reasons)
    assert {entry["source"] for entry in listed} == {str(path)}
    lines = path.read_text().splitlines()
    for entry in listed:  # each entry points at its line and keeps it verbatim
        assert lines[entry["position"] - 1] == entry["raw"]


def test_reingest_is_idempotent_including_quarantine(store: Store, tmp_path: Path) -> None:
    path = _thousand_with_ten_bad(tmp_path / "mixed.jsonl")
    invoke_json("ingest", str(path))
    again = invoke_json("ingest", str(path))
    assert again == {"read": 1000, "new": 0, "duplicates": 990, "quarantined": 10}
    stats = invoke_json("stats")
    assert stats["posts"] == 990
    assert stats["quarantined"] == 10  # the same bad records are not stored twice


def test_duplicates_inside_one_file_count_once(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dupes.jsonl", [record(1), record(2), record(1), record(1, text="edited")])
    assert invoke_json("ingest", str(path)) == {"read": 4, "new": 2, "duplicates": 2, "quarantined": 0}


def test_post_fields_and_raw_payload_are_kept(store: Store, tmp_path: Path) -> None:
    row = record(
        7,
        author={
            "id": "42",
            "handle": "ana",
            "name": "Ana P",
            "location": "Chicago, IL",
            "followers": 1200,
            "verified": True,
        },
        brand="Voltline",
        url="https://x.com/ana/status/post-7",
        lang="en",
        like_count=3,
        retweet_count=2,
        reply_count=1,
        coordinates="[41.88, -87.63]",
        location="Chicago Loop",
        label_sentiment="negative",
        created_at="2026-03-01T10:00:00-06:00",
    )
    path = write_jsonl(tmp_path / "one.jsonl", [row])
    Ingestor(store.sessions).ingest_file(path)
    with store.sessions() as session:
        post = session.scalars(select(Post)).one()
        author = session.get(Author, post.author_id)
        assert author is not None
        assert (post.channel, post.external_id, post.brand, post.language) == ("x", "post-7", "Voltline", "en")
        assert post.created_at.isoformat() == "2026-03-01T16:00:00+00:00"
        assert (post.likes, post.reposts, post.replies) == (3, 2, 1)
        assert (post.latitude, post.longitude, post.location) == (41.88, -87.63, "Chicago Loop")
        assert post.attributes == {"label_sentiment": "negative"}
        assert json.loads(post.raw) == row
        assert (author.handle, author.display_name, author.location, author.followers, author.verified) == (
            "ana",
            "Ana P",
            "Chicago, IL",
            1200,
            True,
        )


def test_authors_are_upserted_not_duplicated(store: Store, tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [record(1, author={"id": "9", "handle": "bo", "followers": 10})])
    second = write_jsonl(
        tmp_path / "b.jsonl",
        [record(2, author={"id": "9", "handle": "bo", "followers": 25, "location": "Austin, TX"})],
    )
    ingestor = Ingestor(store.sessions)
    ingestor.ingest_file(first)
    Ingestor(store.sessions).ingest_file(second)  # a fresh process has no cache
    with store.sessions() as session:
        authors = session.scalars(select(Author)).all()
        assert len(authors) == 1
        assert (authors[0].followers, authors[0].location) == (25, "Austin, TX")
        assert session.scalar(select(func.count()).select_from(Post)) == 2


def test_csv_with_the_generic_columns(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "id,channel,author,text,created_at,brand\n"
        '1,twitter,ana,"Love the PulsePad, truly",2026-03-01T10:00:00Z,Voltline\n'
        "2,reddit,bo,,2026-03-01T11:00:00Z,Voltline\n"
        "3,mastodon,cy,Where is my order?,2026-03-01T12:00:00Z\n"
        "4,x,dee,too,many,cells,here\n",
        encoding="utf-8",
    )
    assert invoke_json("ingest", str(path)) == {"read": 4, "new": 2, "duplicates": 0, "quarantined": 2}
    reasons = sorted(e["reason"] for e in invoke_json("quarantine", "list")["quarantined"])
    assert reasons[0].startswith("missing text") and "cells" in reasons[1]


def test_ingest_runs_are_recorded(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [record(n) for n in range(5)] + ["{oops"])
    Ingestor(store.sessions, batch_size=2).ingest_file(path)
    with store.sessions() as session:
        run = session.scalars(select(IngestRun)).one()
        assert (run.status, run.read, run.new, run.quarantined) == ("done", 6, 5, 1)
        assert run.finished_at is not None
        assert session.scalar(select(func.count()).select_from(QuarantinedRecord)) == 1
