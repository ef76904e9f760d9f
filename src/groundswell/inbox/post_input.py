"""A stored post, its author and its stored enrichments as the router sees them.

`groundswell route` reads an enriched JSON record; a stored post is turned into that same record shape (the
post's columns, the author as a nested object, and each enricher's stored value under the enricher's name,
exactly as `groundswell enrich` writes it into a JSON line), so that one converter,
`groundswell.routing.enriched.routing_input`, serves both and a post routes the same way from a file or the
store. Of the post's free-form attributes only `author_tier` is read: the rest are whatever the source sent
and must not pass for enrichment results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from groundswell.models import Author, Post
from groundswell.routing.enriched import routing_input
from groundswell.routing.schemas import RoutingInput

TRUSTED_ATTRIBUTES = ("author_tier",)


def stored_record(post: Post, author: Author | None, enrichments: Mapping[str, Any]) -> dict[str, Any]:
    """The enriched-record dict for a stored post (the shape `routing.enriched` reads)."""
    attributes = post.attributes or {}
    record: dict[str, Any] = {key: attributes[key] for key in TRUSTED_ATTRIBUTES if key in attributes}
    record |= {
        "text": post.text,
        "channel": post.channel,
        "brand": post.brand,
        "language": post.language,
        "created_at": post.created_at.isoformat(),
        "place": post.location,
        "latitude": post.latitude,
        "longitude": post.longitude,
        "likes": post.likes,
        "reposts": post.reposts,
    }
    if author is not None:
        record["author"] = {"handle": author.handle, "location": author.location, "followers": author.followers}
    # Enrichment wins over the source's own fields of the same name (its `language` guess, say), as in a JSON line.
    record |= {name: value for name, value in enrichments.items() if value is not None}
    return {key: value for key, value in record.items() if value is not None}


def stored_routing_input(post: Post, author: Author | None, enrichments: Mapping[str, Any]) -> RoutingInput:
    return routing_input(stored_record(post, author, enrichments))
