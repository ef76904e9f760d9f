"""Product reviews in three layouts, each mapped to a post.

- The Amazon Customer Reviews dataset (TSV): `review_id, star_rating, review_headline, review_body, ...`.
- The Amazon Reviews 2023 dataset (JSON lines): `rating, title, text, asin, user_id, timestamp, ...`;
  it has no review id, so one is derived from the reviewer, the product and the time.
- A plain export from a shop or review platform: `id, rating, title, body, product, reviewer, date, ...`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from groundswell.channels.base import AuthorIn, PostIn
from groundswell.channels.common import (
    html_to_text,
    parse_time,
    require_id,
    require_text,
    to_bool,
    to_float,
    to_int,
)
from groundswell.errors import ParseError

CHANNEL = "reviews"

AMAZON_TSV_COLUMNS = frozenset({"review_id", "star_rating"})
AMAZON_2023_FIELDS = frozenset({"rating", "asin", "user_id", "timestamp"})
RATING_FIELDS = ("rating", "star_rating", "stars", "score", "overall")
BODY_FIELDS = ("body", "text", "review", "review_body", "review_text", "content", "comment")
_ID_FIELDS = ("id", "review_id")
_TITLE_FIELDS = ("title", "headline", "review_headline", "summary", "subject")
_PRODUCT_FIELDS = ("product", "product_name", "product_title", "asin", "sku")
_AUTHOR_FIELDS = ("author", "reviewer", "reviewer_name", "author_name", "user_name", "username", "customer")
_AUTHOR_ID_FIELDS = ("author_id", "reviewer_id", "user_id", "customer_id")
_DATE_FIELDS = ("date", "created_at", "review_date", "submitted_at", "published_at", "timestamp")
_REPLY_FIELDS = ("reply_to", "in_reply_to", "parent_id", "parent_review_id")
_OTHER_FIELDS: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "permalink"),
    "brand": ("brand",),
    "location": ("location", "country", "reviewer_location"),
    "language": ("language", "lang"),
}
_VOTE_FIELDS = ("helpful_votes", "helpful_vote", "helpful")
# "4 out of 5 stars", "8/10": a number with the scale it was given on.
_RATING_WITH_SCALE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:out of|/|of)\s*(\d+(?:[.,]\d+)?)")


def review_layout(fields: Mapping[str, Any]) -> str:
    """Which layout a record (or a header) follows, from its lower-cased field names."""
    names = set(fields)
    if names >= AMAZON_TSV_COLUMNS:
        return "amazon_customer_reviews"
    if names >= AMAZON_2023_FIELDS:
        return "amazon_reviews_2023"
    return "export"


def post_from_review(record: Mapping[str, Any]) -> PostIn:
    """The post for one review record, whatever its layout."""
    fields = _lower_keys(record)
    builders: dict[str, Callable[[dict[str, Any]], PostIn]] = {
        "amazon_customer_reviews": _amazon_customer_review,
        "amazon_reviews_2023": _amazon_2023_review,
        "export": _exported_review,
    }
    return builders[review_layout(fields)](fields)


def parse_rating(
    value: object, *, field: str, lowest: float = 0.0, highest: float = 10.0
) -> tuple[float | None, float | None]:
    """The rating and, when the value names it ("4 out of 5"), its scale.

    Ratings live on a 0..5 or a 1..10 scale; anything outside `lowest`..`highest` is a broken
    record, not a very happy or very unhappy customer, so it is refused rather than clamped.
    """
    if value is None or value == "":
        return None, None
    scale: float | None = None
    number = to_float(value)
    if number is None and isinstance(value, str):
        match = _RATING_WITH_SCALE.match(value)
        if match:
            number = float(match.group(1).replace(",", "."))
            scale = float(match.group(2).replace(",", "."))
    if number is None:
        raise ParseError(f"invalid {field} {value!r}: use a number such as 4 or 4.5")
    limit = min(scale or highest, highest)
    if not lowest <= number <= limit:  # also refuses NaN, which compares false with everything
        raise ParseError(
            f"{field} {value!r} is out of range: ratings must lie on a 0..5 or 1..10 scale"
            + (f" (this source uses {lowest:g}..{highest:g})" if highest != 10.0 else "")
        )
    return number, scale


def _lower_keys(record: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise ParseError(f"expected a JSON object for each review, got {type(record).__name__}")
    return {str(k).strip().lower(): _blank_to_none(v) for k, v in record.items()}


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _pick(fields: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = fields.get(name)
        if value is not None:
            return value
    return None


def _text_or_title(body: Any, title: str | None, *, field: str) -> str:
    """The review text; a review with only a headline is still a review, so the headline stands in."""
    if isinstance(body, str) and body.strip():
        return body.strip()
    if title:
        return title
    return require_text(body, field=f"{field} (and no title either)")


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value).strip() or None


def _amazon_customer_review(fields: dict[str, Any]) -> PostIn:
    external_id = require_id(fields.get("review_id"), field="review_id")
    rating, _ = parse_rating(fields.get("star_rating"), field="star_rating", lowest=1.0, highest=5.0)
    if rating is None:
        raise ParseError("missing star_rating: every Amazon review has 1 to 5 stars")
    title = _optional_str(fields.get("review_headline"))
    # The dataset writes line breaks as <br /> and quotes as &#34;.
    body = html_to_text(str(fields["review_body"])) if fields.get("review_body") else None
    customer = _optional_str(fields.get("customer_id"))
    attributes = {
        "layout": "amazon_customer_reviews",
        "marketplace": fields.get("marketplace"),
        "product_id": fields.get("product_id"),
        "product_parent": fields.get("product_parent"),
        "product_category": fields.get("product_category"),
        "helpful_votes": to_int(fields.get("helpful_votes")),
        "total_votes": to_int(fields.get("total_votes")),
        "vine": to_bool(fields.get("vine")),
        "verified_purchase": to_bool(fields.get("verified_purchase")),
    }
    return PostIn(
        channel=CHANNEL,
        external_id=external_id,
        text=_text_or_title(body, title, field="review_body"),
        created_at=parse_time(fields.get("review_date"), field="review_date"),
        author=AuthorIn(external_id=customer, handle=customer) if customer else None,
        title=title,
        product=_optional_str(fields.get("product_title")) or _optional_str(fields.get("product_id")),
        rating=rating,
        attributes=_without_empty(attributes),
    )


def _amazon_2023_review(fields: dict[str, Any]) -> PostIn:
    user_id = require_id(fields.get("user_id"), field="user_id")
    asin = require_id(fields.get("asin"), field="asin")
    timestamp = to_int(fields.get("timestamp"))
    if timestamp is None:
        raise ParseError("missing timestamp: Amazon 2023 reviews carry the time in milliseconds since 1970")
    rating, _ = parse_rating(fields.get("rating"), field="rating", lowest=1.0, highest=5.0)
    title = _optional_str(fields.get("title"))
    body = html_to_text(str(fields["text"])) if fields.get("text") else None
    images = fields.get("images") or []
    attributes = {
        "layout": "amazon_reviews_2023",
        "asin": asin,
        "parent_asin": fields.get("parent_asin"),
        "helpful_votes": to_int(fields.get("helpful_vote")),
        "verified_purchase": to_bool(fields.get("verified_purchase")),
        "images": [_image_url(image) for image in images] if isinstance(images, list) else None,
    }
    return PostIn(
        channel=CHANNEL,
        # The dataset has no review id; one reviewer reviews one product once at a given moment.
        external_id=f"{user_id}:{asin}:{timestamp}",
        text=_text_or_title(body, title, field="text"),
        created_at=parse_time(timestamp, field="timestamp"),
        author=AuthorIn(external_id=user_id, handle=user_id),
        title=title,
        product=asin,
        rating=rating,
        attributes=_without_empty(attributes),
    )


def _image_url(image: Any) -> Any:
    if isinstance(image, dict):
        return image.get("large_image_url") or image.get("medium_image_url") or image.get("small_image_url")
    return image


def _exported_review(fields: dict[str, Any]) -> PostIn:
    external_id = require_id(_pick(fields, _ID_FIELDS), field="id (or review_id)")
    rating_field = next((name for name in RATING_FIELDS if fields.get(name) is not None), "rating")
    rating, scale = parse_rating(fields.get(rating_field), field=rating_field)
    title = _optional_str(_pick(fields, _TITLE_FIELDS))
    reply_to = _optional_str(_pick(fields, _REPLY_FIELDS))
    claimed = {*_ID_FIELDS, *RATING_FIELDS, *_TITLE_FIELDS, *BODY_FIELDS, *_PRODUCT_FIELDS}
    claimed |= {*_AUTHOR_FIELDS, *_AUTHOR_ID_FIELDS, *_DATE_FIELDS, *_REPLY_FIELDS, *_VOTE_FIELDS}
    claimed |= {name for names in _OTHER_FIELDS.values() for name in names} | {"verified_purchase"}
    attributes = {name: value for name, value in fields.items() if name not in claimed and value is not None}
    attributes.update(
        layout="export",
        rating_scale=scale or (10.0 if rating is not None and rating > 5 else None),
        verified_purchase=to_bool(fields.get("verified_purchase")),
        helpful_votes=to_int(_pick(fields, _VOTE_FIELDS)),
    )
    return PostIn(
        channel=CHANNEL,
        external_id=external_id,
        text=_text_or_title(_pick(fields, BODY_FIELDS), title, field="body"),
        created_at=parse_time(_pick(fields, _DATE_FIELDS), field="date"),
        author=_export_author(fields),
        title=title,
        url=_optional_str(_pick(fields, _OTHER_FIELDS["url"])),
        # A shop's answer to a review hangs under it; reviews themselves are one level deep.
        reply_to_external_id=reply_to,
        thread_external_id=reply_to,
        brand=_optional_str(_pick(fields, _OTHER_FIELDS["brand"])),
        product=_optional_str(_pick(fields, _PRODUCT_FIELDS)),
        rating=rating,
        language=_optional_str(_pick(fields, _OTHER_FIELDS["language"])),
        location=_optional_str(_pick(fields, _OTHER_FIELDS["location"])),
        attributes=_without_empty(attributes),
    )


def _export_author(fields: dict[str, Any]) -> AuthorIn | None:
    name = _optional_str(_pick(fields, _AUTHOR_FIELDS))
    author_id = _optional_str(_pick(fields, _AUTHOR_ID_FIELDS))
    if name is None and author_id is None:
        return None
    handle = author_id or str(name)
    return AuthorIn(external_id=handle, handle=handle, display_name=name)


def _without_empty(attributes: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in attributes.items() if value is not None and value != []}
