"""`groundswell policy check`: findings for people and as one JSON object, exit code 0 either way."""

from __future__ import annotations

import re

import pytest

from tests.support.cli import invoke, invoke_json


def plain(text: str) -> str:
    return " ".join(re.sub(r"[\u2500-\u257f`]", " ", text).split())


def test_json_lists_findings_and_says_whether_blocked_or_needing_approval() -> None:
    result = invoke_json("policy", "check", "--text", "We guarantee it. Card 4111 1111 1111 1111.")
    assert set(result) == {"findings", "requires_approval", "blocked", "offensive_score"}
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
    assert result == {"findings": [], "requires_approval": False, "blocked": False, "offensive_score": None}
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
    assert offensive["offensive_score"] == 0.95
    influencer = invoke_json("policy", "check", "--text", "Loving my new PulsePad", "--author-influencer")
    assert [f["code"] for f in influencer["findings"]] == ["disclosure.missing"]
    disclosed = invoke_json("policy", "check", "--text", "Loving my new PulsePad #ad", "--author-influencer")
    assert disclosed["findings"] == []


def test_the_bundled_offensive_classifier_scores_the_draft() -> None:
    rude = invoke_json(
        "policy", "check", "--text", "Shut up, you stupid moron. Nobody cares, idiot.", "--offensive-model"
    )
    assert rude["offensive_score"] >= 0.8
    assert [(f["code"], f["severity"]) for f in rude["findings"]] == [("offensive.classifier", "require_approval")]
    assert rude["requires_approval"] is True and rude["blocked"] is False
    polite = invoke_json("policy", "check", "--text", "Sorry about the delay, we are on it.", "--offensive-model")
    assert polite["offensive_score"] < 0.5 and polite["findings"] == []
    shown = invoke("policy", "check", "--text", "Sorry about the delay.", "--offensive-model")
    assert "Offensive-language score: 0." in shown.stdout


def test_the_issue_s_list_of_checks() -> None:
    """Personal data (a Luhn-valid card, a phone, an e-mail, a national id), profanity, commitments and
    legal exposure, tone towards an angry customer: each found and explained in one draft."""
    text = (
        "Damn, sorry! We guarantee a full refund, it was our fault!! Card 5555 5555 5555 4444, call +1 415 555 0132, "
        "mail jane@example.com, SSN 123-45-6789. Awesome 🎉"
    )
    result = invoke_json("policy", "check", "--text", text, "--customer-emotion", "anger")
    codes = {f["code"]: f["severity"] for f in result["findings"]}
    assert codes == {
        "profanity.mild": "warn",
        "tone.cheerful_to_upset": "warn",
        "commitment.guarantee": "require_approval",
        "commitment.full_refund": "require_approval",
        "liability.admission": "require_approval",
        "pii.card": "block",
        "pii.phone": "require_approval",
        "pii.email": "require_approval",
        "pii.national_id": "block",
    }
    assert all(f["why"] and f["what_to_do"] for f in result["findings"])
    # A digit run that fails the Luhn check is not a card.
    assert invoke_json("policy", "check", "--text", "Card 5555 5555 5555 4445")["findings"] == []


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
    for option in (
        "--text", "--public", "--private", "--author-paid-advocate", "--author-influencer", "--customer-sentiment",
        "--customer-emotion", "--offensive-score", "--offensive-model", "--company-contact", "--json",
    ):  # fmt: skip
        assert option in shown, option
