"""Reddit listings as the API and the `.json` endpoints return them.

Accepted files: one listing (`/r/<sub>/new`, `/search`, `/comments`), a comments page (a JSON array of
two listings: the submission, then the comment tree whose `replies` are nested listings), or JSON lines
with one listing per line. Every submission (`t3`) and comment (`t1`) becomes one record; its external
id is the fullname (`t3_abc`, `t1_def`) because `parent_id` and `link_id` name posts that way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import orjson

from groundswell.channels.base import AuthorIn, PostIn, RawRecord
from groundswell.channels.common import (
    dump_json,
    load_json,
    parse_time,
    read_lines,
    require_id,
    require_object,
    require_text,
    to_float,
    to_int,
)
from groundswell.errors import ParseError

CHANNEL = "reddit"
REDDIT_URL = "https://www.reddit.com"
# What Reddit leaves in place of the text or author of a post that is gone.
_GONE = {"[deleted]": "deleted by its author", "[removed]": "removed by the moderators"}
# Reddit always writes "kind" first; a listing, a comments page (array) or a single thing.
_REDDIT_HEAD = re.compile(r'\[?\s*\{\s*"kind"\s*:\s*"(?:Listing|t1|t3)"')


def things_in(document: Any) -> Iterator[tuple[Any, dict[str, Any] | None]]:
    """Every thing in a listing or comments page, comment trees flattened, with the context that
    the enclosing page supplies (the submission's title for the comments of a comments page)."""
    if isinstance(document, list):
        context: dict[str, Any] | None = None
        for part in document:
            yield from _walk(part, context)
            context = _submission_context(part) or context
    else:
        yield from _walk(document, None)


def _walk(node: Any, context: dict[str, Any] | None) -> Iterator[tuple[Any, dict[str, Any] | None]]:
    kind = node.get("kind") if isinstance(node, dict) else None
    data = node.get("data") if isinstance(node, dict) else None
    if kind == "Listing" and isinstance(data, dict) and isinstance(data.get("children"), list):
        for child in data["children"]:
            yield from _walk(child, context)
    elif kind == "more":
        return  # a "load more comments" stub only lists ids; it carries no post
    elif kind == "t1" and isinstance(data, dict) and isinstance(data.get("replies"), dict):
        # The replies become records of their own, so the comment's raw leaves them out rather
        # than storing every subtree again with each ancestor.
        yield {"kind": "t1", "data": {k: v for k, v in data.items() if k != "replies"}}, context
        yield from _walk(data["replies"], context)
    else:
        yield node, context


def _submission_context(part: Any) -> dict[str, Any] | None:
    children = part.get("data", {}).get("children") if isinstance(part, dict) else None
    if isinstance(children, list) and len(children) == 1 and isinstance(children[0], dict):
        submission = children[0]
        if submission.get("kind") == "t3" and isinstance(submission.get("data"), dict):
            return {"link_title": submission["data"].get("title"), "link_id": submission["data"].get("name")}
    return None


class RedditConnector:
    name: ClassVar[str] = CHANNEL
    suffixes: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path) -> Iterator[RawRecord]:
        source = str(path)
        position = 0
        for text, document in _documents(path):
            if isinstance(document, ParseError):
                position += 1
                yield RawRecord(source=source, position=position, raw=text, decoded=document)
                continue
            for thing, context in things_in(document):
                position += 1
                yield RawRecord(source=source, position=position, raw=dump_json(thing), context=context, decoded=thing)

    def parse(self, record: RawRecord) -> list[PostIn]:
        thing = require_object(load_json(record), "Reddit thing")
        kind, data = thing.get("kind"), thing.get("data")
        if kind == "Listing":
            raise ParseError(
                "got a whole listing as one record: read the file with the reddit format "
                "so that each child becomes its own record"
            )
        if kind == "more":
            raise ParseError("a 'more' stub is a placeholder for comments not loaded, not a post")
        if not isinstance(data, dict):
            raise ParseError(
                f"expected a Reddit thing {{'kind': 't3' or 't1', 'data': {{...}}}}, got keys {sorted(thing)[:6]}"
            )
        if kind == "t3":
            return [_submission(data)]
        if kind == "t1":
            return [_comment(data, record.context or {})]
        raise ParseError(f"unsupported Reddit kind {kind!r}: only t3 (submissions) and t1 (comments) are posts")

    def sniff(self, head: str) -> bool:
        return _REDDIT_HEAD.match(head.lstrip()) is not None


def _documents(path: Path) -> Iterator[tuple[str, Any]]:
    """The JSON documents of a file: each line of JSON lines, or the whole file. A document that
    is not JSON comes back as a ParseError with its text, so it is quarantined, not dropped."""
    if _is_json_lines(path):
        for line in read_lines(path):
            if isinstance(line.decoded, ParseError):
                yield line.raw, line.decoded
                continue
            try:
                yield line.raw, orjson.loads(line.raw)
            except orjson.JSONDecodeError as exc:
                yield line.raw, ParseError(f"invalid JSON on line {line.position}: {exc}")
        return
    content = path.read_bytes()  # a single API page: at most 100 things
    try:
        yield "", orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        yield content.decode("utf-8", errors="replace"), ParseError(f"invalid JSON in {path.name}: {exc}")


def _is_json_lines(path: Path) -> bool:
    """JSON lines when the first non-blank line is a complete JSON value and more lines follow."""
    with path.open("rb") as handle:
        lines = (line for line in handle if line.strip())
        first = next(lines, None)
        if first is None:
            return False
        try:
            orjson.loads(first)
        except orjson.JSONDecodeError:
            return False
        return next(lines, None) is not None


def _submission(data: dict[str, Any]) -> PostIn:
    name = _fullname(data, "t3")
    title = _unescape(require_text(data.get("title"), field=f"title of {name}"))
    raw_selftext = data.get("selftext")
    selftext = _unescape(raw_selftext) if isinstance(raw_selftext, str) else ""
    _reject_gone(name, author=data.get("author"), text=selftext)
    is_self = data.get("is_self")
    attributes = {
        "kind": "t3",
        "subreddit": data.get("subreddit"),
        "subreddit_id": data.get("subreddit_id"),
        "upvote_ratio": to_float(data.get("upvote_ratio")),
        "over_18": data.get("over_18"),
        "is_self": is_self,
        "link_url": data.get("url") if is_self is False else None,
        "domain": data.get("domain"),
        "flair": data.get("link_flair_text"),
        "distinguished": data.get("distinguished"),
    }
    return PostIn(
        channel=CHANNEL,
        external_id=name,
        # The title carries most of a submission's meaning, so analysis sees it with the body.
        text=f"{title}\n\n{selftext}" if selftext.strip() else title,
        title=title,
        created_at=parse_time(data.get("created_utc"), field=f"created_utc of {name}"),
        author=_author(data),
        url=_permalink(data),
        thread_external_id=name,
        likes=to_int(data.get("score")),
        replies=to_int(data.get("num_comments")),
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


def _comment(data: dict[str, Any], context: Mapping[str, Any]) -> PostIn:
    name = _fullname(data, "t1")
    body = _unescape(require_text(data.get("body"), field=f"body of {name}"))
    _reject_gone(name, author=data.get("author"), text=body)
    link_id = data.get("link_id") or context.get("link_id")
    link_title = data.get("link_title") or context.get("link_title")
    attributes = {
        "kind": "t1",
        "subreddit": data.get("subreddit"),
        "subreddit_id": data.get("subreddit_id"),
        "link_title": _unescape(link_title) if isinstance(link_title, str) else None,
        "is_submitter": data.get("is_submitter"),
        "distinguished": data.get("distinguished"),
        "depth": to_int(data.get("depth")),
    }
    return PostIn(
        channel=CHANNEL,
        external_id=name,
        text=body,
        created_at=parse_time(data.get("created_utc"), field=f"created_utc of {name}"),
        author=_author(data),
        url=_permalink(data),
        reply_to_external_id=data.get("parent_id") or None,
        thread_external_id=link_id or None,
        likes=to_int(data.get("score")),
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


def _fullname(data: dict[str, Any], prefix: str) -> str:
    if data.get("name"):
        return require_id(data.get("name"), field="name")
    # Some exports keep only the base-36 id; the fullname is the kind prefix and that id.
    return f"{prefix}_{require_id(data.get('id'), field='name (or id)')}"


def _reject_gone(name: str, *, author: object, text: str) -> None:
    for value, what in ((text.strip(), "text"), (author, "author")):
        if isinstance(value, str) and value in _GONE:
            raise ParseError(f"{name} was {_GONE[value]} ({what} is {value!r}): there is no post left to ingest")


def _author(data: dict[str, Any]) -> AuthorIn | None:
    handle = data.get("author")
    if not isinstance(handle, str) or not handle:
        return None
    fullname = data.get("author_fullname")
    return AuthorIn(
        external_id=fullname if isinstance(fullname, str) and fullname else handle,
        handle=handle,
        url=f"{REDDIT_URL}/user/{handle}",
    )


def _permalink(data: dict[str, Any]) -> str | None:
    permalink = data.get("permalink")
    if not isinstance(permalink, str) or not permalink:
        return None
    return REDDIT_URL + permalink if permalink.startswith("/") else permalink


def _unescape(text: str) -> str:
    # Without raw_json=1 Reddit escapes &, < and > in titles and bodies; PRAW asks for raw JSON,
    # but pages saved from the `.json` endpoints usually arrive escaped.
    return html.unescape(text)
