"""Tweets as v1.1 objects: the old REST and streaming APIs, exports built on them, and Twitter archives.

v1.1 names no conversation root, so `thread_external_id` stays empty and the ingest resolves threads
from the reply chain. Archive tweets (`tweets.js`) carry no `user`: their author is the archive's owner,
read from the `account.js` next to it when present. Archives also write counts as strings.
"""

from __future__ import annotations

from typing import Any

from groundswell.channels.base import AuthorIn, PostIn
from groundswell.channels.common import (
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
    polygon_bbox,
    post_url,
)
from groundswell.errors import ParseError


def is_tweet(value: object) -> bool:
    """A v1.1 tweet, an archive item wrapping one, or a streaming API deletion notice."""
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("tweet"), dict):
        return is_tweet(value["tweet"])
    if isinstance(value.get("delete"), dict) and "status" in value["delete"]:
        return True
    return (
        "id_str" in value
        and ("text" in value or "full_text" in value)
        and ("user" in value or "full_text" in value or "in_reply_to_status_id_str" in value)
    )


def _text(tweet: dict[str, Any], tweet_id: str) -> str:
    # Streaming and compatibility-mode tweets truncate `text` and keep the rest in `extended_tweet`.
    extended = tweet.get("extended_tweet")
    full = extended.get("full_text") if isinstance(extended, dict) else None
    text = full or tweet.get("full_text") or tweet.get("text")
    return require_text(text, field=f"text in tweet {tweet_id}")


def _author(tweet: dict[str, Any], account: dict[str, Any] | None) -> tuple[AuthorIn | None, str | None]:
    user = tweet.get("user")
    if isinstance(user, dict):
        handle = user.get("screen_name")
        user_id = user.get("id_str") or user.get("id")
        if not handle or user_id is None:
            raise ParseError(
                f"tweet {tweet.get('id_str')} has a user without id_str or screen_name: "
                "export the full v1.1 user object"
            )
        return AuthorIn(
            external_id=str(user_id),
            handle=str(handle),
            display_name=user.get("name") or None,
            location=user.get("location") or None,
            followers=to_int(user.get("followers_count")),
            verified=to_bool(user.get("verified")),
            url=PROFILE_URL.format(handle=handle),
        ), str(handle)
    if account and account.get("username") and account.get("accountId"):
        handle = str(account["username"])
        return AuthorIn(
            external_id=str(account["accountId"]),
            handle=handle,
            display_name=account.get("accountDisplayName") or None,
            url=PROFILE_URL.format(handle=handle),
        ), handle
    return None, None


def _place(tweet: dict[str, Any]) -> tuple[str | None, float | None, float | None]:
    lat, lon = parse_coordinates(tweet.get("coordinates"))
    place = tweet.get("place")
    if not isinstance(place, dict):
        return None, lat, lon
    if lat is None:
        lat, lon = bbox_centre(polygon_bbox(place.get("bounding_box")))
    return place.get("full_name") or place.get("name"), lat, lon


def _attributes(tweet: dict[str, Any]) -> dict[str, Any]:
    retweeted = tweet.get("retweeted_status")
    place = mapping(tweet.get("place"))
    entities = mapping(tweet.get("extended_tweet")).get("entities") or tweet.get("entities")
    attributes: dict[str, Any] = {
        "api": "v1.1",
        "quoted_id": tweet.get("quoted_status_id_str"),
        "retweeted_id": retweeted.get("id_str") if isinstance(retweeted, dict) else None,
        "in_reply_to_user_id": tweet.get("in_reply_to_user_id_str"),
        "in_reply_to_screen_name": tweet.get("in_reply_to_screen_name"),
        "quote_count": to_int(tweet.get("quote_count")),
        "place_id": place.get("id"),
        "possibly_sensitive": tweet.get("possibly_sensitive"),
        **entity_tags(entities),
    }
    return {key: value for key, value in attributes.items() if value is not None}


def post_from_tweet(tweet: dict[str, Any], account: dict[str, Any] | None = None) -> PostIn:
    if isinstance(tweet.get("tweet"), dict):  # an archive item: {"tweet": {...}}
        tweet = tweet["tweet"]
    deleted = tweet.get("delete")
    if isinstance(deleted, dict):
        status = mapping(deleted.get("status"))
        raise ParseError(
            f"deletion notice for tweet {status.get('id_str')}, not a post: the author deleted it, "
            "so delete any stored copy rather than import it"
        )
    tweet_id = require_id(tweet.get("id_str") or tweet.get("id"), field="id_str (the tweet's id)")
    text = _text(tweet, tweet_id)
    created_at = parse_time(tweet.get("created_at"), field=f"created_at in tweet {tweet_id}")
    author, handle = _author(tweet, account)
    location, lat, lon = _place(tweet)
    parent = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
    return PostIn(
        channel=CHANNEL,
        external_id=tweet_id,
        text=clean_text(text),
        created_at=created_at,
        author=author,
        language=language(tweet.get("lang")),
        url=post_url(tweet_id, handle),
        reply_to_external_id=str(parent) if parent else None,
        likes=to_int(tweet.get("favorite_count")),
        reposts=to_int(tweet.get("retweet_count")),
        replies=to_int(tweet.get("reply_count")),
        location=location,
        latitude=lat,
        longitude=lon,
        attributes=_attributes(tweet),
    )
