"""Full-text search through `groundswell posts search`: web-search syntax, stemming, ranking, and user input
that holds search-engine operators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from groundswell.cli.common import Store
from groundswell.db.dialect import to_fts5_query
from groundswell.errors import InvalidInput
from tests.support.cli import invoke, invoke_json
from tests.support.process import run
from tests.support.records import record, write_jsonl

POSTS = [
    record(1, id="refund-late", author="ana", text="My PulsePad refund never arrived"),
    record(2, id="refund-dock", author="ben", text="Asked for a refund on the ChargeDock, still waiting"),
    record(3, id="battery-died", channel="mastodon", text="The PulsePad battery died after two days"),
    record(4, id="recall", title="Battery recall", text="Voltline announced something about chargers"),
    record(5, id="screen-died", text="The battery is fine but the screen died"),
    # The same words, once in the title and once in the body; the title post is stored first so that
    # a tie on score (broken by newest id on PostgreSQL) could not put it first by accident.
    record(6, id="firmware-title", title="Firmware", text="Pads went silent after the update last night"),
    record(7, id="firmware-body", text="Pads went silent after the firmware update last night"),
]


@pytest.fixture
def searchable(store: Store, tmp_path: Path) -> Store:
    counts = invoke_json("ingest", str(write_jsonl(tmp_path / "posts.jsonl", POSTS)))
    assert counts["new"] == len(POSTS)
    return store


def search(query: str, *options: str) -> list[dict[str, Any]]:
    # "--" so that a query starting with "-" is not read as an option.
    result = invoke("posts", "search", "--json", *options, "--", query)
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["query"] == query
    results: list[dict[str, Any]] = output["results"]
    return results


def found(query: str) -> set[str]:
    return {hit["external_id"] for hit in search(query)}


SYNTAX = {
    "pulsepad battery": {"battery-died"},  # every word must be there
    "PULSEPAD": {"refund-late", "battery-died"},  # case does not matter
    "battery died": {"battery-died", "screen-died"},
    '"battery died"': {"battery-died"},  # a phrase: the words next to each other
    "refund OR recall": {"refund-late", "refund-dock", "recall"},
    "refund -chargedock": {"refund-late"},
    'pulsepad -"battery died"': {"refund-late"},
    "battery -recall -screen": {"battery-died"},
    "refunds": {"refund-late", "refund-dock"},  # stemming
    "arrive": {"refund-late"},  # and the other way round: "arrived"
    "battery": {"battery-died", "screen-died", "recall"},  # titles are searched too
}


def test_web_search_syntax(searchable: Store) -> None:
    # One store for the whole table (each query is cheap, a fresh database is not); all mismatches at once.
    results = {query: found(query) for query in SYNTAX}
    assert {q: r for q, r in results.items() if r != SYNTAX[q]} == {}


def test_results_carry_the_post_and_its_author(searchable: Store) -> None:
    [hit] = search('"refund never arrived"')
    assert hit["external_id"] == "refund-late"
    assert (hit["channel"], hit["author"], hit["text"]) == ("x", "ana", "My PulsePad refund never arrived")
    assert hit["created_at"].startswith("2026-03-01T12:01:00")
    assert isinstance(hit["conversation_id"], int) and hit["score"] > 0


def test_title_matches_rank_above_body_matches(searchable: Store) -> None:
    hits = search("firmware")
    assert [hit["external_id"] for hit in hits] == ["firmware-title", "firmware-body"]
    assert hits[0]["score"] > hits[1]["score"]
    assert search("battery")[0]["external_id"] == "recall"  # the only one with the word in its title


def test_limit_keeps_the_best(searchable: Store) -> None:
    assert [hit["external_id"] for hit in search("firmware", "--limit", "1")] == ["firmware-title"]


def test_no_results_is_an_empty_list(searchable: Store) -> None:
    assert search("zeppelin") == []
    assert search("pulsepad zeppelin") == []


def test_empty_store_finds_nothing(store: Store) -> None:
    assert search("refund") == []


# Input holding FTS5 operators (quotes, *, NEAR, column filters, parentheses, ^). None: the result is not
# specified (SQLite and PostgreSQL read such input differently), only that the search answers.
OPERATORS_IN_INPUT: dict[str, set[str] | None] = {
    "pulsepad*": {"refund-late", "battery-died"},
    "(refund": {"refund-late", "refund-dock"},
    "refund)": {"refund-late", "refund-dock"},
    '"-refund"': {"refund-late", "refund-dock"},
    '"pulsepad battery': {"battery-died"},  # an unclosed quote
    "OR refund": {"refund-late", "refund-dock"},
    "refund OR": {"refund-late", "refund-dock"},
    "NEAR(battery died)": None,
    "NEAR": None,
    "title:battery": None,
    "battery:": None,
    ":": None,
    "(": None,
    "*": None,
    "^battery": None,
    "battery AND NOT died": None,
    "'": None,
    "\\": None,
}


def _found_or_refused(query: str) -> set[str] | str:
    """The posts found, or the message of the clear refusal a query with no word in it gets."""
    try:
        return found(query)
    except InvalidInput as exc:
        return exc.message


def test_search_engine_operators_in_user_input_do_not_crash(searchable: Store) -> None:
    results = {query: _found_or_refused(query) for query in OPERATORS_IN_INPUT}  # anything else fails the test
    wrong = {q: r for q, r in results.items() if OPERATORS_IN_INPUT[q] is not None and r != OPERATORS_IN_INPUT[q]}
    assert wrong == {}
    for query in (":", "(", "*", "'", "\\"):  # no word at all: refused with a message, not an empty result
        assert "at least one word" in str(results[query])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pulsepad battery -", {"battery-died"}),
        ("refund & chargedock", {"refund-dock"}),
        ("battery ?", {"battery-died", "screen-died", "recall"}),
    ],
)
def test_a_lone_punctuation_token_is_ignored(
    searchable: Store, database_url: str, request: pytest.FixtureRequest, query: str, expected: set[str]
) -> None:
    assert found(query) == expected


def test_only_excluded_words_is_an_error_in_process(
    searchable: Store, database_url: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(InvalidInput, match="at least one word"):
        invoke("posts", "search", "--json", "--", "-refund")


def test_only_excluded_words_exits_with_2_and_a_clear_message(
    searchable: Store, database_url: str, request: pytest.FixtureRequest
) -> None:
    result = run("posts", "search", "--json", "--", "-refund -recall")
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert "search needs at least one word to look for" in result.stderr
    assert "Traceback" not in result.stderr


def test_to_fts5_query_quotes_every_term() -> None:
    assert to_fts5_query("pulsepad battery") == '("pulsepad") AND ("battery")'
    assert to_fts5_query('"battery died"') == '("battery died")'
    assert to_fts5_query("refund OR recall OR return") == '("refund" OR "recall" OR "return")'
    assert to_fts5_query('pulsepad -"battery died" -refund') == '((("pulsepad")) NOT "battery died") NOT "refund"'
    # FTS5 operators are words inside quotes; a stray double quote is dropped.
    assert to_fts5_query("NEAR(a b) pulsepad* title:x") == '("NEAR(a") AND ("b)") AND ("pulsepad*") AND ("title:x")'
    assert to_fts5_query('say "hi') == '("say") AND ("hi")'
    assert to_fts5_query('a"b') == '("ab")'
    # OR with nothing before or after it is just ignored.
    assert to_fts5_query("OR refund") == '("refund")'
    assert to_fts5_query("refund OR") == '("refund")'


@pytest.mark.parametrize("query", ["", "   ", "-refund", "-refund -recall", '-"battery died"', '""'])
def test_to_fts5_query_refuses_nothing_to_look_for(query: str) -> None:
    with pytest.raises(InvalidInput, match="at least one word"):
        to_fts5_query(query)
