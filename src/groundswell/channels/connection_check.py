"""Checking a channel connection from the admin screen: are its settings there, and do its credentials work?

The check makes one harmless authenticated call (who am I) or, for e-mail, opens an SMTP session (and logs in
when a user is set). It never posts anything. Secrets are never returned: only the names of missing settings."""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass

from groundswell.channels import http
from groundswell.config import Settings
from groundswell.errors import ChannelUnavailable, InvalidInput
from groundswell.outbox.configured import REQUIRED_SETTINGS, missing_settings

LIVE_CHECKS = ("x", "mastodon", "email")


@dataclass(frozen=True, slots=True)
class ChannelSetup:
    channel: str
    configured: bool
    missing: tuple[str, ...]  # environment variables still to set
    checkable: bool


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    channel: str
    ok: bool
    detail: str
    elapsed_ms: float


def channel_setups(settings: Settings) -> list[ChannelSetup]:
    return [
        ChannelSetup(channel, not missing, tuple(missing), channel in LIVE_CHECKS)
        for channel in REQUIRED_SETTINGS
        for missing in [missing_settings(settings, channel)]
    ]


def check_connection(settings: Settings, channel: str) -> ConnectionCheck:
    if channel not in REQUIRED_SETTINGS:
        raise InvalidInput(f"unknown channel {channel!r}; choose one of {', '.join(REQUIRED_SETTINGS)}")
    started = time.perf_counter()
    missing = missing_settings(settings, channel)
    if missing:
        ok, detail = False, f"not configured: set {', '.join(missing)}"
    elif channel not in LIVE_CHECKS:
        ok, detail = True, "configured; this channel has no live check (its credentials are used when sending)"
    else:
        try:
            detail = _CHECKS[channel](settings)
            ok = True
        except (ChannelUnavailable, OSError, smtplib.SMTPException) as exc:
            ok, detail = False, str(exc) or type(exc).__name__
    return ConnectionCheck(channel, ok, detail, round((time.perf_counter() - started) * 1000, 1))


def _x(settings: Settings) -> str:
    with http.make_client(settings.x_base_url, {"Authorization": f"Bearer {settings.x_user_token}"}) as client:
        me = http.get(client, "/2/users/me").json()
    return f"signed in as @{me.get('data', {}).get('username', '?')}"


def _mastodon(settings: Settings) -> str:
    headers = {"Authorization": f"Bearer {settings.mastodon_access_token}"}
    with http.make_client(settings.mastodon_base_url or "", headers) as client:
        me = http.get(client, "/api/v1/accounts/verify_credentials").json()
    return f"signed in as @{me.get('acct', '?')}"


def _email(settings: Settings) -> str:
    smtp_class = smtplib.SMTP_SSL if settings.smtp_ssl else smtplib.SMTP
    with smtp_class(settings.smtp_host or "", settings.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        if settings.smtp_starttls and not settings.smtp_ssl and smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        code, _ = smtp.noop()
    return f"SMTP server {settings.smtp_host}:{settings.smtp_port} answers ({code})"


_CHECKS = {"x": _x, "mastodon": _mastodon, "email": _email}
