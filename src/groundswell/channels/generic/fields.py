"""The generic record: `id, channel, author, text, created_at` and optional others, as JSON Lines or CSV.

Known optional fields become post columns; any other field is kept in the post's attributes, so nothing
the source said is lost (the airline file's `label_sentiment`, say).
"""

from __future__ import annotations

from typing import Any

from groundswell.channels.base import VISIBILITIES, AuthorIn, PostIn
from groundswell.channels.common import (
    canonical_channel,
    parse_coordinates,
    parse_time,
    require_id,
    require_text,
    to_bool,
    to_float,
    to_int,
)
from groundswell.errors import ParseError

# Each post field with the names sources commonly use for it, first match wins.
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "subject"),
    "url": ("url", "permalink", "link"),
    "language": ("language", "lang"),
    "reply_to": ("reply_to", "in_reply_to", "in_reply_to_id", "parent_id"),
    "thread": ("conversation_id", "thread_id", "thread"),
    "brand": ("brand", "account", "mentioned_brand"),
    "product": ("product", "product_name"),
    "rating": ("rating", "stars"),
    "likes": ("likes", "like_count", "favorite_count", "favourites_count"),
    "reposts": ("reposts", "repost_count", "retweet_count", "reblogs_count", "shares"),
    "replies": ("replies", "reply_count", "replies_count", "num_comments"),
    "location": ("location", "place"),
    "coordinates": ("coordinates", "coords", "geo"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "visibility": ("visibility",),
}
_AUTHOR_FIELDS = ("author_id", "author_name", "author_location", "author_followers", "author_verified")
_CORE = frozenset({"id", "channel", "author", "text", "created_at", *_AUTHOR_FIELDS})
# alias -> (field, priority): one pass over a record's keys finds every field (this is the ingest hot path).
_FIELD_OF = {alias: (name, rank) for name, aliases in _ALIASES.items() for rank, alias in enumerate(aliases)}


def _pick_all(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The known optional fields (first alias wins) and the remaining attributes."""
    picked: dict[str, Any] = {}
    ranks: dict[str, int] = {}
    attributes: dict[str, Any] = {}
    for key, value in record.items():
        if value is None or value == "":
            continue
        target = _FIELD_OF.get(key)
        if target is None:
            if key not in _CORE:
                attributes[key] = value
            continue
        name, rank = target
        if rank < ranks.get(name, len(_ALIASES[name])):
            picked[name] = value
            ranks[name] = rank
    return picked, attributes


def _author(record: dict[str, Any]) -> AuthorIn | None:
    value = record.get("author")
    if isinstance(value, dict):
        handle = value.get("handle") or value.get("username") or value.get("screen_name") or value.get("id")
        if not handle:
            raise ParseError("author object needs a 'handle' (or 'username' or 'id')")
        return AuthorIn(
            external_id=str(value.get("id") or handle),
            handle=str(handle),
            display_name=value.get("name") or value.get("display_name"),
            location=value.get("location"),
            followers=to_int(value.get("followers") or value.get("followers_count")),
            verified=to_bool(value.get("verified")),
            url=value.get("url"),
        )
    if value is None or value == "":
        return None
    handle = str(value).strip().lstrip("@")
    return AuthorIn(
        external_id=str(record.get("author_id") or handle),
        handle=handle,
        display_name=record.get("author_name") or None,
        location=record.get("author_location") or None,
        followers=to_int(record.get("author_followers")),
        verified=to_bool(record.get("author_verified")),
    )


def post_from_record(record: dict[str, Any]) -> PostIn:
    channel = canonical_channel(record.get("channel"))
    external_id = require_id(record.get("id"))
    text = require_text(record.get("text"))
    created_at = parse_time(record.get("created_at"))
    picked, attributes = _pick_all(record)
    get = picked.get
    lat, lon = parse_coordinates(get("coordinates"))
    if lat is None and "latitude" in picked:
        lat, lon = to_float(get("latitude")), to_float(get("longitude"))
    visibility = str(get("visibility", "public")).lower()
    if visibility not in VISIBILITIES:
        raise ParseError(f"unknown visibility {visibility!r}: use one of {', '.join(VISIBILITIES)}")
    reply_to = get("reply_to")
    thread = get("thread")
    return PostIn(
        channel=channel,
        external_id=external_id,
        text=text,
        created_at=created_at,
        author=_author(record),
        title=get("title"),
        language=get("language"),
        url=get("url"),
        reply_to_external_id=str(reply_to) if reply_to is not None else None,
        thread_external_id=str(thread) if thread is not None else None,
        brand=get("brand"),
        product=get("product"),
        rating=to_float(get("rating")),
        likes=to_int(get("likes")),
        reposts=to_int(get("reposts")),
        replies=to_int(get("replies")),
        location=get("location"),
        latitude=lat,
        longitude=lon,
        visibility=visibility,
        attributes=attributes,
    )
