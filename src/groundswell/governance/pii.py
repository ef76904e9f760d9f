"""Personal data in a draft reply: payment cards, IBANs, national ids, phone numbers and e-mail addresses.

Each kind is found by a pattern and then validated by its check digits where it has them (Luhn, mod 97,
the Dutch 11-check, the Spanish check letter), so that order numbers and other digit runs are not reported.
Where two candidates overlap, the more specific kind wins (an e-mail over a phone number inside it, a
card over the phone-shaped groups inside it). Masks keep the text's length, so a masked copy of the text
can be sliced with the same offsets as the original."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class PersonalDataKind(StrEnum):
    # Declared in priority order: an earlier kind wins over a later one that overlaps it.
    EMAIL = "email"
    IBAN = "iban"
    CARD = "card"
    NATIONAL_ID = "national_id"
    PHONE = "phone"


@dataclass(frozen=True)
class PersonalData:
    kind: PersonalDataKind
    label: str  # what it is, for people: "payment card number", "UK National Insurance number"
    start: int
    end: int
    masked: str  # the same length as text[start:end]


KEEP_LAST = 4  # characters left readable at the end of a masked number, as on a card receipt
MASK = "*"

# A word written just before a number that says it is not personal: "order #4111 1111 1111 1111".
_REFERENCE_LABEL = re.compile(
    r"(?:order|booking|confirmation|tracking|reference|ref|invoice|ticket|case|reservation|parcel|shipment)"
    r"\s*(?:number|no\.?|nr\.?|id|#)?\s*[:#]?\s*$",
    re.IGNORECASE,
)


class NonOverlapping:
    """Spans claimed so far, kept sorted, so that checking a new one against them costs a binary search."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def claim(self, start: int, end: int) -> bool:
        """Claims [start, end) unless it overlaps a span already claimed; says whether it did."""
        at = bisect.bisect_right(self._starts, start)
        if (at > 0 and self._ends[at - 1] > start) or (at < len(self._starts) and self._starts[at] < end):
            return False
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        return True


def is_labelled_as_reference(text: str, start: int) -> bool:
    return _REFERENCE_LABEL.search(text[max(0, start - 30) : start]) is not None


def mask_keeping_last(value: str, keep: int = KEEP_LAST) -> str:
    """Every letter and digit but the last `keep` becomes `*`; separators stay, so the shape is readable."""
    positions = [i for i, char in enumerate(value) if char.isalnum()]
    hidden = set(positions[: max(0, len(positions) - keep)])
    return "".join(MASK if i in hidden else char for i, char in enumerate(value))


def mask_email(value: str) -> str:
    """j*******@example.com: the domain says which provider, not who."""
    local, _, domain = value.partition("@")
    return local[:1] + MASK * (len(local) - 1) + "@" + domain


# ---- check digits -------------------------------------------------------------------------------


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # each digit doubled, with the digits of the result summed


def luhn_valid(digits: str) -> bool:
    """The Luhn check of card numbers: from the right, every second digit doubled; the sum ends in 0."""
    if not digits:
        return False
    total = sum(int(d) for d in digits[-1::-2]) + sum(_LUHN_DOUBLED[int(d)] for d in digits[-2::-2])
    return total % 10 == 0


# IBAN lengths by country (ISO 13616 registry). A country missing here is still accepted when the
# mod-97 check holds and the length is plausible, since the registry grows.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_valid(compact: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to 10..35, and the number mod 97 is 1."""
    iban = compact.upper()
    if not (15 <= len(iban) <= 34) or not iban.isalnum() or IBAN_LENGTHS.get(iban[:2], len(iban)) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def bsn_valid(digits: str) -> bool:
    """Dutch citizen service number: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11 (the 11-check)."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    weighted = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return weighted % 11 == 0


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_valid(number: str, letter: str) -> bool:
    """Spanish DNI (8 digits) or NIE (X/Y/Z and 7 digits): the letter is the number mod 23 looked up."""
    leading = {"X": "0", "Y": "1", "Z": "2"}
    digits = leading.get(number[:1].upper(), number[:1]) + number[1:]
    return digits.isdigit() and DNI_LETTERS[int(digits) % 23] == letter.upper()


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """US SSN: area 000, 666 and 900-999, group 00 and serial 0000 are never issued; 078-05-1120 was
    printed on sample cards in wallets and is void."""
    never_issued = area in {"000", "666"} or area.startswith("9") or group == "00" or serial == "0000"
    return not never_issued and (area, group, serial) != ("078", "05", "1120")


# ---- finders: each yields candidates, the caller resolves overlaps ------------------------------------

# Digit groups joined by single spaces or dashes, not starting inside a number, a decimal or after a "+".
_DIGIT_RUN = re.compile(r"(?<![0-9+])(?<![0-9][.,])[0-9]+(?:[ -][0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
CARD_FIRST_DIGITS = "23456"  # ISO/IEC 7812 major industry identifiers of payment cards (2: Mastercard 2-series)


def _find_cards(text: str) -> Iterator[PersonalData]:
    """A card is a Luhn-valid run of 13-19 digits. Within a longer run of groups (a card followed by its
    security code, say) the longest valid window of whole groups is taken."""
    for run in _DIGIT_RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in _GROUP.finditer(run.group())]
        for start, end in _card_windows(text, groups):
            if not is_labelled_as_reference(text, start):
                yield PersonalData(
                    PersonalDataKind.CARD, "payment card number", start, end, mask_keeping_last(text[start:end])
                )


def _card_windows(text: str, groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
    valid: list[tuple[int, int, int]] = []  # (digit count, start, end)
    for first in range(len(groups)):
        digits = ""
        for last in range(first, len(groups)):
            digits += text[groups[last][0] : groups[last][1]]
            if len(digits) > 19:
                break
            if len(digits) >= 13 and digits[0] in CARD_FIRST_DIGITS and luhn_valid(digits):
                valid.append((len(digits), groups[first][0], groups[last][1]))
    taken = NonOverlapping()
    return [(start, end) for _, start, end in sorted(valid, key=lambda w: (-w[0], w[1])) if taken.claim(start, end)]


_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}")


def _find_ibans(text: str) -> Iterator[PersonalData]:
    """A pattern match may run on into the next word ("NL91 ABNA 0417 1643 00 and"); trailing words
    are dropped until the check holds."""
    for match in _IBAN.finditer(text):
        tokens = match.group().split(" ")
        while tokens:
            candidate = " ".join(tokens)
            if iban_valid(candidate.replace(" ", "")):
                start = match.start()
                masked = candidate[:2] + mask_keeping_last(candidate[2:])
                yield PersonalData(PersonalDataKind.IBAN, "IBAN (bank account)", start, start + len(candidate), masked)
                break
            tokens.pop()


_SSN = re.compile(r"(?<![0-9-])([0-9]{3})([- ])([0-9]{2})\2([0-9]{4})(?![0-9]|-[0-9])")
# UK National Insurance number: the first letter is never D F I Q U V, the second never D F I O Q U V.
_NINO = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NINO_NEVER_ISSUED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_BSN = re.compile(r"(?<![0-9.])(?:[0-9]{9}|[0-9]{4}\.[0-9]{2}\.[0-9]{3})(?![0-9]|\.[0-9])")
_BSN_LABEL = re.compile(r"\b(?:bsn|burgerservicenummer|sofi-?nummer|citizen service number)\b", re.IGNORECASE)
_DNI = re.compile(r"(?<![A-Za-z0-9])([XYZxyz][0-9]{7}|[0-9]{8})-?([A-Za-z])(?![A-Za-z0-9])")


def _national_id(label: str, start: int, end: int, text: str) -> PersonalData:
    return PersonalData(PersonalDataKind.NATIONAL_ID, label, start, end, mask_keeping_last(text[start:end]))


def _find_national_ids(text: str) -> Iterator[PersonalData]:
    for m in _SSN.finditer(text):
        if ssn_valid(m.group(1), m.group(3), m.group(4)):
            yield _national_id("US Social Security number", m.start(), m.end(), text)
    for m in _NINO.finditer(text):
        if m.group(1).upper() not in _NINO_NEVER_ISSUED:
            yield _national_id("UK National Insurance number", m.start(), m.end(), text)
    for m in _BSN.finditer(text):
        # Nine bare digits pass the 11-check one time in eleven, so an order number would too: a bare
        # run counts only when "BSN" or its Dutch names stand shortly before it.
        labelled = _BSN_LABEL.search(text[max(0, m.start() - 40) : m.start()]) is not None
        if bsn_valid(m.group().replace(".", "")) and (labelled or "." in m.group()):
            yield _national_id("Dutch citizen service number (BSN)", m.start(), m.end(), text)
    for m in _DNI.finditer(text):
        if dni_valid(m.group(1), m.group(2)):
            yield _national_id("Spanish DNI/NIE number", m.start(), m.end(), text)


# +country code and 7-14 more digits, in any grouping people write (spaces, dots, dashes, a trunk "(0)").
_INTERNATIONAL_PHONE = re.compile(r"(?<![0-9A-Za-z+])\+[1-9][0-9]*(?:[ .\-/]?\(?[0-9]+\)?)*")
# North American numbers need their separators: a bare 10-digit run is as likely an order number.
_US_PHONE = re.compile(
    r"(?<![0-9+\-.])(?:1[ .-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-])[2-9][0-9]{2}[ .-][0-9]{4}(?![0-9]|[.-][0-9])"
)


def _find_phones(text: str) -> Iterator[PersonalData]:
    for m in _INTERNATIONAL_PHONE.finditer(text):
        value = m.group().rstrip(" .-/(")
        if 8 <= sum(char.isdigit() for char in value) <= 15:
            yield PersonalData(
                PersonalDataKind.PHONE, "phone number", m.start(), m.start() + len(value), mask_keeping_last(value)
            )
    for m in _US_PHONE.finditer(text):
        if not is_labelled_as_reference(text, m.start()):
            yield PersonalData(PersonalDataKind.PHONE, "phone number", m.start(), m.end(), mask_keeping_last(m.group()))


_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _find_emails(text: str) -> Iterator[PersonalData]:
    for m in _EMAIL.finditer(text):
        yield PersonalData(PersonalDataKind.EMAIL, "e-mail address", m.start(), m.end(), mask_email(m.group()))


_FINDERS: tuple[Callable[[str], Iterator[PersonalData]], ...] = (
    _find_emails,
    _find_ibans,
    _find_cards,
    _find_national_ids,
    _find_phones,
)


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def is_company_contact(item: PersonalData, text: str, company_contacts: Iterable[str]) -> bool:
    """The company's own address, domain or phone number is meant to be shared ("mail care@brand.example")."""
    value = text[item.start : item.end]
    for written in company_contacts:
        contact = written.strip().lower()
        if item.kind is PersonalDataKind.EMAIL and contact:
            address = value.lower()
            if address == contact or address.endswith("@" + contact.lstrip("@")):
                return True
        if item.kind is PersonalDataKind.PHONE and len(_digits(contact)) >= 7:
            tail = min(10, len(_digits(contact)), len(_digits(value)))
            if _digits(value)[-tail:] == _digits(contact)[-tail:]:
                return True
    return False


def find_personal_data(text: str, *, company_contacts: Iterable[str] = ()) -> list[PersonalData]:
    """Personal data in `text`, in reading order, with no two items overlapping."""
    contacts = tuple(company_contacts)
    taken = NonOverlapping()
    chosen = [item for finder in _FINDERS for item in finder(text) if taken.claim(item.start, item.end)]
    return sorted(
        (item for item in chosen if not is_company_contact(item, text, contacts)), key=lambda item: item.start
    )


def masked_text(text: str, found: Iterable[PersonalData]) -> str:
    """`text` with every item replaced by its mask; offsets stay valid because masks keep the length."""
    pieces: list[str] = []
    position = 0
    for item in sorted(found, key=lambda item: item.start):
        pieces += [text[position : item.start], item.masked]
        position = item.end
    pieces.append(text[position:])
    return "".join(pieces)
