"""Personal data: check digits, each kind found in realistic text, and what is deliberately not reported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.governance.pii import (
    NonOverlapping,
    PersonalDataKind,
    bsn_valid,
    dni_valid,
    find_personal_data,
    iban_valid,
    luhn_valid,
    mask_email,
    mask_keeping_last,
    masked_text,
    ssn_valid,
)

VALID_CARDS = [
    "4111111111111111",  # Visa
    "4222222222222",  # Visa, 13 digits
    "5555555555554444",  # Mastercard
    "2223003122003222",  # Mastercard 2-series
    "378282246310005",  # American Express, 15 digits
    "6011111111111117",  # Discover
    "3530111333300000",  # JCB
    "6200000000000005",  # UnionPay
    "4000000000000000006",  # 19 digits
]


@pytest.mark.parametrize("number", VALID_CARDS)
def test_luhn_accepts_test_card_numbers(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4111111111111112", "5555555555554445", "1234567812345678", ""])
def test_luhn_rejects_altered_numbers(number: str) -> None:
    assert not luhn_valid(number)


@pytest.mark.parametrize(
    "iban",
    ["GB82WEST12345698765432", "DE89370400440532013000", "NL91ABNA0417164300", "FR1420041010050500013M02606",
     "BE68539007547034", "NO9386011117947", "gb82west12345698765432"],
)  # fmt: skip
def test_iban_check_accepts_registry_examples(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize("iban", ["GB82WEST12345698765433", "NL91ABNA041716430", "DE8937040044053201300", "XX00"])
def test_iban_check_rejects_wrong_check_digits_and_lengths(iban: str) -> None:
    assert not iban_valid(iban)


def test_bsn_eleven_check() -> None:
    assert bsn_valid("111222333")
    assert bsn_valid("123456782")
    assert not bsn_valid("123456789")
    assert not bsn_valid("000000000")
    assert not bsn_valid("12345678")


def test_spanish_dni_and_nie_check_letter() -> None:
    assert dni_valid("12345678", "Z")
    assert dni_valid("12345678", "z")
    assert not dni_valid("12345678", "A")
    assert dni_valid("X1234567", "L")
    assert not dni_valid("X1234567", "T")


@pytest.mark.parametrize(
    ("area", "group", "serial", "valid"),
    [
        ("123", "45", "6789", True),
        ("000", "45", "6789", False),
        ("666", "45", "6789", False),
        ("900", "45", "6789", False),
        ("999", "45", "6789", False),
        ("123", "00", "6789", False),
        ("123", "45", "0000", False),
        ("078", "05", "1120", False),
    ],
)
def test_ssn_never_issued_ranges(area: str, group: str, serial: str, valid: bool) -> None:
    assert ssn_valid(area, group, serial) is valid


def kinds(text: str) -> list[tuple[PersonalDataKind, str]]:
    return [(item.kind, text[item.start : item.end]) for item in find_personal_data(text)]


CARD, IBAN, ID, PHONE, EMAIL = (
    PersonalDataKind.CARD,
    PersonalDataKind.IBAN,
    PersonalDataKind.NATIONAL_ID,
    PersonalDataKind.PHONE,
    PersonalDataKind.EMAIL,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your card 4111 1111 1111 1111 was charged twice.", [(CARD, "4111 1111 1111 1111")]),
        ("card: 4111-1111-1111-1111.", [(CARD, "4111-1111-1111-1111")]),
        ("Amex 3782 822463 10005 on file", [(CARD, "3782 822463 10005")]),
        ("number 4111111111111111 123 (with its code)", [(CARD, "4111111111111111")]),
        ("Refund to NL91 ABNA 0417 1643 00 and done", [(IBAN, "NL91 ABNA 0417 1643 00")]),
        ("IBAN: GB82WEST12345698765432.", [(IBAN, "GB82WEST12345698765432")]),
        ("SSN 123-45-6789 on the form", [(ID, "123-45-6789")]),
        ("SSN 123 45 6789 on the form", [(ID, "123 45 6789")]),
        ("NI number QQ 12 34 56 C", []),  # QQ is the example prefix: Q is never issued as first letter
        ("NI number AB 12 34 56 C", [(ID, "AB 12 34 56 C")]),
        ("NI number ab123456c", [(ID, "ab123456c")]),
        ("my BSN is 111222333", [(ID, "111222333")]),
        ("BSN 1112.22.333", [(ID, "1112.22.333")]),
        ("DNI 12345678Z please", [(ID, "12345678Z")]),
        ("NIE X1234567L please", [(ID, "X1234567L")]),
        ("call +44 20 7946 0958 today", [(PHONE, "+44 20 7946 0958")]),
        ("call +31 6 12345678.", [(PHONE, "+31 6 12345678")]),
        ("call +1 (415) 555-0132", [(PHONE, "+1 (415) 555-0132")]),
        ("call (415) 555-0132 or 415.555.0132", [(PHONE, "(415) 555-0132"), (PHONE, "415.555.0132")]),
        ("call 1-800-555-0199 now", [(PHONE, "1-800-555-0199")]),
        ("mail jane.doe+care@example.co.uk now", [(EMAIL, "jane.doe+care@example.co.uk")]),
    ],
)
def test_finds_personal_data_in_text(text: str, expected: list[tuple[PersonalDataKind, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Luhn-invalid 4111 1111 1111 1112",
        "order #4111 1111 1111 1111 ships today",  # a reference number that happens to pass Luhn
        "Order number: 5555555555554444",
        "tracking 1Z999AA10123456784",
        "ticket 1234567890123456",  # MII 1 is not a payment card
        "a 25-digit run 4111111111111111111111111",
        "version 3.14159265358979",
        "Bare ten digits 4155550132 are an order number as often as a phone",
        "parcel 111222333 passes the 11-check but has no BSN label",
        "SSN-shaped 666-45-6789 and 123-00-6789",
        "dates 2026-03-01 and 12/03/2026, amounts $1,299.00, 30% off",
        "Call +44 20 79 (too short)",
        "price 4,111,111,111,111,111",
    ],
)
def test_does_not_report_lookalikes(text: str) -> None:
    assert kinds(text) == []


def test_phone_number_is_not_reported_as_a_card() -> None:
    assert kinds("ring +1 415 555 0132 4567") == [(PHONE, "+1 415 555 0132 4567")]
    assert kinds("ring +44 7911 123456") == [(PHONE, "+44 7911 123456")]


def test_more_specific_kind_wins_an_overlap() -> None:
    # The digits inside the address are not a phone number of their own.
    assert kinds("write to 4155550132.415.555.0132@example.com") == [(EMAIL, "4155550132.415.555.0132@example.com")]


def test_company_contacts_are_not_reported() -> None:
    text = "Write to care@brand.example, press@brand.example or call +1 (800) 555-0199; not jane@gmail.com"
    found = find_personal_data(text, company_contacts=("brand.example", "1-800-555-0199"))
    assert [text[i.start : i.end] for i in found] == ["jane@gmail.com"]
    exact = find_personal_data(text, company_contacts=("care@brand.example",))
    assert [text[i.start : i.end] for i in exact] == ["press@brand.example", "+1 (800) 555-0199", "jane@gmail.com"]


def test_masks_keep_the_length_and_only_the_end() -> None:
    assert mask_keeping_last("4111 1111 1111 1111") == "**** **** **** 1111"
    assert mask_keeping_last("123-45-6789") == "***-**-6789"
    assert mask_keeping_last("12") == "12"
    assert mask_email("jane.doe@example.com") == "j*******@example.com"
    text = "card 4111 1111 1111 1111, mail jane@example.com"
    masked = masked_text(text, find_personal_data(text))
    assert masked == "card **** **** **** 1111, mail j***@example.com"
    assert len(masked) == len(text)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 10)), max_size=40))
def test_non_overlapping_claims_exactly_the_spans_that_do_not_overlap(spans: list[tuple[int, int]]) -> None:
    taken = NonOverlapping()
    claimed: list[tuple[int, int]] = []
    for start, length in spans:
        end = start + length
        free = all(end <= s or start >= e for s, e in claimed)
        assert taken.claim(start, end) is free
        if free:
            claimed.append((start, end))
