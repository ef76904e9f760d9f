"""Mastodon statuses from the REST API (v1 entities): timeline and hashtag pages (arrays of statuses),
search v2 responses, status context responses, mention notifications, and JSON lines of any of these.

Ids are the instance's status ids, as `in_reply_to_id` uses them, so a file or poll should come from one
instance for replies to find their parents. The status `uri` (globally unique) is kept in attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from groundswell.channels.base import VISIBILITIES, AuthorIn, PostIn, RawRecord
from groundswell.channels.common import (
    html_to_text,
    load_json,
    parse_time,
    require_id,
    require_object,
    to_int,
)
from groundswell.channels.mastodon.documents import Item, as_object, read_records
from groundswell.errors import ParseError

CHANNEL = "mastodon"
# Notification types whose status is a post addressed to, or followed by, the account polled.
_POST_NOTIFICATIONS = frozenset({"mention", "status", "update"})
_ACCOUNT_OBJECT = re.compile(r'"account"\s*:\s*\{')


class MastodonConnector:
    name: ClassVar[str] = CHANNEL
    # Claimed by content only: a .json file may as well be X or Bluesky.
    suffixes: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path) -> Iterator[RawRecord]:
        return read_records(path, expand_page)

    def parse(self, record: RawRecord) -> list[PostIn]:
        entity = require_object(load_json(record), "Mastodon status or notification")
        return [post_from_entity(entity, record.context)]

    def sniff(self, head: str) -> bool:
        text = head.lstrip()
        if not text.startswith(("{", "[")):
            return False
        if '"ancestors"' in text and '"descendants"' in text:
            return True
        return bool(_ACCOUNT_OBJECT.search(text)) and all(
            key in text for key in ('"content"', '"visibility"', '"acct"')
        )


def expand_page(value: Any) -> list[Item]:
    """The statuses (or notifications) in one decoded document, with the thread root for context pages."""
    if isinstance(value, list):
        return [(item, None) for item in value]
    if not isinstance(value, dict):
        return [(value, None)]
    if isinstance(value.get("ancestors"), list) and isinstance(value.get("descendants"), list):
        ancestors, descendants = value["ancestors"], value["descendants"]
        root = _context_root(ancestors, descendants)
        context = {"thread_root": root} if root else None
        return [(item, context) for item in (*ancestors, *descendants)]
    if isinstance(value.get("statuses"), list) and ("accounts" in value or "hashtags" in value):
        # A search v2 response: accounts and hashtags are not posts.
        return [(item, None) for item in value["statuses"]]
    return [(value, None)]


def _context_root(ancestors: list[Any], descendants: list[Any]) -> str | None:
    """The thread root of a context response: the first ancestor, or else the status the context is
    for, which the first descendant (they come in thread order) replies to."""
    if ancestors and isinstance(ancestors[0], dict) and ancestors[0].get("id") is not None:
        return str(ancestors[0]["id"])
    if descendants and isinstance(descendants[0], dict) and descendants[0].get("in_reply_to_id") is not None:
        return str(descendants[0]["in_reply_to_id"])
    return None


def post_from_entity(entity: dict[str, Any], context: Mapping[str, Any] | None = None) -> PostIn:
    """A post from a status, a reblog of one, or a notification carrying one."""
    extra: dict[str, Any] = {}
    if "type" in entity and "content" not in entity:
        entity = _notification_status(entity, extra)
    reblogged = entity.get("reblog")
    if isinstance(reblogged, dict):
        # A boost carries no words of its own: the post is the original, and who boosted it is noted.
        booster = as_object(entity.get("account"))
        extra["boost_id"] = str(entity.get("id"))
        extra["boosted_by"] = booster.get("acct")
        extra["boosted_at"] = entity.get("created_at")
        entity = reblogged
    post = post_from_status(entity, context)
    post.attributes.update({key: value for key, value in extra.items() if value is not None})
    return post


def _notification_status(notification: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    kind = notification.get("type")
    number = notification.get("id")
    if kind not in _POST_NOTIFICATIONS:
        raise ParseError(
            f"notification {number} of type {kind!r} is not a post: only mention notifications carry "
            "someone's words; poll notifications with types=['mention']"
        )
    status = notification.get("status")
    if not isinstance(status, dict):
        raise ParseError(f"{kind} notification {number} has no status object: the status was probably deleted")
    extra["notification_id"] = str(number) if number is not None else None
    extra["notification_type"] = kind
    return status


def post_from_status(status: dict[str, Any], context: Mapping[str, Any] | None = None) -> PostIn:
    status_id = require_id(status.get("id"), field="id (status id)")
    text = html_to_text(_text_field(status, "content", status_id))
    spoiler = html_to_text(_text_field(status, "spoiler_text", status_id)) or None
    if not text:
        raise ParseError(
            f"status {status_id} has no text (empty content, e.g. media only): there is nothing to analyse"
        )
    reply_to = status.get("in_reply_to_id")
    thread_root = context.get("thread_root") if context else None
    return PostIn(
        channel=CHANNEL,
        external_id=status_id,
        text=text,
        created_at=parse_time(status.get("created_at"), field=f"created_at on status {status_id}"),
        author=_author(status.get("account"), status_id),
        title=spoiler,
        language=status.get("language") or None,
        url=status.get("url") or status.get("uri") or None,
        reply_to_external_id=str(reply_to) if reply_to is not None else None,
        thread_external_id=str(thread_root) if reply_to is not None and thread_root else None,
        likes=to_int(status.get("favourites_count")),
        reposts=to_int(status.get("reblogs_count")),
        replies=to_int(status.get("replies_count")),
        visibility=_visibility(status.get("visibility"), status_id),
        attributes=_attributes(status),
    )


def _text_field(status: dict[str, Any], field: str, status_id: str) -> str:
    value = status.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParseError(f"invalid {field} on status {status_id}: expected HTML text, got {type(value).__name__}")
    return value


def _visibility(value: object, status_id: str) -> str:
    # Never guessed: treating a private or direct status as public would expose it.
    if not isinstance(value, str) or value.lower() not in VISIBILITIES:
        raise ParseError(
            f"missing or unknown visibility {value!r} on status {status_id}: "
            f"a Mastodon status is one of {', '.join(VISIBILITIES)}"
        )
    return value.lower()


def _author(account: object, status_id: str) -> AuthorIn:
    if not isinstance(account, dict):
        raise ParseError(f"missing account on status {status_id}: every status needs its author's account object")
    account_id = require_id(account.get("id"), field=f"account id on status {status_id}")
    acct = account.get("acct") or account.get("username")
    if not isinstance(acct, str) or not acct.strip():
        raise ParseError(f"missing account acct on status {status_id}: the author needs a handle")
    return AuthorIn(
        external_id=account_id,
        handle=acct.strip(),
        display_name=account.get("display_name") or None,
        followers=to_int(account.get("followers_count")),
        url=account.get("url") or None,
    )


def _attributes(status: dict[str, Any]) -> dict[str, Any]:
    account = as_object(status.get("account"))
    application = as_object(status.get("application"))
    attributes: dict[str, Any] = {
        "uri": status.get("uri"),
        "tags": _names(status.get("tags"), "name"),
        "mentions": _names(status.get("mentions"), "acct"),
        "in_reply_to_account_id": status.get("in_reply_to_account_id"),
        "sensitive": status.get("sensitive"),
        "author_bot": account.get("bot"),
        "media_count": len(status["media_attachments"]) if isinstance(status.get("media_attachments"), list) else None,
        "application": application.get("name"),
        "edited_at": status.get("edited_at"),
    }
    return {key: value for key, value in attributes.items() if value is not None and value != []}


def _names(entries: object, key: str) -> list[str]:
    if not isinstance(entries, list):
        return []
    return [str(entry[key]) for entry in entries if isinstance(entry, dict) and entry.get(key)]
