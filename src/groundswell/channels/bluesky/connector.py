"""Bluesky posts from the app.bsky.feed XRPC API: getAuthorFeed and searchPosts pages, getPostThread
responses (flattened, parents first), and JSON lines of any of these or of single post views.

A post is identified by its at:// URI, which is also how replies name their parent and thread root.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from groundswell.channels.base import AuthorIn, PostIn, RawRecord
from groundswell.channels.common import load_json, parse_time, require_id, require_object, to_int
from groundswell.channels.mastodon.documents import Item, as_list, as_object, read_records
from groundswell.errors import ParseError

CHANNEL = "bluesky"
POST_RECORD_TYPE = "app.bsky.feed.post"
_THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
_NOT_POSTS = {
    "app.bsky.feed.defs#notFoundPost": "was not found (deleted, or its author left Bluesky)",
    "app.bsky.feed.defs#blockedPost": "is blocked between its author and the account that fetched it",
}
_FACET = "app.bsky.richtext.facet#"


class BlueskyConnector:
    name: ClassVar[str] = CHANNEL
    # Claimed by content only: a .json file may as well be X or Mastodon.
    suffixes: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path) -> Iterator[RawRecord]:
        return read_records(path, expand_page)

    def parse(self, record: RawRecord) -> list[PostIn]:
        item = require_object(load_json(record), "Bluesky post view")
        return [post_from_item(item)]

    def sniff(self, head: str) -> bool:
        text = head.lstrip()
        if not text.startswith(("{", "[")) or '"at://' not in text:
            return False
        return "app.bsky.feed." in text or ('"record"' in text and '"indexedAt"' in text)


def expand_page(value: Any) -> list[Item]:
    """The post views in one decoded document: a feed page, a search page, a thread, or a single view."""
    if isinstance(value, list):
        return [(item, None) for item in value]
    if not isinstance(value, dict):
        return [(value, None)]
    if isinstance(value.get("feed"), list):
        return [(item, None) for item in value["feed"]]
    if isinstance(value.get("posts"), list):
        return [(item, None) for item in value["posts"]]
    if isinstance(value.get("thread"), dict):
        return [(item, None) for item in flatten_thread(value["thread"])]
    return [(value, None)]


def flatten_thread(node: dict[str, Any]) -> list[Any]:
    """A getPostThread tree as a list: the parent chain root first, the post, then replies depth first.
    Deleted and blocked entries stay in, so they are reported rather than silently lost."""
    chain: list[Any] = [node]
    parent = node.get("parent")
    while isinstance(parent, dict):
        chain.insert(0, parent)
        parent = parent.get("parent")
    items = [_thread_entry(entry) for entry in chain]
    pending = list(reversed(node.get("replies") or []))
    while pending:
        reply = pending.pop()
        items.append(_thread_entry(reply))
        if isinstance(reply, dict):
            pending.extend(reversed(reply.get("replies") or []))
    return items


def _thread_entry(entry: Any) -> Any:
    if isinstance(entry, dict) and entry.get("$type") == _THREAD_VIEW and isinstance(entry.get("post"), dict):
        return entry["post"]
    return entry


def post_from_item(item: dict[str, Any]) -> PostIn:
    """A post from a post view, or from a feed item wrapping one (with why it is in the feed)."""
    not_a_post = _NOT_POSTS.get(str(item.get("$type")))
    if not_a_post or item.get("notFound") or item.get("blocked"):
        reason = not_a_post or "was not found or is blocked"
        raise ParseError(f"thread entry {item.get('uri', '(no uri)')} {reason}: it holds no post to import")
    extra: dict[str, Any] = {}
    if isinstance(item.get("post"), dict):
        extra = _feed_reason(item.get("reason"))
        item = item["post"]
    post = post_from_view(item)
    post.attributes.update(extra)
    return post


def _feed_reason(reason: Any) -> dict[str, Any]:
    # A repost carries no words of its own: the post is the original, and who reposted it is noted.
    if not isinstance(reason, dict):
        return {}
    kind = str(reason.get("$type", ""))
    if kind.endswith("#reasonRepost"):
        by = as_object(reason.get("by"))
        found = {
            "reposted_by": by.get("handle"),
            "reposted_by_did": by.get("did"),
            "reposted_at": reason.get("indexedAt"),
        }
        return {key: value for key, value in found.items() if value is not None}
    if kind.endswith("#reasonPin"):
        return {"pinned": True}
    return {}


def post_from_view(view: dict[str, Any]) -> PostIn:
    uri = require_id(view.get("uri"), field="uri (the post's at:// URI)")
    if not uri.startswith("at://"):
        raise ParseError(f"invalid uri {uri!r}: a Bluesky post is named by an at:// URI")
    record = view.get("record")
    if not isinstance(record, dict):
        raise ParseError(f"missing record on {uri}: a post view carries the post record with its text")
    record_type = record.get("$type", POST_RECORD_TYPE)
    if record_type != POST_RECORD_TYPE:
        raise ParseError(f"record of {uri} is a {record_type!r}, not an {POST_RECORD_TYPE}: it is not a post")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ParseError(f"post {uri} has no text (e.g. images only): there is nothing to analyse")
    author = _author(view.get("author"), uri)
    parent_uri, root_uri = _reply_refs(record.get("reply"), uri)
    langs = as_list(record.get("langs"))
    return PostIn(
        channel=CHANNEL,
        external_id=uri,
        text=text,
        created_at=parse_time(record.get("createdAt") or view.get("indexedAt"), field=f"createdAt on {uri}"),
        author=author,
        language=str(langs[0]) if langs else None,
        url=f"{_profile_url(author)}/post/{uri.rsplit('/', 1)[-1]}",
        reply_to_external_id=parent_uri,
        thread_external_id=root_uri,
        likes=to_int(view.get("likeCount")),
        reposts=to_int(view.get("repostCount")),
        replies=to_int(view.get("replyCount")),
        attributes=_attributes(view, record, langs),
    )


def _author(author: Any, uri: str) -> AuthorIn:
    if not isinstance(author, dict):
        raise ParseError(f"missing author on {uri}: a post view needs its author's did and handle")
    did = require_id(author.get("did"), field=f"author did on {uri}")
    handle = author.get("handle")
    if not isinstance(handle, str) or not handle.strip():
        raise ParseError(f"missing author handle on {uri}: a post view needs its author's handle")
    found = AuthorIn(external_id=did, handle=handle.strip(), display_name=author.get("displayName") or None)
    found.url = _profile_url(found)
    return found


def _profile_url(author: AuthorIn) -> str:
    # 'handle.invalid' marks a handle that no longer resolves; the did always works in a profile URL.
    name = author.external_id if author.handle == "handle.invalid" else author.handle
    return f"https://bsky.app/profile/{name}"


def _reply_refs(reply: Any, uri: str) -> tuple[str | None, str | None]:
    if reply is None:
        return None, None
    parent = reply.get("parent") if isinstance(reply, dict) else None
    root = reply.get("root") if isinstance(reply, dict) else None
    if not isinstance(parent, dict) or not isinstance(root, dict) or not parent.get("uri") or not root.get("uri"):
        raise ParseError(f"invalid reply on {uri}: record.reply needs parent and root, each with a uri")
    return str(parent["uri"]), str(root["uri"])


def _attributes(view: dict[str, Any], record: dict[str, Any], langs: list[Any]) -> dict[str, Any]:
    features = [
        feature
        for facet in as_list(record.get("facets"))
        if isinstance(facet, dict)
        for feature in as_list(facet.get("features"))
        if isinstance(feature, dict)
    ]
    embed = as_object(record.get("embed"))
    labels = as_list(view.get("labels"))
    attributes: dict[str, Any] = {
        "cid": view.get("cid"),
        "indexed_at": view.get("indexedAt"),
        "langs": [str(lang) for lang in langs] if len(langs) > 1 else None,
        "tags": _feature_values(features, "tag", "tag") + [str(tag) for tag in as_list(record.get("tags"))],
        "mentions": _feature_values(features, "mention", "did"),
        "links": _feature_values(features, "link", "uri"),
        "embed_type": embed.get("$type"),
        "quotes": to_int(view.get("quoteCount")),
        "labels": [label["val"] for label in labels if isinstance(label, dict) and label.get("val")],
    }
    return {key: value for key, value in attributes.items() if value is not None and value != []}


def _feature_values(features: list[dict[str, Any]], kind: str, key: str) -> list[str]:
    return [str(feature[key]) for feature in features if feature.get("$type") == _FACET + kind and feature.get(key)]
