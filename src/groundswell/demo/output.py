"""Drafted posts: what their channel adds around the text, and how they become generic JSON-lines records."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from groundswell.demo import templates as bank
from groundswell.demo.cast import SOCIAL, Author, Store, post_id, post_url
from groundswell.demo.templates import Topic, expand, tidy

_RATINGS = {"positive": (4, 5, 5, 5), "neutral": (2, 3, 3, 4), "negative": (1, 1, 1, 2, 3)}


@dataclass(eq=False, slots=True)
class Draft:
    """A post as the story writes it; it gets its id once the whole story is written."""

    channel: str
    author: Author
    at: datetime
    text: str
    topic: Topic
    tone: str
    parent: Draft | None
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
    def root(self) -> Draft:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


def frame(draft: Draft, rng: random.Random, slots: Mapping[str, str]) -> None:
    """What the channel adds around the text: titles, ratings, mentions, places, subreddits."""
    parent, root, topic = draft.parent, draft.root, draft.topic
    channel, english = draft.channel, draft.language == "en"
    if parent is None and channel in ("reddit", "reviews", "email"):
        # Titles are written in English; a post in another language is titled by its opening words.
        headline = expand(rng.choice(topic.titles), rng, slots) if topic.titles and english else draft.text
        draft.title = tidy(headline if len(headline) <= 70 else headline[:67].rsplit(" ", 1)[0] + "...")
    if channel == "reviews" and parent is None:
        draft.rating = rng.choice(_RATINGS[draft.tone])
    if channel == "email":
        draft.title = draft.title if parent is None else f"Re: {root.title or 'Your Voltline order'}"
        draft.text = _letter(rng, draft)
    if channel in ("x", "mastodon") and parent is not None:
        draft.text = f"@{parent.author.handle(channel)} {draft.text}"
    if channel == "rss":
        draft.page = root.page or _blog_page(rng, draft.product)
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


def _letter(rng: random.Random, draft: Draft) -> str:
    if draft.author.kind == "brand":
        return f"{draft.text}\n\nVoltline Customer Care"
    if draft.language == "es":
        opener, closer = rng.choice(("Hola,\n\n", "")), rng.choice(("Gracias", "Saludos"))
    else:
        opener = rng.choice(("Hi Voltline team,\n\n", "Hello,\n\n", "Hi there,\n\n", "To whom it may concern,\n\n", ""))
        closer = rng.choice(("Thanks", "Best", "Cheers", "Regards", "Thank you"))
    return f"{opener}{draft.text}\n\n{closer},\n{draft.author.first_name}"


def _blog_page(rng: random.Random, product: str | None) -> tuple[str, str]:
    """The blog post a comment is on: one about the product talked about, when there is one."""
    about = [post for post in bank.BLOG_POSTS if post[2] == product] or list(bank.BLOG_POSTS)
    title, slug, _ = rng.choice(about)
    return title, f"https://blog.voltline.example/{slug}"


def _subreddit(rng: random.Random, draft: Draft) -> str:
    scenario = draft.topic.scenario
    if scenario == "lost_item":
        return draft.store.city.name.replace(" ", "").lower()
    key = scenario if scenario in bank.SUBREDDITS else (draft.product or "")
    return rng.choice(bank.SUBREDDITS[key])


def _coordinates(rng: random.Random, lat: float, lon: float, jitter: float) -> str:
    return f"[{lat + rng.uniform(-jitter, jitter):.5f}, {lon + rng.uniform(-jitter, jitter):.5f}]"


def emit(drafts: list[Draft], rng: random.Random, seed: int) -> list[dict[str, Any]]:
    """Number the posts per channel in the order they were written (so ids never depend on times), then write
    them out in time order, a few replies ahead of their parent."""
    counters: dict[tuple[str, bool], int] = {}
    for draft in drafts:
        key = (draft.channel, draft.parent is not None and draft.channel == "reddit")
        counters[key] = counters.get(key, 0) + 1
        draft.id = post_id(draft.channel, counters[key], seed, comment=key[1], author=draft.author)
        if draft.parent is not None:
            draft.parent.children += 1
    records = {draft: _record(draft, rng) for draft in drafts}
    # Real feeds deliver some replies before the post they answer; the ingest must cope with that.
    early: dict[Draft, list[Draft]] = {}
    for draft in drafts:
        if draft.parent is not None and draft.parent.parent is None and rng.random() < 0.015:
            early.setdefault(draft.parent, []).append(draft)
    moved = {reply for replies in early.values() for reply in replies}
    out: list[dict[str, Any]] = []
    for draft in sorted(drafts, key=lambda d: d.at):
        if draft not in moved:
            out.extend(records[reply] for reply in early.get(draft, ()))
            out.append(records[draft])
    return out


def _review_page(draft: Draft) -> str:
    """Reviews of a store, of a product, or of the online shop as a whole."""
    if draft.topic.at_store:
        return f"https://www.voltline.example/stores/{draft.store.slug}/reviews"
    if draft.product:
        return f"https://www.voltline.example/products/{draft.product.lower().replace(' ', '-')}/reviews"
    return "https://www.voltline.example/reviews"


def _record(draft: Draft, rng: random.Random) -> dict[str, Any]:
    author, root, channel = draft.author, draft.root, draft.channel
    local_time = draft.at.astimezone(timezone(timedelta(hours=author.home.utc_offset)))
    record: dict[str, Any] = {
        "id": draft.id,
        "channel": channel,
        "author": author.identity(channel),
        "text": draft.text,
        "created_at": local_time.isoformat(),
        "brand": draft.brand,
    }
    if draft.parent is not None:
        record["reply_to"] = draft.parent.id
        record["conversation_id"] = root.id
    page = _review_page(draft) if channel == "reviews" else draft.page[1] if draft.page else None
    url = post_url(channel, draft.id, author, root_id=root.id, subreddit=draft.subreddit, page=page)
    optional = {
        "title": draft.title,
        "product": draft.product,
        "rating": draft.rating,
        "language": draft.language,
        "url": url,
        "location": draft.location,
        "coordinates": draft.coordinates,
        "subreddit": draft.subreddit,
    }
    record.update({key: value for key, value in optional.items() if value is not None})
    if channel in SOCIAL or channel == "reddit":
        # Engagement grows with the audience, roughly with its square root; the crisis travels further.
        reach = math.sqrt(author.followers + 50) * math.exp(rng.gauss(-1.0, 1.0))
        likes = int(reach * (3 if draft.topic.scenario == "crisis" else 1))
        record["likes"] = likes
        if channel != "reddit":
            record["reposts"] = int(likes * rng.uniform(0.02, 0.3))
        record["replies"] = draft.children + int(rng.expovariate(1.5))
    if channel == "email":
        record["visibility"] = "private"
    if channel == "reviews" and draft.parent is None:
        record["verified_purchase"] = rng.random() < 0.8
    record.update({"scenario": draft.topic.scenario, "topic": draft.topic.key, "tone": draft.tone})
    if author.kind == "brand":
        record["from_brand"] = True
    return record
