"""Replies on Mastodon with Mastodon.py, as the company account (an access token with write:statuses).

Public: a status in reply (`status_post(..., in_reply_to_id=..., visibility="public")`). Private: a status
with visibility "direct", which reaches only the accounts it mentions, so the recipient's @mention is put
in front when the text lacks it. Each post carries the message's idempotency key (Mastodon.py sends it as
the Idempotency-Key header): Mastodon answers a repeat within an hour with the status it already made.
Past that hour `find_sent` reads the account's recent statuses for the same reply with the same text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import mastodon

from groundswell.channels.common import html_to_text
from groundswell.channels.http import USER_AGENT
from groundswell.errors import ConfigurationError
from groundswell.outbox.senders import (
    OutgoingMessage,
    Receipt,
    RetryableSendError,
    SendError,
    error_for_status,
    same_text,
)

_TIMEOUT_SECONDS = 20
# Statuses read back by find_sent (Mastodon serves at most 40 a page).
_LOOKBACK = 40


class MastodonSender:
    channel = "mastodon"

    def __init__(self, base_url: str, access_token: str) -> None:
        if not base_url or not access_token:
            raise ConfigurationError(
                "replying on Mastodon needs the instance URL and an access token with write:statuses: "
                "set GROUNDSWELL_MASTODON_BASE_URL and GROUNDSWELL_MASTODON_ACCESS_TOKEN"
            )
        self.base_url = base_url.rstrip("/")
        self._api = mastodon.Mastodon(
            api_base_url=self.base_url,
            access_token=access_token,
            version_check_mode="none",
            ratelimit_method="throw",  # the worker schedules the retry; never sleep inside a send
            request_timeout=_TIMEOUT_SECONDS,
            user_agent=USER_AGENT,
        )
        self._account_id: str | None = None

    def send(self, message: OutgoingMessage) -> Receipt:
        try:
            status = self._api.status_post(
                addressed_text(message),
                in_reply_to_id=message.in_reply_to,
                visibility="direct" if message.private else "public",
                idempotency_key=message.idempotency_key,
            )
        except mastodon.MastodonError as exc:
            raise self._error(exc) from exc
        return _receipt(status)

    def find_sent(self, message: OutgoingMessage) -> Receipt | None:
        try:
            if self._account_id is None:
                self._account_id = str(self._api.account_verify_credentials()["id"])
            statuses = self._api.account_statuses(self._account_id, limit=_LOOKBACK, exclude_reblogs=True)
        except mastodon.MastodonError as exc:
            raise self._error(exc) from exc
        wanted = addressed_text(message)
        for status in statuses:
            parent = status.get("in_reply_to_id")
            if (str(parent) if parent is not None else None) != message.in_reply_to:
                continue
            if same_text(wanted, html_to_text(str(status.get("content") or ""))):
                return _receipt(status)
        return None

    def _error(self, exc: mastodon.MastodonError) -> SendError:
        where = self.base_url
        if isinstance(exc, mastodon.MastodonRatelimitError):
            reset = self._api.ratelimit_reset
            wait = datetime.fromtimestamp(reset, UTC) - datetime.now(UTC) if reset else None
            return RetryableSendError(f"rate limited by {where}", retry_after=wait)
        if isinstance(exc, mastodon.MastodonNetworkError):
            return RetryableSendError(f"cannot reach {where}: {exc}")
        status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        detail = exc.args[3] if len(exc.args) > 3 and exc.args[3] else exc
        if status in (401, 403):
            return error_for_status(status, f"{where} refused the access token ({status}): {detail}")
        return error_for_status(status, f"{where} answered {status or 'an error'}: {detail}")


def addressed_text(message: OutgoingMessage) -> str:
    """The text of a direct status must mention its recipient, or nobody receives it."""
    if not message.private or not message.recipient:
        return message.text
    mention = "@" + message.recipient.strip().lstrip("@")
    if mention.lower() in message.text.lower():
        return message.text
    return f"{mention} {message.text}"


def _receipt(status: Any) -> Receipt:
    url = status.get("url") or status.get("uri")
    return Receipt(external_id=str(status["id"]), url=str(url) if url else None)
