"""Properties of the policy checks over generated text: every valid card is found, invalid ones are not,
masks never leak more than the last four digits, and every span points into the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from groundswell.governance.pii import luhn_valid
from groundswell.governance.policy import check_draft
from groundswell.governance.schemas import PolicyContext, Visibility

ASCII_DIGITS = "0123456789"
# Surrounding text of any characters but ASCII digits, so the card is the only number in it.
no_digits = st.text(alphabet=st.characters(blacklist_characters=ASCII_DIGITS), max_size=40)


def luhn_check_digit(body: str) -> str:
    return next(d for d in ASCII_DIGITS if luhn_valid(body + d))


@st.composite
def card_digits(draw: st.DrawFn, *, valid: bool = True) -> str:
    length = draw(st.integers(13, 19))
    body = draw(st.sampled_from("23456")) + draw(
        st.text(alphabet=ASCII_DIGITS, min_size=length - 2, max_size=length - 2)
    )
    check = luhn_check_digit(body)
    if not valid:
        check = str((int(check) + draw(st.integers(1, 9))) % 10)
    return body + check


@st.composite
def written_as_people_do(draw: st.DrawFn, digits: str) -> str:
    """All together, or in groups of any size joined by single spaces or dashes."""
    pieces: list[str] = []
    rest = digits
    while rest:
        size = draw(st.integers(1, len(rest)))
        pieces.append(rest[:size])
        rest = rest[size:]
    written = pieces[0]
    for piece in pieces[1:]:
        written += draw(st.sampled_from(" -")) + piece
    return written


context_strategy = st.builds(
    PolicyContext,
    visibility=st.sampled_from(Visibility),
    author_is_paid_advocate=st.booleans(),
    customer_sentiment=st.sampled_from([None, "negative", "neutral", "positive"]),
    offensive_score=st.none() | st.floats(0, 1),
)


@given(data=st.data(), before=no_digits, after=no_digits, context=context_strategy)
def test_every_luhn_valid_card_is_found_and_masked(
    data: st.DataObject, before: str, after: str, context: PolicyContext
) -> None:
    digits = data.draw(card_digits())
    card = data.draw(written_as_people_do(digits))
    text = f"{before} {card} {after}"
    start = len(before) + 1
    findings = check_draft(text, context)
    cards = [f for f in findings if f.code == "pii.card"]
    assert [(f.span.start, f.span.end) for f in cards] == [(start, start + len(card))]
    assert "".join(c for c in cards[0].span.excerpt if c in ASCII_DIGITS) == digits[-4:]
    for finding in findings:  # no other finding's excerpt shows the card either
        assert sum(c in ASCII_DIGITS for c in finding.span.excerpt) <= 4


@given(data=st.data(), before=no_digits, after=no_digits)
def test_luhn_invalid_numbers_are_not_cards(data: st.DataObject, before: str, after: str) -> None:
    digits = data.draw(card_digits(valid=False))
    # Written whole, or in fours when that leaves no shorter 13-digit window inside that could be a card.
    grouped = len(digits) <= 16 and data.draw(st.booleans())
    number = (
        data.draw(st.sampled_from(" -")).join(digits[i : i + 4] for i in range(0, len(digits), 4))
        if grouped
        else digits
    )
    findings = check_draft(f"{before} {number} {after}", PolicyContext())
    assert not [f for f in findings if f.code == "pii.card"]


RISKY_SNIPPETS = [
    "4111 1111 1111 1111", "+44 20 7946 0958", "jane@example.com", "NL91 ABNA 0417 1643 00", "123-45-6789",
    "AB 12 34 56 C", "BSN 111222333", "12345678Z", "(415) 555-0132", "shit", "damn", "we guarantee",
    "full refund", "It was our fault", "we cannot promise", "Awesome!!", "🎉", "#ad", "order #5555555555554444",
]  # fmt: skip
drafts = st.lists(st.sampled_from(RISKY_SNIPPETS) | st.text(max_size=20), max_size=8).map(" ".join)


@given(text=drafts, context=context_strategy)
def test_spans_point_into_the_text_and_excerpts_match_them(text: str, context: PolicyContext) -> None:
    findings = check_draft(text, context)
    for finding in findings:
        span = finding.span
        assert 0 <= span.start <= span.end <= len(text)
        if span.end - span.start <= 80:
            assert len(span.excerpt) == span.end - span.start
        else:
            assert len(span.excerpt) == 80 and span.excerpt.endswith("…")
        if not finding.code.startswith("pii."):
            continue
        original = text[span.start : span.end]
        assert span.excerpt != original or original.count("*") == len(original)
        for kept, masked in zip(original, span.excerpt, strict=True):
            assert masked in (kept, "*")  # masks hide characters, never invent them
    assert findings == sorted(findings, key=lambda f: (f.span.start, f.span.end, f.code))
    assert check_draft(text, context) == findings  # pure: the same answer twice


@given(text=st.text(max_size=200), context=context_strategy)
def test_any_text_is_checked_without_error(text: str, context: PolicyContext) -> None:
    for finding in check_draft(text, context):
        assert 0 <= finding.span.start <= finding.span.end <= len(text)
        if finding.code == "pii.card":
            digits = "".join(c for c in text[finding.span.start : finding.span.end] if c in ASCII_DIGITS)
            assert 13 <= len(digits) <= 19 and luhn_valid(digits)
