"""What a user sees of the `groundswell` command: help, version, --json output, and clear errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from groundswell import __version__
from groundswell.cli.common import Store
from groundswell.cli.main import app
from groundswell.errors import UnknownFormat
from tests.support.cli import invoke, invoke_json
from tests.support.process import COMMAND
from tests.support.records import record, write_jsonl

ROOT: Any = get_command(app)  # a click group (Typer ships its own copy of click)


def commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):  # a group of subcommands
            yield from commands(command, (*prefix, name))


ALL_COMMANDS = dict(commands(ROOT))


def plain(text: str) -> str:
    """Help text without rich's panel borders, markup quotes and line wrapping."""
    return " ".join(re.sub(r"[\u2500-\u257f`]", " ", text).split())  # U+2500..257F: box drawing


def opening(help_text: str | None, words: int = 6) -> str:
    return " ".join(plain(help_text or "").split()[:words])


def test_root_help_says_what_the_tool_and_each_command_do() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    shown = plain(result.stdout)
    assert "Listen to what customers say in public" in shown
    for name, command in ROOT.commands.items():
        assert f"{name} {opening(command.help)}" in shown, name


@pytest.mark.parametrize("path", sorted(ALL_COMMANDS), ids=" ".join)
def test_every_command_help_says_what_it_does(path: tuple[str, ...]) -> None:
    command = ALL_COMMANDS[path]
    assert len((command.help or "").split()) >= 3, f"`groundswell {' '.join(path)}` needs a help text"
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert opening(command.help, 12) in plain(result.stdout)


@pytest.mark.parametrize(
    ("path", "mentions"),
    [
        (("ingest",), ["Idempotent", "quarantined", "--format", "auto", "jsonl, csv, x, mastodon", "--json"]),
        (("posts", "search"), ["Full-text search", '"exact phrases"', "OR", "-excluded words", "--limit"]),
        (("quarantine", "list"), ["why it was rejected", "--source", "--limit", "--json"]),
        (("stats",), ["posts, authors, conversations, quarantined records", "--json"]),
    ],
)
def test_command_help_names_its_options(path: tuple[str, ...], mentions: list[str]) -> None:
    shown = plain(invoke(*path, "--help").stdout)
    for text in mentions:
        assert text in shown, text


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"groundswell {__version__}\n"


STATS_KEYS = {"posts", "authors", "conversations", "quarantined"}


def test_stats_of_an_empty_database(store: Store) -> None:
    stats = invoke_json("stats")
    assert {key: stats[key] for key in STATS_KEYS} == dict.fromkeys(STATS_KEYS, 0)
    assert stats["posts_by_channel"] == {}
    assert stats["first_post_at"] is None


def test_stats_of_a_filled_database(store: Store, tmp_path: Path) -> None:
    rows: list[dict[str, Any] | str] = [
        record(1, id="a", author="ana"),
        record(2, id="b", author="ben", reply_to="a"),
        record(3, id="c", author="ana", channel="mastodon"),
        '{"id": "broken"',
    ]
    invoke_json("ingest", str(write_jsonl(tmp_path / "posts.jsonl", rows)))
    stats = invoke_json("stats")
    # ana on X and ana on Mastodon are two authors; a and its reply b are one conversation.
    assert {key: stats[key] for key in STATS_KEYS} == {"posts": 3, "authors": 3, "conversations": 2, "quarantined": 1}
    assert stats["posts_by_channel"] == {"mastodon": 1, "x": 2}
    assert stats["first_post_at"].startswith("2026-03-01T12:01:00")
    assert "posts" in invoke("stats").stdout  # the table for people works too


def run_concurrently(*argument_lists: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run several `groundswell` commands as real processes at once (each start costs seconds)."""
    started = [
        (arguments, subprocess.Popen([*COMMAND, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for arguments in argument_lists
    ]
    finished = []
    for arguments, process in started:
        out, err = process.communicate(timeout=120)
        finished.append(subprocess.CompletedProcess(arguments, process.returncode, out, err))
    return finished


def test_ingest_user_errors_exit_with_2_and_say_what_to_do(store: Store, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "posts.jsonl", [record(1)])
    missing, unknown_format = run_concurrently(
        ["ingest", str(tmp_path / "missing.jsonl"), "--json"],
        ["ingest", str(good), "--format", "tiktok", "--json"],
    )
    for result in (missing, unknown_format):
        assert result.returncode == 2, (result.args, result.stderr)
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'missing.jsonl'} is not a readable file: check the path" in plain(missing.stderr)
    assert "Invalid value for --format" in plain(unknown_format.stderr)
    assert "use auto or one of bluesky, csv, email, jsonl, mastodon" in plain(unknown_format.stderr)
    assert invoke_json("stats")["posts"] == 0  # nothing was stored by the refused commands


def test_undetectable_file_is_refused_with_what_to_do(store: Store, tmp_path: Path) -> None:
    """An UnknownFormat is a GroundswellError, which run() turns into exit code 2 like the missing file above."""
    prose = tmp_path / "notes.txt"
    prose.write_text("Call the PulsePad customer back on Monday.\n")
    with pytest.raises(UnknownFormat, match=f"cannot tell the format of {re.escape(str(prose))}: pass --format"):
        invoke("ingest", str(prose), "--json")


def test_ingest_json_is_one_document_on_stdout_despite_progress_and_logs(store: Store, tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [record(n) for n in range(30)] + ["{broken"])
    second = write_jsonl(tmp_path / "second.jsonl", [record(n) for n in range(20, 40)])
    # FORCE_COLOR makes rich treat stderr as a terminal, so the progress bar is drawn; -v adds log lines.
    environment = {**os.environ, "FORCE_COLOR": "1"}
    result = subprocess.run(
        [*COMMAND, "-v", "ingest", str(first), str(second), "--json", "--batch-size", "7"],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "first.jsonl" in result.stderr and "INFO" in result.stderr  # there was something to keep apart
    assert result.stdout.count("\n") == 1
    assert json.loads(result.stdout) == {"read": 51, "new": 40, "duplicates": 10, "quarantined": 1}


def test_ingest_without_json_prints_a_table_and_points_at_the_quarantine(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mixed.jsonl", [record(1), "{broken"])
    shown = plain(invoke("ingest", str(path)).stdout)
    assert "source read new duplicates quarantined" in shown
    assert "1 record(s) quarantined: groundswell quarantine list shows why" in shown


def test_quarantine_list_json_and_source_filter(store: Store, tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [record(1), "{broken", record(2, created_at="someday")])
    second = write_jsonl(tmp_path / "second.jsonl", [record(3, text=" "), record(4)])
    assert invoke_json("ingest", str(first), str(second))["quarantined"] == 3

    everything = invoke_json("quarantine", "list")["quarantined"]
    assert [(e["source"], e["position"]) for e in everything] == [(str(first), 2), (str(first), 3), (str(second), 1)]
    assert {e["source_format"] for e in everything} == {"jsonl"}
    assert all(e["quarantined_at"] for e in everything)

    only_second = invoke_json("quarantine", "list", "--source", str(second))["quarantined"]
    assert len(only_second) == 1
    assert only_second[0]["raw"] == second.read_text().splitlines()[0]
    assert only_second[0]["reason"].startswith("missing text")

    only_first = invoke_json("quarantine", "list", "--source", str(first))["quarantined"]
    assert [e["raw"] for e in only_first] == first.read_text().splitlines()[1:]
    assert "invalid JSON" in only_first[0]["reason"]
    assert "unparseable created_at" in only_first[1]["reason"]

    assert invoke_json("quarantine", "list", "--source", str(tmp_path / "other.jsonl")) == {"quarantined": []}
    assert len(invoke_json("quarantine", "list", "--limit", "1")["quarantined"]) == 1
    assert "invalid JSON" in plain(invoke("quarantine", "list").stdout)  # the table for people
