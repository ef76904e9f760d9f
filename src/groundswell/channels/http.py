"""The one outbound HTTP client for channels that have no client library of their own (X, RSS).

Timeouts, the User-Agent and the translation of failures into ChannelUnavailable live here, so that
every connector behaves the same when a remote service is slow, refuses credentials or rate-limits.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from groundswell import __version__
from groundswell.errors import ChannelUnavailable

USER_AGENT = f"groundswell/{__version__} (+https://github.com/groundswell)"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)


def make_client(base_url: str = "", headers: dict[str, str] | None = None) -> httpx.Client:
    merged = {"User-Agent": USER_AGENT, **(headers or {})}
    return httpx.Client(base_url=base_url, headers=merged, timeout=DEFAULT_TIMEOUT, follow_redirects=True)


def get(
    client: httpx.Client,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """GET that raises ChannelUnavailable with a useful message on any failure (304 is not one)."""
    try:
        response = client.get(url, params=params, headers=headers)
    except httpx.HTTPError as exc:
        raise ChannelUnavailable(f"cannot reach {url}: {exc}") from exc
    if response.status_code == 429:
        reset = response.headers.get("x-rate-limit-reset") or response.headers.get("retry-after")
        raise ChannelUnavailable(f"rate limited by {response.url.host}; retry after {reset or 'a while'}")
    if response.status_code in (401, 403):
        raise ChannelUnavailable(
            f"{response.url.host} refused the credentials ({response.status_code}): check the token or password"
        )
    if response.status_code >= 400:
        raise ChannelUnavailable(f"{response.url} answered {response.status_code}: {_problem(response)}")
    return response


def _problem(response: httpx.Response) -> str:
    """The useful part of an error body: the API's own message fields when it sent JSON."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        messages = [str(body[k]) for k in ("title", "detail", "error_description", "message") if body.get(k)]
        errors = body.get("errors")
        if isinstance(errors, list):
            messages += [str(e.get("message")) for e in errors if isinstance(e, dict) and e.get("message")]
        if messages:
            return "; ".join(messages)[:500]
    return json.dumps(body, separators=(",", ":"))[:300]
