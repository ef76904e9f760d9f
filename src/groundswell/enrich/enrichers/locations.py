"""Places a post mentions, in its text or its author's profile location, normalised with the gazetteer.

Routing sends a case to the team at the place found, so a wrong place costs more than a missed one. Posts
are noisy: sentences start with capitals, people shout, and most three-letter words are also some
airport's IATA code. So a name counts only in the forms below, and each doubtful form needs context:

- Names are matched as token n-grams, longest first, one dict lookup each ("Chicago O'Hare" is the airport
  before "Chicago" is the city). In post text every word of a name must be capitalised (lower case counts
  only for large places after a cue: "flying to chicago"); in a profile location, a place field, any case.
- A name that is also a common word ("Mobile", "Reading") counts only with a qualifier ("Mobile, AL"), and
  so does one shared by cities of similar size ("Springfield"). A qualifier also picks among cities of one
  name ("Portland, ME"); without one the most populous wins ("Portland" is Oregon's).
- In post text, a given name or a word that is sometimes a place ("Austin", "Turkey") counts only after a
  travel cue ("flight to Austin", "in Turkey"); so does a one-word city under BARE_MIN_POPULATION people,
  and a one-word city written in capitals ("HOUSTON", which may be shouting). One-word city names of under
  four letters ("Bo", "Can") need a qualifier.
- Two-letter state codes count only after a city and a comma, or in a profile location.
- A three-letter code in capitals counts as an airport with a cue ("at DEN", "landed in PHX", "SFO-LAX",
  "ORD>DEN", "SAN to SFO", "DEN airport"), or alone (or as a hashtag) when it is a major airport; never
  when it is a common word or abbreviation; in shouted text only in a route, before "airport", or after
  a cue when it is a major airport.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from groundswell.enrich.base import Batch
from groundswell.enrich.gazetteer import (
    MAJOR_AIRPORTS,
    Entry,
    Gazetteer,
    Place,
    Qualifier,
    fold,
    gazetteer,
)
from groundswell.enrich.location_cues import (
    AFTER_CUES,
    AIR_TRAVEL_WORDS,
    BARE_MIN_POPULATION,
    CONNECTORS,
    LOWER_CASE_MIN_POPULATION,
    MIN_ONE_WORD_LETTERS,
    NOT_AIRPORTS,
    NOT_CITY_AFTER,
    STATE_CODE_WORDS,
    STRONG_CUES,
    TRAVEL_WORDS,
    WEAK_CUES,
)
from groundswell.routing.geo import is_shouting

if TYPE_CHECKING:
    from groundswell.enrich.pipeline import Resources

# Mentions, e-mail addresses, links and HTML entities are skipped (and break names apart); words are runs
# of letters.
_TOKEN = re.compile(r"(?P<skip>\w*@\w+|https?://\S+|www\.\S+|&\w+;)|(?P<word>[^\W\d_]+)")
_ROUTE_SEPARATORS = frozenset({"-", "–", "—", ">", "->", "→", "/", "=>", "✈", "✈️", "to", "&gt;", "-&gt;"})
_ARROWS = ("->", "→", "=>", "✈", "&gt;")
_FLIGHT_NUMBER_GAP = re.compile(r"\s*(?:#?\d+\s*)?")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    key: str
    start: int
    end: int
    joined: bool  # one name with the token before it: only a space, hyphen, apostrophe or "St." between
    hashtag: bool

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def tokenise(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous_end = -1
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "skip":
            previous_end = -1
            continue
        start, end = match.span()
        gap = text[previous_end:start] if previous_end >= 0 else None
        joined = gap is not None and (
            (gap.isspace() and len(gap) <= 2)
            or gap in ("-", "'", "’")
            or (gap in (".", ". ") and len(tokens[-1].text) <= 2)
        )
        hashtag = start > 0 and text[start - 1] == "#"
        tokens.append(Token(match.group(), fold(match.group()), start, end, joined, hashtag))
        previous_end = end
    return tokens


@dataclass(frozen=True, slots=True)
class Found:
    """A match from token `first` up to `after`; `place` is None for a name recognised but not trusted,
    whose words are then passed over as a whole."""

    place: Place | None
    first: int
    after: int


class _Matcher:
    """One text (a post or a profile location) and the places found in it, left to right."""

    def __init__(self, text: str, *, profile: bool, places: Gazetteer) -> None:
        self.text = text
        self.profile = profile
        self.gazetteer = places
        self.tokens = tokenise(text)
        self.shouting = not profile and is_shouting(text)

    def places(self) -> list[tuple[Place, str]]:
        found: list[tuple[Place, str]] = []
        i = 0
        while i < len(self.tokens):
            match = self._match_at(i)
            if match is None:
                i += 1
                continue
            if match.place is not None:
                matched = self.text[self.tokens[match.first].start : self.tokens[match.after - 1].end]
                found.append((match.place, matched))
            i = match.after
        return found

    def _match_at(self, i: int) -> Found | None:
        token = self.tokens[i]
        nickname = self.gazetteer.entries.get(token.key)
        if self.profile and len(token.text) == 2 and token.text.isupper() and not (nickname and nickname.alias):
            code = self._profile_code(i)
            if code is not None:
                return code
        name = self._longest_name(i)
        if name is not None and name[0] > i + 1:
            return self._accept_name(i, *name)
        if len(token.text) == 3 and token.text.isascii() and token.text.isupper():
            code = self._airport_code(i)
            if code is not None:
                return code
        if name is not None:
            return self._accept_name(i, *name)
        if token.hashtag and token.key in self.gazetteer.squashed:
            return self._accept_name(i, i + 1, self.gazetteer.squashed[token.key])
        return None

    # names

    def _longest_name(self, i: int) -> tuple[int, Entry] | None:
        """(token after it, entry) of the longest known name starting at token i."""
        entries, prefixes = self.gazetteer.entries, self.gazetteer.prefixes
        key, best, j = self.tokens[i].key, None, i
        while True:
            if key in entries:
                best = (j + 1, entries[key])
            if j + 1 >= len(self.tokens) or not self.tokens[j + 1].joined or key not in prefixes:
                return best
            j += 1
            key = f"{key} {self.tokens[j].key}"

    def _accept_name(self, i: int, after: int, entry: Entry) -> Found:
        words = self.tokens[i:after]
        passed_over = Found(None, i, after)
        if not entry.places or (entry.capitals_only and not all(t.text.isupper() for t in words)):
            return passed_over
        if after < len(self.tokens) and self.tokens[after].joined and self.tokens[after].key in NOT_CITY_AFTER:
            # "Suffolk County, New York": the county is no city, but the state after it holds.
            state = self._qualifier_at(after + 1)
            if state is None or state[0].place is None:
                return Found(None, i, after + 1)
            return Found(state[0].place, i, state[1])
        qualified = self._qualified(i, after, entry)
        if qualified is not None:
            return qualified
        return Found(entry.places[0], i, after) if self._trusted(i, after, entry) else passed_over

    def _trusted(self, i: int, after: int, entry: Entry) -> bool:
        """Whether a name with no qualifier after it is a place here."""
        top = entry.places[0]
        one_word = after - i == 1 and not entry.alias
        if entry.needs_qualifier or (one_word and len(self.tokens[i].key) < MIN_ONE_WORD_LETTERS):
            return False
        if self.profile:
            return True
        cue = self._cue_before(i) or self._cue_after(after)
        words = self.tokens[i:after]
        capitalised = (
            (words[0].capitalised or (words[0].key == "the" and len(words) > 1))
            and words[-1].capitalised
            and all(t.capitalised or t.key in CONNECTORS for t in words[1:-1])
        )
        if not capitalised and not entry.any_case:
            large = top.kind != "city" or top.population >= LOWER_CASE_MIN_POPULATION
            return cue is not None and large and not entry.needs_cue
        if entry.needs_cue:
            return cue == "strong"
        if one_word and top.kind == "city":
            if top.population < BARE_MIN_POPULATION:
                return cue == "strong"
            if words[0].text.isupper() and len(words[0].text) > 1:
                return cue is not None
        return True

    def _qualified(self, i: int, after: int, entry: Entry) -> Found | None:
        """The candidate in the state or country named after the name. When none lies there, the qualifier
        itself is the place ("Smallville, KS" is somewhere in Kansas), unless it is a city's name too, as
        in a list ("Boston, New York"): then the name is passed over and the qualifier matched on its own."""
        found = self._qualifier_at(after)
        if found is None or all(p.kind != "city" for p in entry.places):  # "China, Iran" is a list
            return None
        qualifier, end = found
        for candidate in entry.places:
            if candidate.country == qualifier.country and qualifier.admin in (None, candidate.admin):
                return Found(candidate, i, end)
        listed = self._longest_name(after)
        if qualifier.place is None or (listed is not None and listed[1].places and listed[1].places[0].kind == "city"):
            return Found(None, i, after)
        return Found(qualifier.place, i, end)

    def _qualifier_at(self, j: int) -> tuple[Qualifier, int] | None:
        """The longest state, province or country named from token j, after a comma (or, in a profile
        location, a space), and the token after it."""
        if j >= len(self.tokens):
            return None
        gap = self.text[self.tokens[j - 1].end : self.tokens[j].start]
        if not (gap.strip() == "," or (self.profile and gap.isspace())):
            return None
        key, found = "", None
        for k in range(j, min(j + 4, len(self.tokens))):
            if k > j and not self.tokens[k].joined:
                break
            key = f"{key} {self.tokens[k].key}".lstrip()
            qualifier = self.gazetteer.qualifiers.get(key)
            if qualifier is not None and self._written_as_qualifier(j, k + 1):
                found = (qualifier, k + 1)
        return found

    def _written_as_qualifier(self, j: int, end: int) -> bool:
        """Codes in capitals ("TX", "UK"; any case in a profile), names capitalised (any case in a profile)."""
        if self.profile:
            return True
        words = self.tokens[j:end]
        if sum(len(t.text) for t in words) <= 3:
            return all(t.text.isupper() for t in words)
        return words[0].capitalised

    def _cue_before(self, i: int, *, code: bool = False) -> str | None:
        """How strongly the words before token i make it a place: "strong", "weak" or None. Before a code a
        bare "in" is weak ("a degree in CIT"), and only air travel makes "to", "at" or "in" strong."""
        token = self.tokens[i]
        if not token.joined:
            gap = self.text[self.tokens[i - 1].end if i else 0 : token.start]
            if any(arrow in gap for arrow in _ARROWS):
                return "strong"
            return "weak" if token.hashtag else None
        before = self.tokens[i - 1].key
        if before in STRONG_CUES and not (code and before == "in"):
            return "strong"
        if before == "of" and i > 1 and self.tokens[i - 2].key == "out" and self.tokens[i - 1].joined:
            return "strong"
        if before in WEAK_CUES or before == "in":
            travel = AIR_TRAVEL_WORDS if code else TRAVEL_WORDS
            return "strong" if i > 1 and self.tokens[i - 2].key in travel and self._close(i - 1) else "weak"
        return None

    def _close(self, k: int) -> bool:
        """Token k follows the one before it with only spaces or a flight number between ("Flight 6232 to")."""
        gap = self.text[self.tokens[k - 1].end : self.tokens[k].start]
        return len(gap) <= 12 and _FLIGHT_NUMBER_GAP.fullmatch(gap) is not None

    def _cue_after(self, after: int) -> str | None:
        token = self.tokens[after] if after < len(self.tokens) else None
        return "strong" if token is not None and token.joined and token.key in AFTER_CUES else None

    # codes

    def _airport_code(self, i: int) -> Found | None:
        token = self.tokens[i]
        airport = self.gazetteer.airports.get(token.text)
        if airport is None or token.text in NOT_AIRPORTS or not self._stands_alone(token):
            return None
        major = token.text in MAJOR_AIRPORTS
        shouted = self.shouting or self._in_shouted_run(i)
        cue = None if token.hashtag else self._cue_before(i, code=True)
        # Outside the major airports, a code after a bare "to" or "at" is as often a shop, a team or a
        # university ("to CVS", "at LSU"): it needs a travel cue ("flight to JAC", "in SAN") or a route.
        placed = (
            self._in_route(i)
            or self._cue_after(i + 1) is not None
            or (major and (token.hashtag or cue is not None))
            or (cue == "strong" and not shouted)
        )
        if placed:
            return Found(airport, i, i + 1)
        alias = self.gazetteer.entries.get(token.key)
        if alias is not None and alias.alias and not self.shouting:  # "ATL" alone is the city
            return self._accept_name(i, i + 1, alias)
        return Found(airport, i, i + 1) if major and not shouted else None

    def _stands_alone(self, token: Token) -> bool:
        """Not glued to digits or a contraction ("CAN'T", "A320", "ORD2", "FL410")."""
        before = self.text[token.start - 1] if token.start else " "
        after = self.text[token.end : token.end + 2]
        return not before.isalnum() and not (after[:1].isalnum() or (after[:1] in "'’" and after[1:].isalpha()))

    def _is_code(self, k: int) -> bool:
        text = self.tokens[k].text
        return len(text) == 3 and text.isupper() and text in self.gazetteer.airports and text not in NOT_AIRPORTS

    def _in_route(self, i: int) -> bool:
        """ORD-SFO, ORD > SFO, ORD→SFO, ORD/SFO, ORD to SFO: both ends known codes. Two minor codes joined
        by a hyphen are more often one name ("ABS-CBN", "AFL-CIO")."""
        for k in (i - 2, i - 1, i + 1, i + 2):
            if 0 <= k < len(self.tokens) and self._is_code(k):
                left, right = sorted((k, i))
                between = self.text[self.tokens[left].end : self.tokens[right].start].strip(" #").lower()
                major = self.tokens[k].text in MAJOR_AIRPORTS or self.tokens[i].text in MAJOR_AIRPORTS
                if between in _ROUTE_SEPARATORS and (major or between not in ("-", "/")):
                    return True
        return False

    def _in_shouted_run(self, i: int) -> bool:
        """Next to another word in capitals that is no code or cue, as in "LAS VEGAS" or "THE WORST"."""
        for k in (i - 1, i + 1):
            if not 0 <= k < len(self.tokens) or not self.tokens[max(i, k)].joined:
                continue
            word = self.tokens[k]
            cue = word.key in STRONG_CUES or word.key in WEAK_CUES or word.key in AFTER_CUES
            if len(word.text) >= 2 and word.text.isupper() and not cue and not self._is_code(k):
                return True
        return False

    def _profile_code(self, i: int) -> Found | None:
        """A two-letter state code, or US, standing alone in a profile location ("TX", "Dallas | TX")."""
        token = self.tokens[i]
        if not self._stands_alone(token) or token.text in STATE_CODE_WORDS:
            return None
        place = self.gazetteer.countries.get("US") if token.text == "US" else self.gazetteer.states.get(token.text)
        return None if place is None else Found(place, i, i + 1)


def find_places(text: str | None, *, profile: bool = False) -> list[tuple[Place, str]]:
    """(place, substring matched) for each place in a post's text, or in a profile location."""
    if not text or not text.strip():
        return []
    return _Matcher(text, profile=profile, places=gazetteer()).places()


def _identity(place: Place) -> tuple[str, str, str, str | None]:
    return place.kind, place.code or place.name, place.country, place.admin


class LocationsEnricher:
    name = "locations"
    version = "1.0"
    requires: tuple[str, ...] = ()
    uses_encoder = False

    def __init__(self, resources: Resources | None = None) -> None:
        gazetteer()  # built here, once per process, so that the first batch is not the slow one

    def enrich(self, batch: Batch) -> list[list[dict[str, Any]]]:
        return [places_of(post.text, post.author_location) for post in batch.posts]


def places_of(text: str, profile_location: str | None) -> list[dict[str, Any]]:
    """Places in the text, then those only in the profile location; each place once."""
    seen: set[tuple[str, str, str, str | None]] = set()
    found: list[dict[str, Any]] = []
    for source, matches in (("text", find_places(text)), ("profile", find_places(profile_location, profile=True))):
        for place, matched in matches:
            if _identity(place) not in seen:
                seen.add(_identity(place))
                found.append({**place.as_dict(), "source": source, "matched": matched})
    return found
