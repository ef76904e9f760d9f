"""The reviews connector: Amazon Customer Reviews TSV, Amazon Reviews 2023 JSON lines, plain exports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.registry import detect_connector
from groundswell.channels.reviews.connector import ReviewsConnector
from groundswell.channels.reviews.fields import parse_rating
from groundswell.errors import ParseError

FIXTURES = Path(__file__).parents[2] / "src/groundswell/channels/reviews/fixtures"
connector = ReviewsConnector()


def records(name: str) -> list[RawRecord]:
    return list(connector.read(FIXTURES / name))


def parsed(name: str) -> dict[int, PostIn | str]:
    """Each record's post, or the ParseError message when it is refused, by position."""
    result: dict[int, PostIn | str] = {}
    for record in records(name):
        try:
            [result[record.position]] = connector.parse(record)
        except ParseError as exc:
            result[record.position] = exc.message
    return result


def post(name: str, position: int) -> PostIn:
    value = parsed(name)[position]
    assert isinstance(value, PostIn), value
    return value


def error(name: str, position: int) -> str:
    value = parsed(name)[position]
    assert isinstance(value, str), value
    return value


# --- Amazon Customer Reviews dataset (TSV) ---


def test_amazon_tsv_review_field_by_field() -> None:
    first = records("amazon_customer_reviews.tsv")[0]
    assert first.position == 2
    assert first.raw.startswith("US\t38114527\tR2VX1PULSE0001\t")
    assert first.raw.endswith("\t2015-08-31")
    [review] = connector.parse(first)
    assert review.channel == "reviews"
    assert review.external_id == "R2VX1PULSE0001"
    assert review.rating == 5.0
    assert review.title == "Best sampler under $300"
    # <br /> becomes a line break and &#34; a quote, as the dataset encodes them.
    assert review.text == (
        "The pads are tight and responsive.\n\n"
        'Battery lasts a full rehearsal and I"ve already sampled my whole drum kit.'
    )
    assert review.created_at == datetime(2015, 8, 31, tzinfo=UTC)
    assert review.product == 'Voltline PulsePad 16 "Studio" Music Sampler'
    assert review.author is not None
    assert (review.author.external_id, review.author.handle) == ("38114527", "38114527")
    assert review.reply_to_external_id is None
    assert review.attributes == {
        "layout": "amazon_customer_reviews",
        "marketplace": "US",
        "product_id": "B0VOLT0001",
        "product_parent": "512345678",
        "product_category": "Musical Instruments",
        "helpful_votes": 12,
        "total_votes": 14,
        "vine": False,
        "verified_purchase": True,
    }


def test_amazon_tsv_review_without_body_uses_headline() -> None:
    review = post("amazon_customer_reviews.tsv", 4)
    assert review.text == review.title == "Good for the price"
    assert review.attributes["vine"] is True
    assert review.attributes["verified_purchase"] is False


def test_amazon_tsv_malformed_rows_are_refused_with_reasons() -> None:
    assert "star_rating '7' is out of range" in error("amazon_customer_reviews.tsv", 5)
    assert "14 cells but the header has 15" in error("amazon_customer_reviews.tsv", 6)
    assert "unparseable review_date 'sometime last week'" in error("amazon_customer_reviews.tsv", 7)
    assert len(parsed("amazon_customer_reviews.tsv")) == 6  # every row is accounted for


# --- Amazon Reviews 2023 (JSON lines) ---


def test_amazon_2023_review_field_by_field() -> None:
    first = records("amazon_reviews_2023.jsonl")[0]
    assert first.raw.startswith('{"rating": 5.0, "title": "Finally a sampler')
    [review] = connector.parse(first)
    assert review.external_id == "AE3VOLTLINEFANXQ7K2Q4ZJ5LMNA:B0VOLTPP16:1700000000000"
    assert review.rating == 5.0
    assert review.title == "Finally a sampler that fits in my backpack"
    assert review.text.startswith("Took the PulsePad to three gigs now.\nLoads my kits")
    assert review.created_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert review.product == "B0VOLTPP16"
    assert review.author is not None and review.author.handle == "AE3VOLTLINEFANXQ7K2Q4ZJ5LMNA"
    assert review.attributes == {
        "layout": "amazon_reviews_2023",
        "asin": "B0VOLTPP16",
        "parent_asin": "B0VOLTPP00",
        "helpful_votes": 3,
        "verified_purchase": True,
        "images": ["https://m.media-amazon.com/images/I/71voltA1large._SL1600_.jpg"],
    }


def test_amazon_2023_derived_id_is_stable_and_distinct() -> None:
    again = [p.external_id for p in parsed("amazon_reviews_2023.jsonl").values() if isinstance(p, PostIn)]
    first = [p.external_id for p in parsed("amazon_reviews_2023.jsonl").values() if isinstance(p, PostIn)]
    assert again == first
    assert len(set(first)) == 3
    assert post("amazon_reviews_2023.jsonl", 2).created_at.microsecond == 123000  # milliseconds kept


def test_amazon_2023_malformed_lines() -> None:
    assert error("amazon_reviews_2023.jsonl", 4).startswith("invalid JSON at line 4")
    assert "rating 6.0 is out of range" in error("amazon_reviews_2023.jsonl", 5)
    assert error("amazon_reviews_2023.jsonl", 6).startswith("missing user_id")


# --- plain exports (CSV, JSON array) ---


def test_export_csv_reply_before_its_parent_is_threaded() -> None:
    reviews = parsed("voltline_reviews_export.csv")
    reply, parent = reviews[2], reviews[5]
    assert isinstance(reply, PostIn) and isinstance(parent, PostIn)
    assert reply.external_id == "rv-1003"
    assert reply.reply_to_external_id == reply.thread_external_id == parent.external_id == "rv-1002"
    assert reply.rating is None
    assert reply.author is not None and reply.author.display_name == "Voltline Support"
    assert parent.reply_to_external_id is None


def test_export_csv_row_field_by_field_with_multiline_quoted_body() -> None:
    record = records("voltline_reviews_export.csv")[1]
    assert record.position == 3  # the row starts on line 3 and spans two lines
    assert record.raw == (
        'rv-1001,5,Loops for days,"Bought it for live looping.\n'
        'The ""loop"" button is genius and the pads feel great.",PulsePad 16,yes,Jordan Okafor,'
        '2024-05-01T14:02:00Z,https://reviews.voltline.example/r/rv-1001,Voltline,"Austin, TX",'
    )
    [review] = connector.parse(record)
    assert review.external_id == "rv-1001"
    assert review.rating == 5.0
    assert review.title == "Loops for days"
    assert review.text == 'Bought it for live looping.\nThe "loop" button is genius and the pads feel great.'
    assert review.product == "PulsePad 16"
    assert review.created_at == datetime(2024, 5, 1, 14, 2, tzinfo=UTC)
    assert review.author is not None
    assert (review.author.handle, review.author.display_name) == ("Jordan Okafor", "Jordan Okafor")
    assert review.url == "https://reviews.voltline.example/r/rv-1001"
    assert review.brand == "Voltline"
    assert review.location == "Austin, TX"
    assert review.attributes == {"layout": "export", "verified_purchase": True}


def test_export_csv_ten_point_rating_and_offset_dates() -> None:
    assert post("voltline_reviews_export.csv", 5).created_at == datetime(2024, 5, 2, 6, 45, tzinfo=UTC)
    ten_point = post("voltline_reviews_export.csv", 6)
    assert ten_point.rating == 8.0
    assert ten_point.attributes["rating_scale"] == 10.0


def test_export_csv_malformed_rows() -> None:
    assert error("voltline_reviews_export.csv", 7) == "invalid rating 'eleven': use a number such as 4 or 4.5"
    assert "rating '12' is out of range" in error("voltline_reviews_export.csv", 8)
    assert error("voltline_reviews_export.csv", 9).startswith("missing body (and no title either)")
    assert error("voltline_reviews_export.csv", 10).startswith("missing date")


def test_csv_row_reparsed_from_raw_and_header_alone() -> None:
    stored = records("voltline_reviews_export.csv")[1]
    again = RawRecord(source=stored.source, position=stored.position, raw=stored.raw, context=stored.context)
    assert connector.parse(again) == connector.parse(stored)


def test_json_array_is_streamed_item_by_item() -> None:
    items = records("voltline_reviews.json")
    assert [r.position for r in items] == [1, 2, 3, 4]
    assert items[0].raw.startswith('{"review_id":"tp-5001","rating":4,')  # compact JSON of the item
    review = post("voltline_reviews.json", 1)
    assert review.external_id == "tp-5001"
    assert review.text == "The PulsePad sounds great but delivery took nine days."
    assert review.created_at == datetime(2024, 3, 2, 8, 15, tzinfo=UTC)
    assert review.location == "Malmo, SE"
    assert review.attributes == {
        "layout": "export",
        "variant": "Midnight Blue",
        "verified_purchase": True,
        "helpful_votes": 2,
    }
    assert error("voltline_reviews.json", 3) == "expected a JSON object for each review, got str"
    assert post("voltline_reviews.json", 4).rating == 4.5


def test_truncated_json_array_quarantines_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"id": "a1", "rating": 5, "text": "Great", "date": "2024-01-01"}, {"id": "a2", "rat')
    found = list(connector.read(path))
    assert [r.position for r in found] == [1, 2]
    assert connector.parse(found[0])[0].external_id == "a1"
    with pytest.raises(ParseError, match="invalid JSON after item 1"):
        connector.parse(found[1])


def test_non_utf8_csv_line_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"id,rating,body,date\nr1,4,Tr\xe8s bien,2024-01-01\nr2,5,Great,2024-01-02\n")
    first, second = connector.read(path)
    with pytest.raises(ParseError, match="line 2 is not valid UTF-8"):
        connector.parse(first)
    assert connector.parse(second)[0].text == "Great"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4, (4.0, None)),
        ("4.5", (4.5, None)),
        ("0", (0.0, None)),
        ("10", (10.0, None)),
        ("3 out of 5 stars", (3.0, 5.0)),
        ("7/10", (7.0, 10.0)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_rating_values(value: object, expected: tuple[float | None, float | None]) -> None:
    assert parse_rating(value, field="rating") == expected


@pytest.mark.parametrize("value", ["-1", "10.5", "6 out of 5", "nan", "inf", "great"])
def test_rating_values_refused(value: str) -> None:
    with pytest.raises(ParseError, match="rating"):
        parse_rating(value, field="rating")


def test_amazon_scale_refuses_zero_stars() -> None:
    with pytest.raises(ParseError, match=r"this source uses 1\.\.5"):
        parse_rating("0", field="star_rating", lowest=1.0, highest=5.0)


# --- sniffing ---


@pytest.mark.parametrize(
    "name",
    [
        "amazon_customer_reviews.tsv",
        "amazon_reviews_2023.jsonl",
        "voltline_reviews_export.csv",
        "voltline_reviews.json",
    ],
)
def test_sniff_recognises_review_files(name: str) -> None:
    assert connector.sniff((FIXTURES / name).read_text()[:16384])


@pytest.mark.parametrize(
    "head",
    [
        '{"id": "1", "channel": "x", "author": "ana", "text": "hi", "created_at": "2024-01-01"}\n',
        '{"id": "1", "channel": "reviews", "text": "ok", "rating": 4, "created_at": "2024-01-01"}\n',
        "id,channel,author,text,created_at\n1,x,ana,hi,2024-01-01\n",
        "id,channel,text,rating,created_at\n1,reviews,ok,4,2024-01-01\n",
        '[{"id": "1", "channel": "x", "text": "hi", "created_at": "2024-01-01"}]',
        '{"data": [{"id": "1", "text": "hi"}], "meta": {"result_count": 1}}\n',
        "From care@voltline.example Tue Mar  4 09:02:11 2025\nSubject: hi\n",
        "id,text\n1,no rating here\n",
        "",
    ],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert not connector.sniff(head)


def test_sniff_reads_keys_of_a_json_array_cut_off_mid_item() -> None:
    head = '[\n  {"review_id": "tp-1", "rating": 4, "title": "ok", "review": "Sounds gr'
    assert connector.sniff(head)


@pytest.mark.parametrize("path", sorted(FIXTURES.iterdir()), ids=lambda p: p.name)
def test_auto_detection_picks_the_reviews_connector(path: Path) -> None:
    assert detect_connector(path).name == "reviews"
