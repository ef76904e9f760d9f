"""`groundswell policy check`: findings for people and as one JSON object, exit code 0 either way."""

from __future__ import annotations

import re

import pytest

from tests.support.cli import invoke, invoke_json


def plain(text: str) -> str:
    return " ".join(re.sub(r"[\u2500-\u257f`]", " ", text).split())


def test_json_lists_findings_and_says_whether_blocked_or_needing_approval() -> None:
    result = invoke_json("policy", "check", "--text", "We guarantee it. Card 4111 1111 1111 1111.")
    assert set(result) == {"findings", "requires_approval", "blocked"}
    assert [(f["code"], f["severity"]) for f in result["findings"]] == [
        ("commitment.guarantee", "require_approval"),
        ("pii.card", "block"),
    ]
    card = result["findings"][1]
    assert card["span"] == {"start": 22, "end": 41, "excerpt": "**** **** **** 1111"}
    assert card["why"] and card["what_to_do"]
    assert (result["requires_approval"], result["blocked"]) == (True, True)


def test_a_clean_draft_has_no_findings() -> None:
    result = invoke_json("policy", "check", "--text", "Sorry about that, we're on it.")
    assert result == {"findings": [], "requires_approval": False, "blocked": False}
    shown = invoke("policy", "check", "--text", "Sorry about that, we're on it.")
    assert shown.exit_code == 0
    assert "No findings" in shown.stdout


def test_options_change_the_context() -> None:
    text = "Awesome!! Love my PulsePad, mail me at jane@example.com"
    public = invoke_json("policy", "check", "--text", text)
    assert [f["code"] for f in public["findings"]] == ["pii.email"]
    private = invoke_json(
        "policy", "check", "--text", text, "--private", "--customer-sentiment", "negative", "--author-paid-advocate"
    )
    # Private: the address is fine and no disclosure is needed; the tone still is not.
    assert {f["code"] for f in private["findings"]} == {"tone.cheerful_to_upset"}
    advocate = invoke_json(
        "policy", "check", "--text", text, "--author-paid-advocate", "--company-contact", "example.com"
    )
    assert [f["code"] for f in advocate["findings"]] == ["disclosure.missing"]
    assert advocate["blocked"] is True
    offensive = invoke_json("policy", "check", "--text", "Read the manual.", "--offensive-score", "0.95")
    assert [f["code"] for f in offensive["findings"]] == ["offensive.classifier"]


def test_findings_for_people_exit_with_0() -> None:
    result = invoke("policy", "check", "--text", "This is shit. Call +44 20 7946 0958.")
    assert result.exit_code == 0
    shown = plain(result.stdout)
    assert "2 finding(s)" in shown
    assert "block profanity.strong at 8-12: 'shit'" in shown
    assert "require_approval pii.phone at 19-35: '+** ** **** 0958'" in shown
    assert "why: Swearing in the company's name" in shown
    assert "Blocked: change the text" in shown


def test_help_names_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that rich does not shorten the option names
    shown = plain(invoke("policy", "check", "--help").stdout)
    for option in ("--text", "--public", "--private", "--author-paid-advocate", "--customer-sentiment", "--json"):
        assert option in shown, option
