"""The people and places of the demo story: Voltline's stores, its customers, and how each channel names them."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from typing import Any

BRAND = "Voltline"
COMPETITORS = ("Kestrel", "Circuit Harbor")
CHANNELS = ("x", "mastodon", "bluesky", "reddit", "reviews", "email", "rss")
SOCIAL = ("x", "mastodon", "bluesky")


@dataclass(frozen=True, slots=True)
class City:
    name: str
    state: str
    lat: float
    lon: float
    utc_offset: int  # standard time; good enough for a daily rhythm


@dataclass(frozen=True, slots=True)
class Store:
    name: str  # "Voltline Chicago Loop"
    short: str  # "Chicago Loop"
    city: City
    lat: float
    lon: float

    @property
    def slug(self) -> str:
        return self.short.lower().replace(" ", "-")


_CHICAGO = City("Chicago", "IL", 41.8781, -87.6298, -6)
_NEW_YORK = City("New York", "NY", 40.7128, -74.0060, -5)
_SAN_FRANCISCO = City("San Francisco", "CA", 37.7749, -122.4194, -8)
_SEATTLE = City("Seattle", "WA", 47.6062, -122.3321, -8)
_AUSTIN = City("Austin", "TX", 30.2672, -97.7431, -6)
_BOSTON = City("Boston", "MA", 42.3601, -71.0589, -5)
_DENVER = City("Denver", "CO", 39.7392, -104.9903, -7)
_ATLANTA = City("Atlanta", "GA", 33.7490, -84.3880, -5)

STORES = (
    Store("Voltline Chicago Loop", "Chicago Loop", _CHICAGO, 41.8837, -87.6278),
    Store("Voltline SoHo", "SoHo", _NEW_YORK, 40.7233, -74.0030),
    Store("Voltline Union Square", "Union Square", _SAN_FRANCISCO, 37.7880, -122.4075),
    Store("Voltline Pike Place", "Pike Place", _SEATTLE, 47.6097, -122.3422),
    Store("Voltline South Congress", "South Congress", _AUSTIN, 30.2500, -97.7494),
    Store("Voltline Back Bay", "Back Bay", _BOSTON, 42.3505, -71.0760),
    Store("Voltline LoDo", "LoDo", _DENVER, 39.7530, -104.9990),
    Store("Voltline Ponce City", "Ponce City", _ATLANTA, 33.7726, -84.3655),
)
HQ = _CHICAGO

# Customers live in store cities more often than elsewhere.
CITIES = tuple(store.city for store in STORES) * 3 + (
    City("Portland", "OR", 45.5152, -122.6784, -8),
    City("Minneapolis", "MN", 44.9778, -93.2650, -6),
    City("Philadelphia", "PA", 39.9526, -75.1652, -5),
    City("Los Angeles", "CA", 34.0522, -118.2437, -8),
    City("Miami", "FL", 25.7617, -80.1918, -5),
    City("Phoenix", "AZ", 33.4484, -112.0740, -7),
    City("Nashville", "TN", 36.1627, -86.7816, -6),
    City("Pittsburgh", "PA", 40.4406, -79.9959, -5),
    City("San Diego", "CA", 32.7157, -117.1611, -8),
    City("Detroit", "MI", 42.3314, -83.0458, -5),
    City("Salt Lake City", "UT", 40.7608, -111.8910, -7),
    City("Raleigh", "NC", 35.7796, -78.6382, -5),
)
_NICKNAMES = {
    "Chicago": "Chi-town",
    "New York": "NYC",
    "San Francisco": "SF Bay Area",
    "Austin": "ATX",
    "Philadelphia": "Philly",
    "Los Angeles": "LA",
    "Boston": "Boston area",
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST = _words(
    "Maya Liam Priya Noah Aisha Mateo Chloe Ethan Sofia Jamal Hana Lucas Zoe Omar Grace Diego Nina Caleb "
    "Amara Felix Leah Ravi Isla Marcus Yuki Andre Tessa Kofi Lena Hugo Mei Jonah Elena Theo Fatima Owen "
    "Rosa Samir Ivy Declan Naomi Tariq Bea Malik Clara Arjun Wren Dante Ingrid Kai"
)
_LAST = _words(
    "Okafor Chen Patel Nguyen Garcia Kowalski Rossi Johnson Haddad Kim Silva Novak Brennan Tanaka Mensah "
    "Fischer Lopez Ahmed Murphy Larsen Dubois Park Costa Ibrahim Walsh Moreau Singh Reyes Becker Osei "
    "Hughes Alvarez Sato Byrne Romero Varga Ito Mbeki Ward Nakamura"
)
_INSTANCES = ("mastodon.social", "hachyderm.io", "fosstodon.org", "mas.to", "musician.social")
_MAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
_INFLUENCERS = (
    ("beatsbynova", "Nova Reyes", "Los Angeles, CA"),
    ("gadgetgrace", "Grace Tanaka", "San Francisco, CA"),
    ("lofi_marcus", "Marcus Hughes", "Atlanta, GA"),
    ("thetechdad", "Owen Byrne", "Chicago, IL"),
    ("synthsofia", "Sofia Costa", "Brooklyn, NY"),
    ("dealhunter_dee", "Dee Alvarez", "Austin, TX"),
)
_PRESS = (("gizmodesk", "GizmoDesk"), ("plugged_in_news", "Plugged In"), ("consumerwatchdog", "Consumer Watchdog"))


@dataclass(frozen=True, slots=True)
class Author:
    """Someone who posts, with a profile and writing habits that stay the same across their posts."""

    key: str
    name: str
    home: City
    location: str | None
    followers: int
    verified: bool
    kind: str  # customer, influencer, press or brand
    uid: int
    channels: tuple[str, ...]  # where they usually post
    activity: float  # how often they post, relative to others
    lowercase: bool = False
    emoji: float = 0.0
    typos: float = 0.0
    exclaims: bool = False
    spanish: bool = False
    instance: str = "mastodon.social"
    mail_domain: str = "example.com"

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def handle(self, channel: str) -> str:
        if self.kind == "brand":
            return {
                "mastodon": "voltline@mastodon.social",
                "bluesky": "voltline.bsky.social",
                "reddit": "Voltline_Official",
                "email": "care@voltline.example",
            }.get(channel, "voltline")
        if channel == "mastodon":
            return f"{self.key}@{self.instance}"
        if channel == "bluesky":
            return f"{self.key.replace('_', '')}.bsky.social"
        if channel == "email":
            return f"{self.name.lower().replace(' ', '.')}{self.uid % 100}@{self.mail_domain}"
        if channel == "reviews":
            first, _, last = self.name.partition(" ")
            return f"{first} {last[:1]}." if last else first
        return self.key

    def identity(self, channel: str) -> dict[str, Any]:
        """The generic record's `author` object for this channel."""
        ids = {
            "x": str(self.uid),
            "mastodon": str(109_000_000_000_000_000 + self.uid % 10**15),
            "bluesky": _did(self.uid),
            "reddit": "t2_" + base36(self.uid % 36**8),
            "reviews": "A" + base36(self.uid).upper(),
            "email": self.handle("email"),
        }
        return {
            "id": ids.get(channel, self.key),
            "handle": self.handle(channel),
            "name": self.name,
            "location": self.location,
            "followers": self.followers,
            "verified": self.verified,
        }


def _did(uid: int) -> str:
    """A did:plc identifier: 24 base32 characters derived from a hash, as the real ones are."""
    digest = hashlib.blake2b(str(uid).encode(), digest_size=15).digest()
    return "did:plc:" + base32(int.from_bytes(digest, "big"), 24)


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def base32(number: int, width: int) -> str:
    """Sortable base32 as AT Protocol record keys use it."""
    digits = "234567abcdefghijklmnopqrstuvwxyz"
    text = ""
    for _ in range(width):
        number, rest = divmod(number, 32)
        text = digits[rest] + text
    return text


BRAND_ACCOUNT = Author(
    key="voltline",
    name="Voltline",
    home=HQ,
    location="Chicago, IL",
    followers=48_210,
    verified=True,
    kind="brand",
    uid=1_402_338_190,
    channels=CHANNELS,
    activity=0.0,
)


def _location_text(rng: random.Random, city: City) -> str | None:
    roll = rng.random()
    if roll < 0.55:
        return f"{city.name}, {city.state}"
    if roll < 0.8:
        return city.name
    if roll < 0.93:
        return _NICKNAMES.get(city.name, city.name.lower())
    return None


def _preferred_channels(rng: random.Random) -> tuple[str, ...]:
    count = 1 + (rng.random() < 0.45) + (rng.random() < 0.2)
    weights = (30, 10, 14, 14, 18, 9, 5)
    chosen: list[str] = []
    while len(chosen) < count:
        channel = rng.choices(CHANNELS, weights)[0]
        if channel not in chosen:
            chosen.append(channel)
    return tuple(chosen)


def _unique_key(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    patterns = (
        f"{first}{last}",
        f"{first}_{last[0]}",
        f"{first}{rng.randint(2, 99)}",
        f"{last}{first[0]}",
        f"the_real_{first}",
        f"{first}makesnoise",
        f"{first}.{last}",
    )
    key = rng.choice(patterns).lower().replace(".", "_")[:15]
    while key in taken:
        key = f"{key[:12]}{rng.randint(10, 999)}"
    taken.add(key)
    return key


def _customer(rng: random.Random, taken: set[str]) -> Author:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    home = rng.choice(CITIES)
    return Author(
        key=_unique_key(rng, first, last, taken),
        name=f"{first} {last}",
        home=home,
        location=_location_text(rng, home),
        followers=min(int(math.exp(rng.gauss(5.1, 1.3))), 40_000),
        verified=rng.random() < 0.02,
        kind="customer",
        uid=rng.randrange(10**9, 10**18),
        channels=_preferred_channels(rng),
        activity=math.exp(rng.gauss(0.0, 0.7)),
        lowercase=rng.random() < 0.22,
        emoji=rng.choice((0.0, 0.0, 0.2, 0.5, 0.8)),
        typos=rng.choice((0.0, 0.0, 0.1, 0.3)),
        exclaims=rng.random() < 0.25,
        spanish=rng.random() < 0.04,
        instance=rng.choice(_INSTANCES),
        mail_domain=rng.choice(_MAIL_DOMAINS),
    )


def _public_figures(rng: random.Random) -> list[Author]:
    """A few influencers and tech press accounts with big audiences."""
    figures = []
    for key, name, location in _INFLUENCERS:
        city_name = location.split(",")[0].replace("Brooklyn", "New York")
        home = next((c for c in CITIES if c.name == city_name), HQ)
        figures.append(
            Author(
                key=key,
                name=name,
                home=home,
                location=location,
                followers=rng.randint(52_000, 900_000),
                verified=rng.random() < 0.8,
                kind="influencer",
                uid=rng.randrange(10**9, 10**18),
                channels=rng.choice((("x",), ("x", "bluesky"), ("bluesky", "mastodon"), ("x", "reddit"))),
                activity=1.0,
                emoji=0.5,
                instance=rng.choice(_INSTANCES),
            )
        )
    for key, name in _PRESS:
        figures.append(
            Author(
                key=key,
                name=name,
                home=_NEW_YORK,
                location="New York, NY",
                followers=rng.randint(150_000, 2_400_000),
                verified=True,
                kind="press",
                uid=rng.randrange(10**9, 10**18),
                channels=("x", "bluesky"),
                activity=0.5,
            )
        )
    return figures


def make_authors(rng: random.Random, customers: int = 320) -> tuple[list[Author], list[Author]]:
    """The customer pool (repeat posters among them) and the public figures."""
    taken = {key for key, _, _ in _INFLUENCERS} | {key for key, _ in _PRESS} | {"voltline"}
    return [_customer(rng, taken) for _ in range(customers)], _public_figures(rng)


def post_id(channel: str, ordinal: int, seed: int, *, comment: bool, author: Author) -> str:
    """A channel-shaped id from the seed and the post's rank on its channel, so reruns reuse the same ids."""
    space = seed % 1000
    if channel == "x":
        return str(1_890_000_000_000_000_000 + space * 10**13 + ordinal * 1_000_003)
    if channel == "mastodon":
        return str(113_500_000_000_000_000 + space * 10**12 + ordinal * 65_537)
    if channel == "bluesky":
        did = author.identity("bluesky")["id"]
        # A TID record key: microseconds (from a fixed base, not the clock) and a 10-bit clock id.
        micros = 1_740_000_000_000_000 + space * 10**10 + ordinal * 1_000_003
        return f"at://{did}/app.bsky.feed.post/{base32(micros << 10 | ordinal % 1024, 13)}"
    if channel == "reddit":
        return ("t1_" if comment else "t3_") + base36(
            (60_000_000_000 if comment else 1_500_000_000) + space * 1_000_000 + ordinal
        )
    if channel == "reviews":
        return "R" + base36(10**12 + space * 10**8 + ordinal * 7919).upper()
    if channel == "email":
        domain = "voltline.example" if author.kind == "brand" else author.mail_domain
        return f"<{base36(space * 10**7 + ordinal * 104_729)}.{ordinal}@mail.{domain}>"
    return f"tag:blog.voltline.example,2025:comment-{space * 100_000 + ordinal}"


def post_url(
    channel: str, post_id_: str, author: Author, *, root_id: str, subreddit: str | None, page: str | None
) -> str | None:
    """Where the post would live on its platform (reviews and blog comments: an anchor on their page)."""
    handle = author.handle(channel)
    if channel == "x":
        return f"https://x.com/{handle}/status/{post_id_}"
    if channel == "mastodon":
        user, _, instance = handle.partition("@")
        return f"https://{instance}/@{user}/{post_id_}"
    if channel == "bluesky":
        return f"https://bsky.app/profile/{handle}/post/{post_id_.rsplit('/', 1)[-1]}"
    if channel == "reddit":
        thread = f"https://www.reddit.com/r/{subreddit}/comments/{root_id[3:]}/"
        return thread if post_id_ == root_id else f"{thread}comment/{post_id_[3:]}/"
    if channel in ("reviews", "rss") and page:
        return f"{page}#{post_id_.rsplit(':', 1)[-1]}"
    return None
