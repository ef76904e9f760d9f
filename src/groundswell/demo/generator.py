"""A deterministic story of customer posts about Voltline, in the generic JSON-lines record format.

`generate_demo_records` is pure: no I/O, no clock, only `random.Random(seed)`. Everything but the absolute
timestamps is independent of `end`, and ids depend only on the seed and each post's rank on its channel,
so running `groundswell demo` again with the same seed updates the same posts instead of adding new ones.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from groundswell.demo import topics
from groundswell.demo.cast import (
    BRAND, BRAND_ACCOUNT, CHANNELS, COMPETITORS, SOCIAL, STORES, Author, Store, make_authors, post_id, post_url,
)
from groundswell.demo.templates import (
    ALL_PRODUCTS, ANNOUNCEMENTS, BLOG_POSTS, BRAND_REPLIES, COMMUNITY_REPLIES, COMPETITOR_PRODUCTS,
    CRISIS_STATEMENT, EMOJI, FEATURES, FLAWS, FOLLOW_UPS, HASHTAGS, PARTS, SLOTS, SPANISH, SUBREDDITS, Topic,
    expand,
)

# A Friday, 3pm in Chicago: the default end, so tests see the same records every time.
DEFAULT_END = datetime(2025, 3, 14, 21, 0, tzinfo=UTC)
SCENARIOS = (
    "question", "complaint", "lost_item", "praise", "idea", "unexpected_use", "crisis", "competitor", "chatter",
)

# Relative posting activity by local hour (quiet at night, busiest in the evening) and weekday (Monday first).
_HOURLY = (0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.25, 0.45, 0.6, 0.7, 0.75, 0.8,
           0.9, 0.85, 0.8, 0.8, 0.85, 0.95, 1.05, 1.2, 1.3, 1.25, 1.0, 0.65)
_WEEKLY = (0.95, 1.0, 1.0, 1.0, 1.05, 1.2, 1.15)
_PEAK = max(_HOURLY) * max(_WEEKLY)

# Shares of the everyday conversations (the crisis and the time-lapse cluster are planned separately).
_SCENARIO_SHARE = {"question": 0.22, "complaint": 0.22, "lost_item": 0.06, "praise": 0.17, "idea": 0.09,
                   "competitor": 0.08, "chatter": 0.16}
# Where each kind of post tends to appear, in the order of CHANNELS.
_CHANNEL_MIX = {
    "question": (30, 8, 12, 20, 0, 22, 8), "complaint": (32, 8, 12, 12, 20, 14, 2),
    "lost_item": (30, 6, 12, 10, 14, 28, 0), "praise": (30, 10, 14, 10, 28, 0, 8),
    "idea": (20, 12, 12, 24, 12, 8, 12), "unexpected_use": (25, 15, 18, 27, 8, 0, 7),
    "crisis": (40, 10, 16, 14, 12, 8, 0), "competitor": (35, 10, 15, 30, 0, 0, 10),
    "chatter": (38, 14, 18, 20, 0, 0, 10),
}
# How likely the care team answers a post, by scenario.
_BRAND_ANSWERS = {"question": 0.45, "complaint": 0.55, "lost_item": 0.6, "crisis": 0.25, "idea": 0.2,
                  "praise": 0.15, "unexpected_use": 0.3, "chatter": 0.03, "competitor": 0.02}
_PRICES = {"PulsePad": 249, "Volt Buds": 129, "Voltline Mini": 79, "ChargeDock": 59}
_MENTIONS = {"x": "@voltline", "mastodon": "@voltline@mastodon.social", "bluesky": "@voltline.bsky.social"}
_AGENTS = ("MK", "JT", "AR", "SL", "DP", "CW", "NB")
_RATINGS = {"positive": (4, 5, 5, 5), "neutral": (2, 3, 3, 4), "negative": (1, 1, 1, 2, 3)}


def generate_demo_records(
    *, seed: int = 7, end: datetime | None = None, days: int = 42, volume: int = 3000
) -> Iterator[dict[str, Any]]:
    """About `volume` generic records over the `days` before `end` (aware; default DEFAULT_END)."""
    if days < 1 or volume < 1:
        raise ValueError("days and volume must be at least 1")
    end = DEFAULT_END if end is None else end
    if end.tzinfo is None:
        raise ValueError("end must be timezone-aware, e.g. datetime.now(UTC)")
    story = _Story(seed, end.astimezone(UTC).replace(microsecond=0), days, volume)
    return iter(story.records())


@dataclass(eq=False, slots=True)
class _Draft:
    channel: str
    author: Author
    at: datetime
    text: str
    topic: Topic
    tone: str
    parent: _Draft | None
    store: Store
    product: str | None
    brand: str
    title: str | None = None
    rating: int | None = None
    language: str = "en"
    location: str | None = None
    coordinates: str | None = None
    subreddit: str | None = None
    page: tuple[str, str] | None = None  # the blog post (title, url) an rss comment is on
    id: str = ""
    children: int = 0

    @property
    def root(self) -> _Draft:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class _Slots(dict[str, str]):
    """Slot values for one post: chosen once, so the title and the text name the same store and item."""

    def __init__(self, rng: random.Random, product: str, values: dict[str, str]) -> None:
        super().__init__(values)
        self._rng, self._product = rng, product

    def __missing__(self, key: str) -> str:
        bank = {"part": PARTS, "feature": FEATURES, "flaw": FLAWS}.get(key)
        value = expand(bank[self._product] if bank else SLOTS[key], self._rng, self)
        self[key] = value
        return value


class _Story:
    def __init__(self, seed: int, end: datetime, days: int, volume: int) -> None:
        self.rng = random.Random(seed)
        self.seed, self.end, self.days, self.volume = seed, end, days, volume
        self.start = end - timedelta(days=days)
        self.customers, self.figures = make_authors(self.rng)
        self._activity = list(itertools.accumulate(a.activity for a in self.customers))
        totals = {s: sum(t.weight for t in topics.EVERYDAY if t.scenario == s) for s in _SCENARIO_SHARE}
        self._everyday_weights = [_SCENARIO_SHARE[t.scenario] * t.weight / totals[t.scenario]
                                  for t in topics.EVERYDAY]
        self.drafts: list[_Draft] = []
        self._texts: set[str] = set()

    # The plot ------------------------------------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        self._crisis()
        self._time_lapse_cluster()
        self._announcements()
        while len(self.drafts) < self.volume:
            topic = self.rng.choices(topics.EVERYDAY, self._everyday_weights)[0]
            famous = topic.scenario in ("praise", "chatter", "competitor", "idea") and self.rng.random() < 0.03
            author = self._figure() if famous else self._customer()
            at = self._moment(author, self.start, self.end)
            self._discussion(self._post(topic, self._channel(topic.scenario, author), author, at))
        # Parents are always drafted before their replies, so cutting the tail keeps every thread whole.
        return _emit(self.drafts[: self.volume], self.rng, self.seed)

    def _crisis(self) -> None:
        """ChargeDocks overheating: a burst of angry posts within six hours, two to three days before the end."""
        rng = self.rng
        start = self._crisis_start()
        burst_end = start + timedelta(hours=6)
        target = max(5, round(self.volume * rng.uniform(0.055, 0.075)))
        said_at = start + timedelta(minutes=rng.randint(120, 180))
        statement = Topic("crisis", "statement", "neutral", 1, ("ChargeDock",), (CRISIS_STATEMENT,))
        statements = [self._post(statement, channel, BRAND_ACCOUNT, said_at + timedelta(minutes=3 * n))
                      for n, channel in enumerate(SOCIAL)]
        first = len(self.drafts) - len(statements)
        while len(self.drafts) - first < target:
            topic = rng.choices(topics.CRISES, [t.weight for t in topics.CRISES])[0]
            author = self._figure() if rng.random() < 0.1 else self._customer()
            at = start + timedelta(seconds=int(6 * 3600 * rng.betavariate(1.6, 2.8)))
            if at > said_at + timedelta(minutes=10) and rng.random() < 0.25:
                answered = rng.choice(statements)
                self._post(topic, answered.channel, author, at, parent=answered)
            else:
                self._discussion(self._post(topic, self._channel("crisis", author), author, at), until=burst_end)
        for _ in range(round(target * 0.1)):  # the aftermath trickles on until the end
            author = self._customer()
            at = self._moment(author, burst_end, self.end)
            self._post(topics.CRISIS_AFTERMATH[0], self._channel("crisis", author), author, at)

    def _crisis_start(self) -> datetime:
        if self.days < 4:
            return self.start + (self.end - self.start) * 0.3
        base = self.end - timedelta(days=3)
        # An afternoon in Chicago (UTC-6), when a viral post gets the most eyes.
        hours = [h for h in range(24) if 11 <= (base + timedelta(hours=h - 6)).hour <= 17]
        return base + timedelta(hours=self.rng.choice(hours), minutes=self.rng.randint(0, 59))

    def _time_lapse_cluster(self) -> None:
        """Customers using the PulsePad as a camera shutter trigger, catching on over the last two weeks."""
        rng = self.rng
        ramp_start = self.end - timedelta(days=min(14, self.days))
        weights = [t.weight for t in topics.UNEXPECTED_USES]
        for _ in range(max(3, round(self.volume * 0.016))):
            author = self._figure() if rng.random() < 0.06 else self._customer()
            topic = rng.choices(topics.UNEXPECTED_USES, weights)[0]
            if ramp_start > self.start and rng.random() < 0.15:
                at = self._moment(author, self.start, ramp_start)
            else:
                at = self._moment(author, ramp_start, self.end, ramp=True)
            self._discussion(self._post(topic, self._channel(topic.scenario, author), author, at))

    def _announcements(self) -> None:
        """The brand's own posts, which customers answer with questions, ideas and gripes."""
        rng = self.rng
        announcement = Topic("chatter", "announcement", "neutral", 1, (), ANNOUNCEMENTS)
        answers = [t for t in topics.EVERYDAY if t.scenario in ("question", "idea", "praise", "complaint")]
        for _ in range(max(1, round(self.days / 2 * min(1.0, self.volume / 3000)))):
            channel = rng.choice(SOCIAL)
            post = self._post(announcement, channel, BRAND_ACCOUNT, self._moment(BRAND_ACCOUNT, self.start, self.end))
            for _ in range(rng.randint(0, 4)):
                at = post.at + _delay(rng, 3.8, 1.2)
                if at <= self.end:
                    self._post(rng.choice(answers), channel, self._customer(), at, parent=post)

    def _discussion(self, root: _Draft, *, until: datetime | None = None) -> None:
        """The care team's answer and the customer's follow-up, then other customers chiming in."""
        rng, limit = self.rng, until or self.end
        scenario = root.topic.scenario
        chance = _BRAND_ANSWERS[scenario] * {"reddit": 0.4, "email": 1.4}.get(root.channel, 1.0)
        if root.channel not in ("reviews", "rss") and rng.random() < chance:
            answer = self._reply(root, BRAND_ACCOUNT, BRAND_REPLIES[scenario], "neutral", limit, fast=True)
            if answer is not None and rng.random() < 0.5:
                tone = "negative" if rng.random() < (0.7 if scenario == "crisis" else 0.35) else "positive"
                self._reply(answer, root.author, FOLLOW_UPS[tone], tone, limit)
        if root.channel in ("reviews", "email"):
            return
        mean = {"reddit": 1.6, "rss": 0.4}.get(root.channel, 0.6) * (1.5 if scenario == "crisis" else 1.0)
        thread = [root]
        while rng.random() < mean / (mean + 1):  # a geometric number of replies with that mean
            parent = root if rng.random() < 0.7 else rng.choice(thread)
            author = self._customer(besides=parent.author)
            reply = self._reply(parent, author, COMMUNITY_REPLIES[scenario], root.tone, limit)
            if reply is not None:
                thread.append(reply)

    def _reply(self, parent: _Draft, author: Author, texts: Sequence[str], tone: str, limit: datetime,
               *, fast: bool = False) -> _Draft | None:
        at = parent.at + (_delay(self.rng, 3.3, 0.9) if fast else _delay(self.rng, 3.6, 1.3))
        if at > limit:
            return None
        root = parent.root
        topic = Topic(root.topic.scenario, root.topic.key, tone, 1, (), tuple(texts))
        return self._post(topic, parent.channel, author, at, parent=parent)

    # One post --------------------------------------------------------------------------------------------

    def _post(self, topic: Topic, channel: str, author: Author, at: datetime, *,
              parent: _Draft | None = None) -> _Draft:
        rng = self.rng
        root = parent.root if parent else None
        product = rng.choice(topic.products) if topic.products else (root.product if root else None)
        store = root.store if root else self._store_near(author)
        brand = root.brand if root else BRAND
        if topic.scenario == "competitor" and brand == BRAND:
            brand = rng.choice(COMPETITORS)
        slots = self._slots(channel, product or rng.choice(ALL_PRODUCTS), store, brand, parent)
        texts, language = topic.texts, "en"
        if author.spanish and parent is None and topic.scenario in SPANISH and rng.random() < 0.75:
            texts, language = SPANISH[topic.scenario], "es"
        tags = topic.scenario if topic.scenario in HASHTAGS else (product or "")
        text = self._compose(texts, slots, author, channel, topic.tone, tags if parent is None else None)
        if channel in ("reddit", "reviews") and parent is None and len(texts) > 1 and rng.random() < 0.5:
            text += " " + self._compose(texts, slots, author, channel, topic.tone, None)
        draft = _Draft(channel, author, at, text, topic, topic.tone, parent, store, product, brand,
                       language=language)
        self._frame(draft, slots)
        self.drafts.append(draft)
        return draft

    def _slots(self, channel: str, product: str, store: Store, brand: str, parent: _Draft | None) -> _Slots:
        rng = self.rng
        competitor = brand if brand in COMPETITORS else rng.choice(COMPETITORS)
        mention = _MENTIONS.get(channel) or rng.choice(("", "", "Voltline,"))
        return _Slots(rng, product, {
            "brand_at": mention, "product": product, "store": store.name, "store_short": store.short,
            "city": store.city.name, "order": f"VL-{rng.randint(1_000_000, 9_999_999)}",
            "days": str(rng.randint(2, 21)), "hours": str(rng.randint(2, 9)), "n": str(rng.randint(3, 12)),
            "minutes": str(rng.choice((15, 20, 25, 30, 40, 45, 50, 60, 90))), "amount": f"${_PRICES[product]}.00",
            "percent": str(rng.choice((10, 15, 20, 25, 30))), "version": f"2.{rng.randint(3, 9)}",
            "competitor": competitor, "competitor_product": COMPETITOR_PRODUCTS[competitor][product],
            "name": parent.author.first_name if parent else "there", "agent": rng.choice(_AGENTS),
        })

    def _compose(self, texts: Sequence[str], slots: _Slots, author: Author, channel: str, tone: str,
                 tags: str | None) -> str:
        """Expand a template in the author's style; retry a few times rather than repeat an earlier text."""
        for _ in range(5):
            text = self._style(expand(self.rng.choice(texts), self.rng, slots), author, channel, tone, tags)
            if text not in self._texts:
                break
        self._texts.add(text)
        return text

    def _style(self, text: str, author: Author, channel: str, tone: str, tags: str | None) -> str:
        rng = self.rng
        text = _tidy(text)
        if author.typos and rng.random() < author.typos:
            text = _typo(rng, text)
        if author.exclaims and tone != "neutral" and text.endswith("."):
            text = text[:-1] + rng.choice(("!", "!!", "!!!"))
        if author.lowercase:
            text = text.lower()
        if tags is not None and author.kind != "brand" and channel in SOCIAL:
            if rng.random() < (0.45 if channel == "mastodon" else 0.22):
                bank = HASHTAGS.get(tags) or HASHTAGS[""]
                text += " " + " ".join(rng.sample(bank, k=min(len(bank), rng.randint(1, 2))))
        if channel != "email" and rng.random() < author.emoji:
            text += " " + "".join(rng.choice(EMOJI[tone]) for _ in range(rng.randint(1, 2)))
        return text

    def _frame(self, draft: _Draft, slots: _Slots) -> None:
        """What the channel adds around the text: titles, ratings, mentions, places, subreddits."""
        rng, parent, root, topic = self.rng, draft.parent, draft.root, draft.topic
        channel, english = draft.channel, draft.language == "en"
        if parent is None and channel in ("reddit", "reviews", "email") and topic.titles and english:
            draft.title = _tidy(expand(rng.choice(topic.titles), rng, slots))
        if channel == "reviews" and parent is None:
            draft.rating = rng.choice(_RATINGS[draft.tone])
        if channel == "email":
            draft.title = draft.title if parent is None else f"Re: {root.title or 'Your Voltline order'}"
            draft.text = _letter(rng, draft)
        if channel in ("x", "mastodon") and parent is not None:
            draft.text = f"@{parent.author.handle(channel)} {draft.text}"
        if channel == "rss":
            draft.page = root.page or _blog_page(rng.choice(BLOG_POSTS))
            draft.title = draft.page[0]
        if channel == "reddit":
            draft.subreddit = root.subreddit or _subreddit(rng, draft)
        if topic.at_store and parent is None and (channel == "reviews" or (channel in SOCIAL and rng.random() < 0.5)):
            store = draft.store
            draft.location = f"{store.name}, {store.city.name}, {store.city.state}"
            if channel in SOCIAL and rng.random() < 0.6:
                draft.coordinates = _coordinates(rng, store.lat, store.lon, 0.0008)
        elif parent is None and channel in SOCIAL and draft.author.kind != "brand" and rng.random() < 0.06:
            home = draft.author.home
            draft.location = f"{home.name}, {home.state}"
            draft.coordinates = _coordinates(rng, home.lat, home.lon, 0.04)

    # Who, where and when -------------------------------------------------------------------------------

    def _customer(self, besides: Author | None = None) -> Author:
        while True:
            author = self.rng.choices(self.customers, cum_weights=self._activity)[0]
            if author is not besides:
                return author

    def _figure(self) -> Author:
        return self.rng.choice(self.figures)

    def _channel(self, scenario: str, author: Author) -> str:
        """A channel that suits the scenario, favouring the author's usual ones."""
        mix = _CHANNEL_MIX[scenario]
        usual = 4 if author.kind == "customer" else 1
        weights = [w * (usual if c in author.channels else (1 if author.kind == "customer" else 0))
                   for c, w in zip(CHANNELS, mix, strict=True)]
        return self.rng.choices(CHANNELS, weights if any(weights) else mix)[0]

    def _store_near(self, author: Author) -> Store:
        local = [s for s in STORES if s.city == author.home]
        return local[0] if local and self.rng.random() < 0.85 else self.rng.choice(STORES)

    def _moment(self, author: Author, low: datetime, high: datetime, *, ramp: bool = False) -> datetime:
        """A whole second in [low, high] following the daily and weekly rhythm in the author's time zone."""
        span = int((high - low).total_seconds())
        moment = high
        for _ in range(100):
            share = math.sqrt(self.rng.random()) if ramp else self.rng.random()  # ramp: denser towards high
            moment = low + timedelta(seconds=int(span * share))
            local = moment + timedelta(hours=author.home.utc_offset)
            if self.rng.random() * _PEAK < _HOURLY[local.hour] * _WEEKLY[local.weekday()]:
                break
        return moment


def _delay(rng: random.Random, mu: float, sigma: float) -> timedelta:
    """A log-normal reply delay in minutes (mu, sigma of its logarithm), at least one minute."""
    return timedelta(seconds=max(60, int(60 * min(math.exp(rng.gauss(mu, sigma)), 2880))))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,!?;:)])", r"\1", text)
    text = re.sub(r"([!?])\.", r"\1", re.sub(r"(?<!\.)\.\.(?!\.)", ".", text))
    text = text.lstrip(",:;. ").rstrip(",")
    return text[:1].upper() + text[1:]


def _typo(rng: random.Random, text: str) -> str:
    """Swap, drop or double a letter in one ordinary word (never in names, mentions or hashtags)."""
    words = list(re.finditer(r"(?<![@#\w.])[a-z]{5,}\b", text))
    if not words:
        return text
    match = rng.choice(words)
    word, i = match.group(), rng.randrange(1, len(match.group()) - 1)
    kind = rng.random()
    if kind < 0.4:
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind < 0.7:
        word = word[:i] + word[i + 1 :]
    else:
        word = word[:i] + word[i] + word[i:]
    return text[: match.start()] + word + text[match.end() :]


def _letter(rng: random.Random, draft: _Draft) -> str:
    if draft.author.kind == "brand":
        text = draft.text.replace("DM us", "reply to this email").replace("a DM", "an email")
        return f"{text}\n\nVoltline Customer Care"
    opener = rng.choice(("Hi Voltline team,\n\n", "Hello,\n\n", "Hi there,\n\n", "To whom it may concern,\n\n", ""))
    closer = rng.choice(("Thanks", "Best", "Cheers", "Regards", "Thank you"))
    return f"{opener}{draft.text}\n\n{closer},\n{draft.author.first_name}"


def _blog_page(post: tuple[str, str]) -> tuple[str, str]:
    return post[0], f"https://blog.voltline.example/{post[1]}"


def _subreddit(rng: random.Random, draft: _Draft) -> str:
    scenario = draft.topic.scenario
    if scenario == "lost_item":
        return draft.store.city.name.replace(" ", "").lower()
    key = scenario if scenario in SUBREDDITS else (draft.product or "")
    return rng.choice(SUBREDDITS[key])


def _coordinates(rng: random.Random, lat: float, lon: float, jitter: float) -> str:
    return f"[{lat + rng.uniform(-jitter, jitter):.5f}, {lon + rng.uniform(-jitter, jitter):.5f}]"


def _emit(drafts: list[_Draft], rng: random.Random, seed: int) -> list[dict[str, Any]]:
    """Number the posts per channel in time order, then write them out, a few replies ahead of their parent."""
    ordered = sorted(drafts, key=lambda d: d.at)
    counters: dict[tuple[str, bool], int] = {}
    for draft in ordered:
        key = (draft.channel, draft.parent is not None and draft.channel == "reddit")
        counters[key] = counters.get(key, 0) + 1
        draft.id = post_id(draft.channel, counters[key], seed, comment=key[1], author=draft.author)
        if draft.parent is not None:
            draft.parent.children += 1
    # Real feeds deliver some replies before the post they answer; the ingest must cope.
    early: dict[_Draft, list[_Draft]] = {}
    for draft in ordered:
        if draft.parent is not None and draft.parent.parent is None and rng.random() < 0.015:
            early.setdefault(draft.parent, []).append(draft)
    moved = {reply for replies in early.values() for reply in replies}
    out: list[dict[str, Any]] = []
    for draft in ordered:
        if draft not in moved:
            out.extend(_record(reply, rng) for reply in early.get(draft, ()))
            out.append(_record(draft, rng))
    return out


def _record(draft: _Draft, rng: random.Random) -> dict[str, Any]:
    author, root = draft.author, draft.root
    offset = timezone(timedelta(hours=author.home.utc_offset))
    page = draft.page[1] if draft.page else None
    if draft.channel == "reviews":
        page = "https://www.voltline.example/" + (
            f"products/{draft.product.lower().replace(' ', '-')}/reviews" if draft.product
            else f"stores/{draft.store.slug}/reviews" if draft.topic.at_store else "reviews")
    record: dict[str, Any] = {
        "id": draft.id, "channel": draft.channel, "author": author.identity(draft.channel), "text": draft.text,
        "created_at": draft.at.astimezone(offset).isoformat(), "brand": draft.brand,
    }
    if draft.parent is not None:
        record["reply_to"] = draft.parent.id
        record["conversation_id"] = root.id
    optional = {
        "title": draft.title, "product": draft.product, "rating": draft.rating, "language": draft.language,
        "url": post_url(draft.channel, draft.id, author, root_id=root.id, subreddit=draft.subreddit, page=page),
        "location": draft.location, "coordinates": draft.coordinates, "subreddit": draft.subreddit,
    }
    record.update({k: v for k, v in optional.items() if v is not None})
    if draft.channel in SOCIAL or draft.channel == "reddit":
        reach = math.sqrt(author.followers + 50) * math.exp(rng.gauss(-1.0, 1.0))
        likes = int(reach * (3 if draft.topic.scenario == "crisis" else 1))
        record["likes"] = likes
        if draft.channel != "reddit":
            record["reposts"] = int(likes * rng.uniform(0.02, 0.3))
        record["replies"] = draft.children + int(rng.expovariate(1.5))
    if draft.channel == "email":
        record["visibility"] = "private"
    if draft.channel == "reviews" and draft.parent is None:
        record["verified_purchase"] = rng.random() < 0.8
    record.update({"scenario": draft.topic.scenario, "topic": draft.topic.key, "tone": draft.tone})
    if author.kind == "brand":
        record["from_brand"] = True
    return record
