"""`groundswell templates`, in process, on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest

from groundswell.errors import InvalidInput, NotFound
from tests.support.cli import invoke, invoke_json


def test_import_list_add_show_render_delete(database_url: str, tmp_path: Path) -> None:
    imported = invoke_json("templates", "import-defaults", "--by", "ed")
    assert "lost_item.found:en" in imported["created"] and imported["updated"] == []
    assert invoke_json("templates", "import-defaults")["created"] == []
    listed = invoke_json("templates", "list", "--name", "lost_item.found")["templates"]
    assert [t["language"] for t in listed] == ["en", "es", "pt"]
    saved = invoke_json(
        "templates", "add", "greet", "--language", "pt-BR", "--text", "Oi {customer_name}!", "--by", "ed"
    )
    assert (saved["name"], saved["language"], saved["source"]) == ("greet", "pt-BR", "database")
    body = tmp_path / "greet.txt"
    body.write_text("Hello {customer_name}, case {case_number}.\n", encoding="utf-8")
    assert invoke("templates", "add", "greet", "--file", str(body)).exit_code == 0
    shown = invoke_json("templates", "show", "greet")
    assert [(v["language"], v["variables"]) for v in shown["versions"]] == [
        ("en", ["customer_name", "case_number"]), ("pt-BR", ["customer_name"])
    ]  # fmt: skip
    rendered = invoke_json("templates", "render", "greet", "-l", "pt_br", "--var", "customer_name=Ana")
    assert (rendered["text"], rendered["language"]) == ("Oi Ana!", "pt-BR")
    plain = invoke("templates", "render", "greet", "-l", "fr", "--var", "customer_name=Ana", "--var", "case_number=7")
    assert plain.stdout == "Hello Ana, case 7.\n"
    assert invoke("templates", "delete", "greet", "-l", "pt-BR").exit_code == 0
    assert invoke_json("templates", "render", "greet", "-l", "pt-BR", "--var", "customer_name=Ana",
                       "--var", "case_number=1")["language"] == "en"  # fmt: skip


def test_shipped_templates_show_and_render_before_any_import(database_url: str) -> None:
    shown = invoke_json("templates", "show", "lost_item.not_found")
    assert {v["source"] for v in shown["versions"]} == {"default"}
    assert "none stored" in invoke("templates", "list").stdout


def test_errors_name_what_is_wrong(database_url: str) -> None:
    with pytest.raises(InvalidInput, match="needs a value for case_number"):
        invoke("templates", "render", "acknowledge", "--var", "customer_name=Ana")
    with pytest.raises(InvalidInput, match="not NAME=VALUE"):
        invoke("templates", "render", "acknowledge", "--var", "customer_name")
    with pytest.raises(InvalidInput, match="unknown template variable"):
        invoke("templates", "add", "x", "--text", "Hi {nme}")
    with pytest.raises(InvalidInput, match="--text or --file"):
        invoke("templates", "add", "x")
    with pytest.raises(NotFound, match="no template 'nope'"):
        invoke("templates", "show", "nope")
