"""What was lost, where and when, read from a customer's post (pure: text and enrichment in, facts out).

- What: the item words below ("suitcase", "car seat", "laptop", ...) with the description the customer gave
  ("my black suitcase" -> "black suitcase"). A mention counts more with a possessive before it ("my", "our",
  "mom's") or a loss word near it ("lost", "left", "missing", "never arrived"); compounds that name a service
  rather than the thing ("baggage claim", "bag fee") and "phone" as a means of talking ("on the phone",
  "phone number") do not count.
- Where: a gate, terminal or carousel ("at gate C12"), and the place from the locations enrichment (or an
  airport code in the text): the one after "at" or "in" first, else a route's destination (the bag did not
  arrive there), else the first place named. A spot such as "on the plane" is kept when no gate is given.
- When: a relative day ("yesterday", "this morning", "last night", "on Friday", "2 days ago"), a date
  ("Feb 21", "2/21"), else the flight ("flight UA 328"), as the customer said it.

The search's status moves along TRANSITIONS: reported -> searching -> found -> returned, with not_found
reachable until the item is found. The table has no cycles, so each status happens at most once per item:
that is what makes "lost-item:{case}:{status}" a sound idempotency key for the customer's status update.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from groundswell.errors import InvalidInput
from groundswell.routing.geo import airport_codes_in_text, airport_point


class LostItemStatus(StrEnum):
    REPORTED = "reported"
    SEARCHING = "searching"
    FOUND = "found"
    RETURNED = "returned"
    NOT_FOUND = "not_found"


TRANSITIONS: dict[LostItemStatus, frozenset[LostItemStatus]] = {
    LostItemStatus.REPORTED: frozenset({LostItemStatus.SEARCHING, LostItemStatus.FOUND, LostItemStatus.NOT_FOUND}),
    LostItemStatus.SEARCHING: frozenset({LostItemStatus.FOUND, LostItemStatus.NOT_FOUND}),
    LostItemStatus.FOUND: frozenset({LostItemStatus.RETURNED}),
    LostItemStatus.RETURNED: frozenset(),
    LostItemStatus.NOT_FOUND: frozenset(),
}


def parse_status(value: str) -> LostItemStatus:
    try:
        return LostItemStatus(value.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        known = ", ".join(s.value for s in LostItemStatus)
        raise InvalidInput(f"{value!r} is not a lost-item status; use one of {known}") from None


def check_transition(old: str, new: str) -> LostItemStatus:
    """The new status, if the search may move there from `old`; InvalidInput naming the allowed moves if not."""
    current, wanted = parse_status(old), parse_status(new)
    if wanted not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none (it is final)"
        raise InvalidInput(f"a lost item that is {current.value} cannot become {wanted.value}; allowed: {allowed}")
    return wanted


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Surface words (as written, lower case) -> the kind of item.
ITEM_WORDS: dict[str, str] = {
    **dict.fromkeys(["bag", "bags", "checked bag", "checked bags", "duffel", "duffel bag", "duffle bag"], "bag"),
    **dict.fromkeys(["carry on", "carry-on", "carryon", "carry ons", "carry-ons", "tote", "handbag"], "bag"),
    **dict.fromkeys(["suitcase", "suitcases", "case"], "suitcase"),
    **dict.fromkeys(["luggage", "luggages", "baggage", "bagage"], "luggage"),
    **dict.fromkeys(["maleta", "maletas", "equipaje", "valise", "koffer", "mala", "bagagem"], "luggage"),
    **dict.fromkeys(["backpack", "backpacks", "rucksack"], "backpack"),
    **dict.fromkeys(["car seat", "car seats", "carseat", "carseats", "infant seat", "booster seat"], "car seat"),
    **dict.fromkeys(["stroller", "strollers", "pram", "pushchair", "buggy"], "stroller"),
    **dict.fromkeys(["laptop", "laptops", "macbook", "notebook computer", "computer"], "laptop"),
    **dict.fromkeys(["phone", "iphone", "cell phone", "cellphone", "mobile phone", "smartphone"], "phone"),
    **dict.fromkeys(["ipad", "tablet", "kindle", "e-reader"], "tablet"),
    **dict.fromkeys(["wallet", "purse", "billfold"], "wallet"),
    **dict.fromkeys(["passport", "passports", "id card", "driver's license", "drivers license"], "passport"),
    **dict.fromkeys(["keys", "key", "car keys", "house keys", "keychain"], "keys"),
    **dict.fromkeys(["jacket", "coat", "jackets", "coats", "hoodie", "sweater", "scarf"], "jacket"),
    **dict.fromkeys(["headphones", "earbuds", "airpods", "earphones"], "headphones"),
    **dict.fromkeys(["camera", "glasses", "sunglasses", "watch", "ring", "necklace", "jewelry"], "valuables"),
    **dict.fromkeys(["skis", "snowboard", "golf clubs", "bike", "bicycle", "surfboard"], "sports equipment"),
    **dict.fromkeys(["guitar", "violin", "cello", "instrument", "keyboard"], "instrument"),
    **dict.fromkeys(["wheelchair", "walker", "cpap", "medication", "medicine", "insulin"], "medical"),
    **dict.fromkeys(["umbrella", "teddy", "teddy bear", "toy", "stuffed animal", "blanket"], "personal item"),
    **dict.fromkeys(["package", "parcel", "box"], "package"),
    **dict.fromkeys(["belongings", "possessions", "stuff", "things", "clothes", "equipment", "gear"], "belongings"),
}
# A word after the item that makes the phrase a service or a place, not the thing: "baggage claim".
SERVICE_NOUNS = _words(
    "claim claims fee fees service services svc team office desk carousel carousels policy handler handlers "
    "handling tag tags tracking counter department dept agent agents staff line rep reps allowance drop check "
    "room area belt system issue issues people guy guys number numbers charge charges limit limits rules "
    "call calls app store"
)
# "case" is also "my case number"; "box", "ring", "watch", "key" and "walker" are common verbs or words: they
# need a possessive, and so do the vague "my stuff", "my clothes". A phone is more often how people talk to
# the company, so it needs a possessive or a loss word.
WEAK_WORDS = frozenset(
    {"case", "box", "ring", "watch", "key", "walker", "keyboard", "computer", "mala", "toy", "stuff", "things",
     "clothes", "equipment", "gear", "belongings", "possessions"}
)  # fmt: skip
POSSESSIVES = frozenset({"my", "our", "his", "her", "their", "mi", "mis", "mon", "ma", "mein", "meine", "minha"})
ARTICLES = frozenset({"a", "an", "the", "your", "one", "two", "three", "both", "all", "any", "these", "those"})
DESCRIPTORS = _words(
    "black white grey gray silver gold red blue navy green yellow orange purple pink brown tan beige teal "
    "maroon burgundy dark light bright small large big little huge tiny medium oversized full-size leather "
    "wool canvas hard soft hardshell hard-shell plastic metal rolling wheeled striped floral plaid checked "
    "carry-on infant baby kids kid's child's new old original favorite favourite expensive vintage matching "
    "personal only other second"
)
LOSS_WORDS = _words(
    "lost lose loses losing left leave missing misplaced forgot forgotten stolen delayed mishandled damaged "
    "find found locate located trace track where whereabouts arrive arrived arriving deliver delivered "
    "delivering never perdida perdido perdu verloren"
)
_NOT_AN_OBJECT_PHONE = frozenset({"on", "by", "via", "over", "the", "a"})  # "on the phone", "by phone"

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_GATE = re.compile(r"\b(gate|terminal|carousel|belt|concourse)\s+#?([A-Z]?\d{1,3}[A-Z]?|[A-Z])\b", re.IGNORECASE)
_SPOT = re.compile(
    r"\b(?:on|at|in|under|through)\s+(?:the\s+)?(plane|aircraft|train|bus|shuttle|taxi|cab|security|"
    r"check-?in|lounge|hotel|rental car|overhead bin|seat pocket|tsa)\b",
    re.IGNORECASE,
)
AIRLINE_CODES = "UA|AA|DL|WN|VX|B6|AS|NK|F9|HA|AC|WS|BA|LH|AF|KL|EK|QF|IB|AM|LA|AV|CM|SK|LX|OS|TK|EI|VS"
_FLIGHT = re.compile(
    rf"\b[Ff]light\s*(?:#|[Nn]o\.?|[Nn]umber)?\s*(?:([A-Z]{{2}}|[A-Z]\d|\d[A-Z])\s?)?#?(\d{{1,4}})\b"
    rf"|\b({AIRLINE_CODES})\s?#?(\d{{1,4}})\b"
)
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"  # noqa: E501
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_WHEN = re.compile(
    rf"\b(?:yesterday(?:\s+(?:morning|afternoon|evening))?|today|tonight|last\s+(?:night|week|weekend|{_DAYS})"
    rf"|this\s+(?:morning|afternoon|evening|week|weekend)|(?:on\s+)?(?:{_DAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|\d{{1,2}}\s+(?:days?|hours?|hrs?|weeks?)\s+ago|a\s+(?:day|week)\s+ago|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b|\d{{4}}-\d{{2}}-\d{{2}}|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?:/\d{{2,4}})?)\b",
    re.IGNORECASE,
)
_PLACE_CUES = frozenset({"at", "in"})
_MAX_PHRASE = max(len(phrase.split()) for phrase in ITEM_WORDS)


@dataclass(frozen=True, slots=True)
class LostItemFacts:
    item: str | None  # as described: "black suitcase"
    kind: str | None  # the kind of thing: "luggage", "car seat", "phone", ...
    place: str | None  # "gate C12, ORD", "Houston", "on the plane"
    latitude: float | None
    longitude: float | None
    flight: str | None  # "UA328", "flight 1212"
    lost_on: str | None  # "yesterday", "Feb 21", or the flight when no day is given
    explanation: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    key: str
    start: int


def extract(text: str, places: Sequence[Mapping[str, Any]] = ()) -> LostItemFacts:
    """The lost item's facts from a post and its `locations` enrichment (a list of place dicts)."""
    text = html.unescape(text or "")
    words = [_Word(m.group(), _key(m.group()), m.start()) for m in _WORD.finditer(text)]
    notes: list[str] = []
    item, kind = _item(words, notes)
    flight = _flight(text)
    place, point = _place(text, words, places, notes)
    when = _WHEN.search(text)
    lost_on = when.group().strip() if when else (f"flight {flight}" if flight else None)
    if lost_on:
        notes.append(f"when: {lost_on!r}" + ("" if when else " (the flight; no day given)"))
    return LostItemFacts(
        item=item, kind=kind, place=place, latitude=point[0] if point else None,
        longitude=point[1] if point else None, flight=flight, lost_on=lost_on[:64] if lost_on else None,
        explanation=tuple(notes),
    )  # fmt: skip


def _key(word: str) -> str:
    """Lower case, without a trailing hyphen or apostrophe; an item's possessive ("the bag's location") is the
    item, while a person's ("mom's") stays, so that it reads as an owner."""
    key = word.lower().replace("’", "'").strip("-'")
    base = key.removesuffix("'s")
    return base if base != key and base in ITEM_WORDS else key


def _item(words: list[_Word], notes: list[str]) -> tuple[str | None, str | None]:
    best: tuple[int, int, str, str] | None = None  # (score, -position, phrase, kind)
    i = 0
    while i < len(words):
        match = _phrase_at(words, i)
        if match is None:
            i += 1
            continue
        phrase, length = match
        score = _item_score(words, i, length, phrase)
        if score > 0 and (best is None or score > best[0]):
            description = _description(words, i)
            described = " ".join([*description, phrase])
            best = (score, -i, described, ITEM_WORDS[phrase])
        i += length
    if best is None:
        return None, None
    notes.append(f"item: {best[2]!r} ({best[3]})")
    return best[2], best[3]


def _phrase_at(words: list[_Word], i: int) -> tuple[str, int] | None:
    for length in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
        phrase = " ".join(w.key for w in words[i : i + length])
        if phrase in ITEM_WORDS:
            return phrase, length
    return None


def _item_score(words: list[_Word], i: int, length: int, phrase: str) -> int:
    """0 when the mention is not the lost thing; otherwise higher for a possessive or a loss word near it."""
    after = words[i + length].key if i + length < len(words) else ""
    if after in SERVICE_NOUNS:
        return 0
    before = [w.key for w in words[max(0, i - 2) : i]]
    if ITEM_WORDS[phrase] == "phone" and (before[-1:] and before[-1] in _NOT_AN_OBJECT_PHONE):
        return 0
    owner = words[i - 1 - len(_description(words, i))].key if i - len(_description(words, i)) > 0 else ""
    score = 1
    if owner in POSSESSIVES or owner.endswith("'s"):
        score += 3
    elif owner in ARTICLES:
        score += 1
    nearby = {w.key for w in words[max(0, i - 4) : i + length + 4]}
    if nearby & LOSS_WORDS:
        score += 2
    if (phrase in WEAK_WORDS and score < 4) or (ITEM_WORDS[phrase] == "phone" and score < 3):
        return 0
    return score


def _description(words: list[_Word], i: int) -> list[str]:
    """Adjectives (colors, materials, sizes) and brand names just before the item word, at most three.
    Capitalised words count as a brand only after a possessive or an article ("my black Samsonite suitcase")."""
    run: list[_Word] = []
    j = i - 1
    while j >= 0 and len(run) < 3:
        word = words[j]
        if word.key in DESCRIPTORS or (word.text[0].isupper() and word.key not in POSSESSIVES | ARTICLES):
            run.insert(0, word)
            j -= 1
            continue
        break
    owner = words[j].key if j >= 0 else ""
    if not (owner in POSSESSIVES or owner in ARTICLES or owner.endswith("'s")):
        while run and run[0].key not in DESCRIPTORS:
            run.pop(0)
        run = run if all(w.key in DESCRIPTORS for w in run) else []
    return [w.key if w.key in DESCRIPTORS else w.text for w in run]


def _flight(text: str) -> str | None:
    match = _FLIGHT.search(text)
    if match is None:
        return None
    code, number = (match.group(1), match.group(2)) if match.group(2) else (match.group(3), match.group(4))
    return f"{code}{number}" if code else number


def _place(
    text: str, words: list[_Word], places: Sequence[Mapping[str, Any]], notes: list[str]
) -> tuple[str | None, tuple[float, float] | None]:
    gate = _GATE.search(text)
    spot_text = f"{gate.group(1).lower()} {gate.group(2).upper()}" if gate else None
    if spot_text is None and (spot := _SPOT.search(text)):
        spot_text = " ".join(spot.group().split()).lower()
    named, point = _named_place(text, words, places)
    parts = [part for part in (spot_text, named) if part]
    if not parts:
        return None, None
    place = ", ".join(parts)
    notes.append(f"where: {place!r}")
    return place, point


def _named_place(
    text: str, words: list[_Word], places: Sequence[Mapping[str, Any]]
) -> tuple[str | None, tuple[float, float] | None]:
    """The place from the enrichment (text places only: a profile location is home, not where it was lost),
    or an airport code in the text when there is no enrichment."""
    found = [
        (str(p.get("matched") or p.get("name")), p.get("code") or p.get("name"), p.get("latitude"), p.get("longitude"))
        for p in places
        if p.get("source", "text") == "text" and p.get("kind") in ("airport", "city", None)
    ]
    if not found:
        found = [(code, code, pt.lat, pt.lon) for code in airport_codes_in_text(text) if (pt := airport_point(code))]
    if not found:
        return None, None
    chosen = _after_cue(text, words, found) or (found[-1] if _is_route(text, found) else found[0])
    _, label, lat, lon = chosen
    point = (float(lat), float(lon)) if lat is not None and lon is not None else None
    return str(label), point


def _after_cue(
    text: str, words: list[_Word], found: list[tuple[str, Any, Any, Any]]
) -> tuple[str, Any, Any, Any] | None:
    for entry in found:
        position = text.find(entry[0])
        preceding = [w.key for w in words if w.start < position][-1:]
        if position >= 0 and preceding and preceding[0] in _PLACE_CUES:
            return entry
    return None


def _is_route(text: str, found: list[tuple[str, Any, Any, Any]]) -> bool:
    """Two places joined by "to", an arrow or a dash: the last is where the traveller (and the bag) was going."""
    if len(found) < 2:
        return False
    first, last = text.find(found[0][0]), text.find(found[-1][0])
    between = text[first + len(found[0][0]) : last].strip().lower() if 0 <= first < last else ""
    return between in ("to", "-", ">", "->", "→", "/", "–", "—", "&gt;", "to the", "into")
