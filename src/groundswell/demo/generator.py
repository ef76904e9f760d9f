"""A deterministic story of customer posts about Voltline, in the generic JSON-lines record format.

`generate_demo_records` is pure: no I/O, no clock, only `random.Random` seeded from `seed`. Two generators
keep content and time apart: one writes the story (who says what, where, in reply to whom), the other only
places it in time. So for a given seed everything but the timestamps is independent of `end`, ids included,
and running `groundswell demo` again later yields the same posts (same ids, same texts) at newer times.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from groundswell.demo import templates as bank
from groundswell.demo import topics
from groundswell.demo.cast import (
    BRAND,
    BRAND_ACCOUNT,
    CHANNELS,
    COMPETITORS,
    SOCIAL,
    STORES,
    Author,
    Store,
    make_authors,
)
from groundswell.demo.output import Draft, emit, frame
from groundswell.demo.templates import Topic, expand, tidy, typo

# A Friday, 3pm in Chicago: the default end, so tests see the same records every time.
DEFAULT_END = datetime(2025, 3, 14, 21, 0, tzinfo=UTC)
SCENARIOS = (
    "question",
    "complaint",
    "lost_item",
    "praise",
    "idea",
    "unexpected_use",
    "crisis",
    "competitor",
    "chatter",
)

# Relative posting activity by local hour (quiet at night, busiest in the evening) and weekday (Monday first).
# fmt: off
_HOURLY = (0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.25, 0.45, 0.6, 0.7, 0.75, 0.8,
           0.9, 0.85, 0.8, 0.8, 0.85, 0.95, 1.05, 1.2, 1.3, 1.25, 1.0, 0.65)
# fmt: on
_WEEKLY = (0.95, 1.0, 1.0, 1.0, 1.05, 1.2, 1.15)
_PEAK = max(_HOURLY) * max(_WEEKLY)

# Shares of the everyday conversations (the crisis and the time-lapse cluster are planned separately).
_SCENARIO_SHARE = {
    "question": 0.22,
    "complaint": 0.22,
    "lost_item": 0.06,
    "praise": 0.17,
    "idea": 0.09,
    "competitor": 0.08,
    "chatter": 0.16,
}
# Where each kind of post tends to appear, in the order of CHANNELS.
_CHANNEL_MIX = {
    "question": (30, 8, 12, 20, 0, 22, 8),
    "complaint": (32, 8, 12, 12, 20, 14, 2),
    "lost_item": (30, 6, 12, 10, 14, 28, 0),
    "praise": (30, 10, 14, 10, 28, 0, 8),
    "idea": (20, 12, 12, 24, 12, 8, 12),
    "unexpected_use": (25, 15, 18, 27, 8, 0, 7),
    "crisis": (40, 10, 16, 14, 12, 8, 0),
    "competitor": (35, 10, 15, 30, 0, 0, 10),
    "chatter": (38, 14, 18, 20, 0, 0, 10),
}
# How likely the care team answers a post, by scenario.
_BRAND_ANSWERS = {
    "question": 0.45,
    "complaint": 0.55,
    "lost_item": 0.6,
    "crisis": 0.25,
    "idea": 0.2,
    "praise": 0.15,
    "unexpected_use": 0.3,
    "chatter": 0.03,
    "competitor": 0.02,
}
# Replies under these posts have a mood of their own ("mine did that too!", "wait, this works??").
_CHIMING_IN_TONE = {"crisis": "negative", "unexpected_use": "positive", "lost_item": "neutral", "question": "neutral"}
_PRICES = {"PulsePad": 249, "Volt Buds": 129, "Voltline Mini": 79, "ChargeDock": 59}
_MENTIONS = {"x": "@voltline", "mastodon": "@voltline@mastodon.social", "bluesky": "@voltline.bsky.social"}
_AGENTS = ("MK", "JT", "AR", "SL", "DP", "CW", "NB")


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


class _Slots(dict[str, str]):
    """Slot values for one post: chosen once, so the title and the text name the same store and item."""

    def __init__(self, rng: random.Random, product: str, values: dict[str, str]) -> None:
        super().__init__(values)
        self._rng, self._product = rng, product

    def __missing__(self, key: str) -> str:
        by_product = {"part": bank.PARTS, "feature": bank.FEATURES, "flaw": bank.FLAWS}.get(key)
        value = expand(by_product[self._product] if by_product else bank.SLOTS[key], self._rng, self)
        self[key] = value
        return value


class _Story:
    def __init__(self, seed: int, end: datetime, days: int, volume: int) -> None:
        self.rng = random.Random(seed)
        self.clock = random.Random(f"{seed}:clock")  # only ever draws times, see the module docstring
        self.seed, self.end, self.days, self.volume = seed, end, days, volume
        self.start = end - timedelta(days=days)
        self.customers, self.figures = make_authors(self.rng)
        self._activity = list(itertools.accumulate(a.activity for a in self.customers))
        totals = {s: sum(t.weight for t in topics.EVERYDAY if t.scenario == s) for s in _SCENARIO_SHARE}
        self._everyday_weights = [_SCENARIO_SHARE[t.scenario] * t.weight / totals[t.scenario] for t in topics.EVERYDAY]
        self.drafts: list[Draft] = []
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
        return emit(self.drafts[: self.volume], self.rng, self.seed)

    def _crisis(self) -> None:
        """ChargeDocks overheating: a burst of angry posts within six hours, two to three days before the end."""
        rng = self.rng
        start = self._crisis_start()
        burst_end = start + timedelta(hours=6)
        target = max(5, round(self.volume * rng.uniform(0.055, 0.075)))
        said_at = start + timedelta(minutes=self.clock.randint(120, 180))
        statement = Topic("crisis", "statement", "neutral", 1, ("ChargeDock",), (bank.CRISIS_STATEMENT,))
        statements = [
            self._post(statement, channel, BRAND_ACCOUNT, said_at + timedelta(minutes=3 * n))
            for n, channel in enumerate(SOCIAL)
        ]
        first = len(self.drafts) - len(statements)
        while len(self.drafts) - first < target:
            topic = rng.choices(topics.CRISES, [t.weight for t in topics.CRISES])[0]
            author = self._figure() if rng.random() < 0.1 else self._customer()
            if rng.random() < 0.2:  # answering the brand's statement
                answered = rng.choice(statements)
                at = self._within(answered.at + timedelta(minutes=5), burst_end)
                self._post(topic, answered.channel, author, at, parent=answered)
            else:
                at = start + timedelta(seconds=int(6 * 3600 * self.clock.betavariate(1.6, 2.8)))
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
        return base + timedelta(hours=self.clock.choice(hours), minutes=self.clock.randint(0, 59))

    def _time_lapse_cluster(self) -> None:
        """Customers using the PulsePad as a camera shutter trigger, catching on over the last two weeks."""
        rng = self.rng
        ramp_start = self.end - timedelta(days=min(14, self.days))
        weights = [t.weight for t in topics.UNEXPECTED_USES]
        for _ in range(max(3, round(self.volume * 0.016))):
            author = self._figure() if rng.random() < 0.06 else self._customer()
            topic = rng.choices(topics.UNEXPECTED_USES, weights)[0]
            if ramp_start > self.start and self.clock.random() < 0.15:
                at = self._moment(author, self.start, ramp_start)
            else:
                at = self._moment(author, ramp_start, self.end, ramp=True)
            self._discussion(self._post(topic, self._channel(topic.scenario, author), author, at))

    def _announcements(self) -> None:
        """The brand's own posts, which customers answer with questions, ideas and gripes."""
        rng = self.rng
        announcement = Topic("chatter", "announcement", "neutral", 1, (), bank.ANNOUNCEMENTS)
        answers = [t for t in topics.EVERYDAY if t.scenario in ("question", "idea", "praise", "complaint")]
        for _ in range(max(1, round(self.days / 2 * min(1.0, self.volume / 3000)))):
            channel = rng.choice(SOCIAL)
            post = self._post(announcement, channel, BRAND_ACCOUNT, self._moment(BRAND_ACCOUNT, self.start, self.end))
            for _ in range(rng.randint(0, 4)):
                author = self._customer()
                self._post(
                    rng.choice(answers), channel, author, self._after(post, author, 3.8, 1.2, self.end), parent=post
                )

    def _discussion(self, root: Draft, *, until: datetime | None = None) -> None:
        """The care team's answer and the customer's follow-up, then other customers chiming in."""
        rng, limit = self.rng, until or self.end
        scenario = root.topic.scenario
        chance = _BRAND_ANSWERS[scenario] * {"reddit": 0.4, "email": 1.4}.get(root.channel, 1.0)
        if root.channel not in ("reviews", "rss") and rng.random() < chance:
            texts = bank.BRAND_REPLIES.get(root.topic.key) or bank.BRAND_REPLIES[scenario]
            answer = self._reply(root, BRAND_ACCOUNT, texts, "neutral", limit, fast=True)
            if rng.random() < 0.5:
                tone = "negative" if rng.random() < (0.7 if scenario == "crisis" else 0.35) else "positive"
                self._reply(answer, root.author, bank.FOLLOW_UPS[tone], tone, limit)
        if root.channel in ("reviews", "email"):
            return
        mean = {"reddit": 1.6, "rss": 0.4}.get(root.channel, 0.6) * (1.5 if scenario == "crisis" else 1.0)
        thread = [root]
        while rng.random() < mean / (mean + 1):  # a geometric number of replies with that mean
            parent = root if rng.random() < 0.7 else rng.choice(thread)
            author = self._customer(besides=parent.author)
            tone = _CHIMING_IN_TONE.get(scenario, root.tone)
            thread.append(self._reply(parent, author, bank.COMMUNITY_REPLIES[scenario], tone, limit))

    def _reply(
        self, parent: Draft, author: Author, texts: Sequence[str], tone: str, limit: datetime, *, fast: bool = False
    ) -> Draft:
        at = self._after(parent, author, *((3.3, 0.9) if fast else (3.6, 1.3)), limit)
        root = parent.root
        topic = Topic(root.topic.scenario, root.topic.key, tone, 1, (), tuple(texts))
        return self._post(topic, parent.channel, author, at, parent=parent)

    # One post --------------------------------------------------------------------------------------------

    def _post(self, topic: Topic, channel: str, author: Author, at: datetime, *, parent: Draft | None = None) -> Draft:
        rng = self.rng
        root = parent.root if parent else None
        product = rng.choice(topic.products) if topic.products else (root.product if root else None)
        store = root.store if root else self._store_near(author)
        brand = root.brand if root else BRAND
        if topic.scenario == "competitor" and brand == BRAND:
            brand = rng.choice(COMPETITORS)
        slots = self._slots(channel, product or rng.choice(bank.ALL_PRODUCTS), store, brand, parent)
        texts, language = topic.texts, "en"
        if author.spanish and parent is None and topic.scenario in bank.SPANISH and rng.random() < 0.75:
            texts, language = bank.SPANISH[topic.scenario], "es"
        tags = topic.scenario if topic.scenario in bank.HASHTAGS else (product or "")
        text, template = self._compose(texts, slots, author, channel, topic.tone, tags if parent is None else None)
        if channel in ("reddit", "reviews") and parent is None and len(texts) > 1 and rng.random() < 0.5:
            # Longer formats run to a second sentence, from another template of the same topic.
            others = [t for t in texts if t != template]
            text += " " + self._compose(others, slots, author, channel, topic.tone, None)[0]
        draft = Draft(channel, author, at, text, topic, topic.tone, parent, store, product, brand, language=language)
        frame(draft, rng, slots)
        self.drafts.append(draft)
        return draft

    def _slots(self, channel: str, product: str, store: Store, brand: str, parent: Draft | None) -> _Slots:
        rng = self.rng
        competitor = brand if brand in COMPETITORS else rng.choice(COMPETITORS)
        mention = _MENTIONS.get(channel) or rng.choice(("", "", "Voltline,"))
        by_mail = channel == "email"
        return _Slots(
            rng,
            product,
            {
                "send_us": "reply with" if by_mail else "DM us",
                "reach_us": "reply to this email" if by_mail else "DM us",
                "a_dm": "an email" if by_mail else "a DM",
                "message": "email" if by_mail else "DM",
                "messaged": "emailed" if by_mail else "DMed",
                "brand_at": mention,
                "product": product,
                "store": store.name,
                "store_short": store.short,
                "city": store.city.name,
                "order": f"VL-{rng.randint(1_000_000, 9_999_999)}",
                "days": str(rng.randint(2, 21)),
                "hours": str(rng.randint(2, 9)),
                "n": str(rng.randint(3, 12)),
                "minutes": str(rng.choice((15, 20, 25, 30, 40, 45, 50, 60, 90))),
                "amount": f"${_PRICES[product]}.00",
                "percent": str(rng.choice((10, 15, 20, 25, 30))),
                "version": f"2.{rng.randint(3, 9)}",
                "competitor": competitor,
                "competitor_product": bank.COMPETITOR_PRODUCTS[competitor][product],
                "name": parent.author.first_name if parent else "there",
                "agent": rng.choice(_AGENTS),
            },
        )

    def _compose(
        self, texts: Sequence[str], slots: _Slots, author: Author, channel: str, tone: str, tags: str | None
    ) -> tuple[str, str]:
        """A template expanded in the author's style, and the template; retried rather than repeat a text."""
        for _ in range(5):
            template = self.rng.choice(texts)
            text = self._style(expand(template, self.rng, slots), author, channel, tone, tags)
            if text not in self._texts:
                break
        self._texts.add(text)
        return text, template

    def _style(self, text: str, author: Author, channel: str, tone: str, tags: str | None) -> str:
        rng = self.rng
        text = tidy(text)
        if author.typos and rng.random() < author.typos:
            text = typo(rng, text)
        if author.exclaims and tone != "neutral" and text.endswith("."):
            text = text[:-1] + rng.choice(("!", "!!", "!!!"))
        if author.lowercase:
            text = text.lower()
        hashtag_chance = 0.45 if channel == "mastodon" else 0.22
        if tags is not None and author.kind != "brand" and channel in SOCIAL and rng.random() < hashtag_chance:
            hashtags = bank.HASHTAGS.get(tags) or bank.HASHTAGS[""]
            text += " " + " ".join(rng.sample(hashtags, k=min(len(hashtags), rng.randint(1, 2))))
        if channel != "email" and rng.random() < author.emoji:
            text += " " + "".join(rng.choice(bank.EMOJI[tone]) for _ in range(rng.randint(1, 2)))
        return text

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
        weights = [
            w * (usual if c in author.channels else (1 if author.kind == "customer" else 0))
            for c, w in zip(CHANNELS, mix, strict=True)
        ]
        return self.rng.choices(CHANNELS, weights if any(weights) else mix)[0]

    def _store_near(self, author: Author) -> Store:
        local = [s for s in STORES if s.city == author.home]
        return local[0] if local and self.rng.random() < 0.85 else self.rng.choice(STORES)

    def _after(self, parent: Draft, author: Author, mu: float, sigma: float, limit: datetime) -> datetime:
        """A reply's time: a log-normal delay in minutes (mu, sigma of its log), by `limit`, rarely at night."""
        for _ in range(20):
            minutes = min(math.exp(self.clock.gauss(mu, sigma)), 2880.0)
            at = parent.at + timedelta(seconds=max(60, int(60 * minutes)))
            if at <= limit and self._awake(author, at):
                return at
        # Replying is part of the story, so a reply that does not fit is squeezed in rather than dropped.
        return self._within(parent.at, limit)

    def _within(self, low: datetime, high: datetime) -> datetime:
        """A whole second in (low, high]; times are whole seconds, so there is always one."""
        gap = int((high - low).total_seconds())
        return low + timedelta(seconds=max(1, int(gap * self.clock.random())))

    def _moment(self, author: Author, low: datetime, high: datetime, *, ramp: bool = False) -> datetime:
        """A whole second in [low, high] following the daily and weekly rhythm in the author's time zone."""
        span = int((high - low).total_seconds())
        moment = high
        for _ in range(100):
            share = self.clock.random()
            if ramp:  # a density rising linearly, five times higher at `high` than at `low`
                share = math.sqrt(0.0625 + 1.5 * share) - 0.25
            moment = low + timedelta(seconds=int(span * share))
            if self._awake(author, moment):
                break
        return moment

    def _awake(self, author: Author, moment: datetime) -> bool:
        """Whether to keep a moment, with the odds of the daily and weekly rhythm in the author's time zone."""
        local = moment + timedelta(hours=author.home.utc_offset)
        return self.clock.random() * _PEAK < _HOURLY[local.hour] * _WEEKLY[local.weekday()]
