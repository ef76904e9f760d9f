"""What the X API v2 and v1.1 readers share: text clean-up, language codes, places and URLs."""

from __future__ import annotations

import html
from typing import Any

from groundswell.channels.common import to_float

CHANNEL = "x"
POST_URL = "https://x.com/{handle}/status/{id}"
# X serves any post under this path when the author's handle is unknown (archives without account.js).
ANONYMOUS_POST_URL = "https://x.com/i/web/status/{id}"
PROFILE_URL = "https://x.com/{handle}"

# X tags posts it cannot assign a language to with these codes; they are not languages.
_NOT_LANGUAGES = frozenset({"und", "zxx", "qam", "qct", "qht", "qme", "qst", "art"})


def mapping(value: object) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: optional sub-objects read the same either way."""
    return value if isinstance(value, dict) else {}


def clean_text(text: str) -> str:
    """X escapes &, < and > in tweet text (both API versions); the post should read as written."""
    return html.unescape(text)


def language(code: object) -> str | None:
    if not isinstance(code, str) or not code or code in _NOT_LANGUAGES:
        return None
    return code


def post_url(tweet_id: str, handle: str | None) -> str:
    if handle:
        return POST_URL.format(handle=handle, id=tweet_id)
    return ANONYMOUS_POST_URL.format(id=tweet_id)


def bbox_centre(bbox: object) -> tuple[float | None, float | None]:
    """Latitude and longitude of the centre of a GeoJSON bbox [west, south, east, north]."""
    if not isinstance(bbox, list) or len(bbox) != 4:
        return None, None
    west, south, east, north = (to_float(v) for v in bbox)
    if west is None or south is None or east is None or north is None:
        return None, None
    return (south + north) / 2, (west + east) / 2


def polygon_bbox(polygon: object) -> list[float] | None:
    """The bbox of a v1.1 place's `bounding_box` (a GeoJSON Polygon of [lon, lat] corners)."""
    if not isinstance(polygon, dict):
        return None
    rings = polygon.get("coordinates")
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        return None
    points = [p for p in rings[0] if isinstance(p, list) and len(p) >= 2]
    lons = [v for v in (to_float(p[0]) for p in points) if v is not None]
    lats = [v for v in (to_float(p[1]) for p in points) if v is not None]
    if not lons or not lats:
        return None
    return [min(lons), min(lats), max(lons), max(lats)]


def entity_tags(entities: Any) -> dict[str, list[str]]:
    """Hashtags and mentioned handles, which routing rules match on. v2 uses `tag`/`username`,
    v1.1 uses `text`/`screen_name`."""
    if not isinstance(entities, dict):
        return {}
    found: dict[str, list[str]] = {}
    for key, names in (
        ("hashtags", ("tag", "text")),
        ("mentions", ("username",)),
        ("user_mentions", ("screen_name",)),
    ):
        values = [
            str(item.get(names[0]) or item.get(names[-1]))
            for item in entities.get(key) or []
            if isinstance(item, dict) and (item.get(names[0]) or item.get(names[-1]))
        ]
        if values:
            found["mentions" if key == "user_mentions" else key] = values
    return found
