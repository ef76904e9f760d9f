"""The one outbound HTTP client for channels that have no client library of their own (X, RSS).

Timeouts, the User-Agent and the translation of failures into ChannelUnavailable live here, so that
every connector behaves the same when a remote service is slow, refuses credentials or rate-limits.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from groundswell import __version__
from groundswell.errors import ChannelUnavailable

USER_AGENT = f"groundswell/{__version__} (+https://github.com/groundswell)"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)


def make_client(base_url: str = "", headers: dict[str, str] | None = None) -> httpx.Client:
    merged = {"User-Agent": USER_AGENT, **(headers or {})}
    return httpx.Client(base_url=base_url, headers=merged, timeout=DEFAULT_TIMEOUT, follow_redirects=True)


class HttpFailure(ChannelUnavailable):
    """ChannelUnavailable raised here, with the HTTP status (None when no answer came) so that a caller
    that writes (the outbox) can tell a failure worth retrying from a refusal."""

    def __init__(self, message: str, *, status: int | None, retry_after: str | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.body = body  # the decoded JSON error body, when there was one

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status in (408, 425, 429) or self.status >= 500


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
        raise HttpFailure(f"cannot reach {url}: {exc}", status=None) from exc
    return _checked(response)


def post(
    client: httpx.Client,
    url: str,
    *,
    json: Any = None,
    data: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> httpx.Response:
    """POST (a JSON body or a form) with the same failure translation as `get`. A failure without an answer
    may still have reached the server: callers that create something must look before they repeat it."""
    try:
        response = client.post(url, json=json, data=data, headers=headers, auth=auth or httpx.USE_CLIENT_DEFAULT)
    except httpx.HTTPError as exc:
        raise HttpFailure(f"cannot reach {url}: {exc}", status=None) from exc
    return _checked(response)


def _checked(response: httpx.Response) -> httpx.Response:
    status = response.status_code
    if status < 400:
        return response
    body = _json_or_none(response)
    if status == 429:
        reset = response.headers.get("x-rate-limit-reset") or response.headers.get("retry-after")
        raise HttpFailure(
            f"rate limited by {response.url.host}; retry after {reset or 'a while'}",
            status=status, retry_after=_retry_after(response), body=body,
        )  # fmt: skip
    if status in (401, 403):
        message = f"{response.url.host} refused the credentials ({status}): check the token or password"
        # A 403 also answers a request the account may not make (X: a duplicate, a reply it may not post).
        detail = f" ({problem(response)})" if status == 403 and body else ""
        raise HttpFailure(message + detail, status=status, body=body)
    raise HttpFailure(f"{response.url} answered {status}: {problem(response)}", status=status, body=body)


def _retry_after(response: httpx.Response) -> str | None:
    """Seconds to wait, from Retry-After or from X's x-rate-limit-reset (the epoch second of the reset)."""
    if response.headers.get("retry-after"):
        return str(response.headers["retry-after"])
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.isdigit():
        return str(max(int(reset) - int(time.time()), 1))
    return None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def problem(response: httpx.Response) -> str:
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
