"""check_draft: each check, its severity by visibility, and its explanation."""

from __future__ import annotations

import pytest

from groundswell.governance.policy import EXPLANATIONS, PolicyRules, blocking, check_draft, needing_approval
from groundswell.governance.schemas import Finding, PolicyContext, Severity, Visibility

PUBLIC = PolicyContext()
PRIVATE = PolicyContext(visibility=Visibility.PRIVATE)


def codes(text: str, context: PolicyContext = PUBLIC) -> list[tuple[str, Severity, str]]:
    return [(f.code, f.severity, f.span.excerpt) for f in check_draft(text, context)]


def test_a_clean_reply_has_no_findings() -> None:
    assert check_draft("Sorry to hear that, Ana. Could you send us a DM with your order number?", PUBLIC) == []


@pytest.mark.parametrize(
    ("text", "code", "public", "private"),
    [
        ("card 4111 1111 1111 1111", "pii.card", Severity.BLOCK, Severity.BLOCK),
        ("SSN 123-45-6789", "pii.national_id", Severity.BLOCK, Severity.REQUIRE_APPROVAL),
        ("IBAN NL91ABNA0417164300", "pii.iban", Severity.BLOCK, Severity.WARN),
        ("call +44 20 7946 0958", "pii.phone", Severity.REQUIRE_APPROVAL, None),
        ("mail jane@example.com", "pii.email", Severity.REQUIRE_APPROVAL, None),
        ("this is shit", "profanity.strong", Severity.BLOCK, Severity.REQUIRE_APPROVAL),
        ("damn printer", "profanity.mild", Severity.WARN, Severity.WARN),
    ],
)
def test_severity_depends_on_visibility(text: str, code: str, public: Severity, private: Severity | None) -> None:
    assert [(f.code, f.severity) for f in check_draft(text, PUBLIC)] == [(code, public)]
    assert [(f.code, f.severity) for f in check_draft(text, PRIVATE)] == ([(code, private)] if private else [])


def test_every_finding_explains_why_and_what_to_do() -> None:
    for code, (why, what_to_do) in EXPLANATIONS.items():
        assert len(why.split()) >= 8 and len(what_to_do.split()) >= 5, code
    finding = check_draft("card 4111 1111 1111 1111", PUBLIC)[0]
    assert finding.span.excerpt == "**** **** **** 1111"
    assert "last four digits" in finding.what_to_do


@pytest.mark.parametrize("word", ["Scunthorpe", "assess", "class", "cocktail", "Dickensian", "passionate", "Essex",
                                  "shitake", "hello", "assassin", "therapist", "grape"])  # fmt: skip
def test_no_scunthorpe_problem(word: str) -> None:
    assert check_draft(f"Our {word} team will reply soon.", PUBLIC) == []


@pytest.mark.parametrize("text", ["what the fuck", "F*CK this", "sh!t happens", "you @ss", "Bullshit.", "shit!"])
def test_profanity_including_masked_spellings(text: str) -> None:
    assert [code for code, _, _ in codes(text)] == ["profanity.strong"]


def test_offensive_classifier_score_above_the_threshold_needs_approval() -> None:
    text = "Read the manual next time."
    assert check_draft(text, PolicyContext(offensive_score=0.79)) == []
    flagged = check_draft(text, PolicyContext(offensive_score=0.8))
    assert [(f.code, f.severity, f.span.start, f.span.end) for f in flagged] == [
        ("offensive.classifier", Severity.REQUIRE_APPROVAL, 0, len(text))
    ]
    assert check_draft(text, PolicyContext(offensive_score=0.6), PolicyRules(offensive_threshold=0.5)) != []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("We guarantee it arrives Friday.", "commitment.guarantee"),
        ("Delivery is guaranteed.", "commitment.guarantee"),
        ("You will get a full refund.", "commitment.full_refund"),
        ("We will refund you in full.", "commitment.full_refund"),
        ("We will compensate you for the trip.", "commitment.compensation"),
        ("We'll fully reimburse the taxi.", "commitment.compensation"),
        ("I promise it won't happen again.", "commitment.promise"),
        ("It was our fault.", "liability.admission"),
        ("This was entirely our fault.", "liability.admission"),
        ("We are liable for the damage.", "liability.admission"),
        ("The delay was due to our negligence.", "liability.admission"),
        ("We accept full liability.", "liability.admission"),
    ],
)
def test_commitments_and_admissions_need_approval(text: str, code: str) -> None:
    assert [(c, s) for c, s, _ in codes(text)] == [(code, Severity.REQUIRE_APPROVAL)]


@pytest.mark.parametrize(
    "text",
    [
        "We cannot guarantee a delivery date.",
        "We can't guarantee that, sorry.",
        "We can not fully guarantee it.",
        "There is no guarantee, unfortunately.",
        "This is not a promise.",
        "It was not our fault.",
        "It wasn't our fault.",
        "We are not liable for third-party sellers.",
        "We won't be able to offer a full refund.",
        "We are unable to promise a date.",
    ],
)
def test_negated_commitments_are_not_commitments(text: str) -> None:
    assert check_draft(text, PUBLIC) == []


def test_negation_does_not_reach_past_a_clause_break() -> None:
    assert check_draft("We cannot and will not promise a date.", PUBLIC) == []
    assert [c for c, _, _ in codes("We didn't lose it and we guarantee it arrives.")] == ["commitment.guarantee"]
    assert [c for c, _, _ in codes("No, we guarantee it.")] == ["commitment.guarantee"]
    assert [c for c, _, _ in codes("We can't ship today but we guarantee Monday.")] == ["commitment.guarantee"]


UPSET = PolicyContext(customer_sentiment="negative")


def test_cheerful_tone_to_an_upset_customer_warns() -> None:
    text = "Awesome, great news!! Your bag is found 🎉"
    assert check_draft(text, PUBLIC) == []  # the same words to a neutral customer are fine
    found = codes(text, UPSET)
    assert {(c, s) for c, s, _ in found} == {("tone.cheerful_to_upset", Severity.WARN)}
    assert [excerpt for _, _, excerpt in found] == ["Awesome", "great news", "!!", "🎉"]
    by_emotion = check_draft(text, PolicyContext(customer_sentiment="neutral", customer_emotion="anger"))
    assert len(by_emotion) == 4


def test_empathetic_reply_to_an_upset_customer_passes() -> None:
    assert check_draft("We're so sorry about your bag. We're on it 🙏", UPSET) == []
    assert check_draft("Sorry about that!", UPSET) == []  # one exclamation mark is fine


ADVOCATE = PolicyContext(author_is_paid_advocate=True)


@pytest.mark.parametrize(
    "text",
    ["Love my PulsePad #ad", "#sponsored Love it", "Paid partnership with PulsePad", "Ad: love my PulsePad",
     "Love it #Partner", "love it #AD."],
)  # fmt: skip
def test_paid_advocate_with_disclosure_passes(text: str) -> None:
    assert check_draft(text, ADVOCATE) == []


@pytest.mark.parametrize("text", ["Love my PulsePad", "Love my #adventure PulsePad", "my dad: love it"])
def test_paid_advocate_without_disclosure_is_blocked(text: str) -> None:
    assert [(c, s) for c, s, _ in codes(text, ADVOCATE)] == [("disclosure.missing", Severity.BLOCK)]
    private = PolicyContext(author_is_paid_advocate=True, visibility=Visibility.PRIVATE)
    assert check_draft(text, private) == []
    assert check_draft(text, PUBLIC) == []


def test_long_excerpts_are_cut_and_still_masked() -> None:
    text = "Love my PulsePad, paid with 4111 1111 1111 1111 " + "really " * 30
    finding = next(f for f in check_draft(text, ADVOCATE) if f.code == "disclosure.missing")
    assert finding.span.excerpt.startswith("Love my PulsePad, paid with **** **** **** 1111 really")
    assert finding.span.excerpt.endswith("…") and len(finding.span.excerpt) == 80


def test_findings_are_in_reading_order_and_helpers_split_them() -> None:
    text = "Damn. We guarantee it. Card 4111 1111 1111 1111."
    found: list[Finding] = check_draft(text, PUBLIC)
    assert [f.code for f in found] == ["profanity.mild", "commitment.guarantee", "pii.card"]
    assert [f.code for f in blocking(found)] == ["pii.card"]
    assert [f.code for f in needing_approval(found)] == ["commitment.guarantee"]
