"""Tweets from X API v2 responses: search/recent and mentions timeline pages, and single lookups.

A page keeps authors and places apart from the tweets (`includes.users`, `includes.places`), so each
tweet's record carries its own author and place in `context`, and can be parsed alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from groundswell.channels.base import AuthorIn, PostIn, RawRecord
from groundswell.channels.common import (
    dump_json,
    parse_coordinates,
    parse_time,
    require_id,
    require_text,
    to_bool,
    to_int,
)
from groundswell.channels.x.shared import (
    CHANNEL,
    PROFILE_URL,
    bbox_centre,
    clean_text,
    entity_tags,
    language,
    mapping,
    post_url,
)

# Keys only a v2 tweet object has (v1.1 tweets carry `id_str` instead), used to tell formats apart.
TWEET_MARKERS = frozenset({"edit_history_tweet_ids", "author_id", "conversation_id", "referenced_tweets", "note_tweet"})


def is_tweet(value: object) -> bool:
    return (
        isinstance(value, dict)
        and "id" in value
        and "id_str" not in value
        and ("text" in value or "note_tweet" in value)
    )


def is_page(value: object) -> bool:
    """A v2 response: tweets under `data`, or only `errors` about tweets (a deleted post's lookup)."""
    if not isinstance(value, dict) or "kind" in value:  # Reddit listings also have `data`
        return False
    data = value.get("data")
    tweets = data if isinstance(data, list) else [data]
    if data is not None and tweets and all(is_tweet(t) for t in tweets[:3]):
        return True
    meta = value.get("meta")
    if data is None and isinstance(meta, dict) and "result_count" in meta:
        return True  # an empty search page
    errors = value.get("errors")
    return (
        data is None
        and isinstance(errors, list)
        and any(isinstance(e, dict) and e.get("resource_type") == "tweet" for e in errors)
    )


def has_tweet_markers(page: dict[str, Any]) -> bool:
    """Whether a page is recognisably from X, not just any `{"data": {"id", "text"}}` document."""
    data = page.get("data")
    tweets = data if isinstance(data, list) else [data]
    return (
        "includes" in page
        or "meta" in page
        or "errors" in page
        or any(isinstance(t, dict) and TWEET_MARKERS & t.keys() for t in tweets)
    )


def _by_id(items: object) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(item["id"]): item for item in items if isinstance(item, dict) and "id" in item}


def page_records(page: dict[str, Any], source: str, raw_page: str | None = None) -> Iterator[RawRecord]:
    """One record per tweet on the page, each with its author and place as context.

    A page without tweets but with errors (a lookup of a deleted post) becomes one record holding the
    page, so that the ingest quarantines it with the reason instead of the post vanishing unnoticed.
    Positions are left at 0: the caller numbers records within the whole file.
    """
    data = page.get("data")
    if data is None:
        if page.get("errors"):
            yield RawRecord(source=source, position=0, raw=raw_page or dump_json(page), decoded=page)
        return
    tweets = data if isinstance(data, list) else [data]
    includes = mapping(page.get("includes"))
    users, places = _by_id(includes.get("users")), _by_id(includes.get("places"))
    for tweet in tweets:
        yield RawRecord(
            source=source,
            position=0,
            raw=dump_json(tweet),
            context=tweet_context(tweet, users, places),
            decoded=tweet,
        )


def tweet_context(tweet: object, users: dict[str, Any], places: dict[str, Any]) -> dict[str, Any]:
    """The page's users and places that this tweet refers to, keyed by id as in the page."""
    if not isinstance(tweet, dict):
        return {"users": {}, "places": {}}
    author_id = str(tweet.get("author_id"))
    geo = mapping(tweet.get("geo"))
    place_id = str(geo.get("place_id"))
    return {
        "users": {author_id: users[author_id]} if author_id in users else {},
        "places": {place_id: places[place_id]} if place_id in places else {},
    }


def error_details(page: dict[str, Any]) -> str:
    """X's own words for each error in a response (`detail`, else `title`)."""
    errors = [e for e in page.get("errors") or [] if isinstance(e, dict)]
    details = [str(e.get("detail") or e.get("title") or e).rstrip(".") for e in errors]
    return "; ".join(details) or "no details given"


def errors_message(page: dict[str, Any]) -> str:
    return (
        f"X returned no tweet, only errors: {error_details(page)}. "
        "The post was deleted, made private or withheld; there is nothing to import"
    )


def _user(tweet: dict[str, Any], context: dict[str, Any]) -> dict[str, Any] | None:
    user = (context.get("users") or {}).get(str(tweet.get("author_id")))
    return user if isinstance(user, dict) and user.get("username") else None


def _author(tweet: dict[str, Any], user: dict[str, Any] | None) -> AuthorIn | None:
    author_id = tweet.get("author_id")
    if author_id is None:
        return None
    if user is None:
        # The page was fetched without `expansions=author_id`: the id is all X told us.
        return AuthorIn(external_id=str(author_id), handle=str(author_id))
    metrics = mapping(user.get("public_metrics"))
    return AuthorIn(
        external_id=str(author_id),
        handle=str(user["username"]),
        display_name=user.get("name") or None,
        location=user.get("location") or None,
        followers=to_int(metrics.get("followers_count")),
        verified=to_bool(user.get("verified")),
        url=PROFILE_URL.format(handle=user["username"]),
    )


def _place(tweet: dict[str, Any], context: dict[str, Any]) -> tuple[str | None, float | None, float | None]:
    geo = tweet.get("geo")
    if not isinstance(geo, dict):
        return None, None, None
    lat, lon = parse_coordinates(geo.get("coordinates"))
    place = (context.get("places") or {}).get(str(geo.get("place_id")))
    if not isinstance(place, dict):
        return None, lat, lon
    if lat is None:
        place_geo = mapping(place.get("geo"))
        lat, lon = bbox_centre(place_geo.get("bbox"))
    return place.get("full_name") or place.get("name"), lat, lon


def _referenced(tweet: dict[str, Any]) -> dict[str, str]:
    refs: dict[str, str] = {}
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") and ref.get("id") is not None:
            refs[str(ref["type"])] = str(ref["id"])
    return refs


def _attributes(tweet: dict[str, Any], refs: dict[str, str], metrics: dict[str, Any]) -> dict[str, Any]:
    geo = mapping(tweet.get("geo"))
    attributes: dict[str, Any] = {
        "api": "v2",
        "quoted_id": refs.get("quoted"),
        "retweeted_id": refs.get("retweeted"),
        "in_reply_to_user_id": tweet.get("in_reply_to_user_id"),
        "quote_count": to_int(metrics.get("quote_count")),
        "impression_count": to_int(metrics.get("impression_count")),
        "bookmark_count": to_int(metrics.get("bookmark_count")),
        "place_id": geo.get("place_id"),
        "possibly_sensitive": tweet.get("possibly_sensitive"),
        "long_post": "note_tweet" in tweet or None,
        **entity_tags(tweet.get("entities")),
    }
    return {key: value for key, value in attributes.items() if value is not None}


def post_from_tweet(tweet: dict[str, Any], context: dict[str, Any]) -> PostIn:
    tweet_id = require_id(tweet.get("id"), field="id (the tweet's id)")
    note = tweet.get("note_tweet")
    long_text = note.get("text") if isinstance(note, dict) else None
    text = require_text(long_text or tweet.get("text"), field=f"text in tweet {tweet_id}")
    created_at = parse_time(tweet.get("created_at"), field=f"created_at in tweet {tweet_id}")
    user = _user(tweet, context)
    location, lat, lon = _place(tweet, context)
    refs = _referenced(tweet)
    metrics = mapping(tweet.get("public_metrics"))
    conversation = tweet.get("conversation_id")
    return PostIn(
        channel=CHANNEL,
        external_id=tweet_id,
        text=clean_text(text),
        created_at=created_at,
        author=_author(tweet, user),
        language=language(tweet.get("lang")),
        url=post_url(tweet_id, user["username"] if user else None),
        reply_to_external_id=refs.get("replied_to"),
        thread_external_id=str(conversation) if conversation is not None else None,
        likes=to_int(metrics.get("like_count")),
        reposts=to_int(metrics.get("retweet_count")),
        replies=to_int(metrics.get("reply_count")),
        location=location,
        latitude=lat,
        longitude=lon,
        attributes=_attributes(tweet, refs, metrics),
    )
