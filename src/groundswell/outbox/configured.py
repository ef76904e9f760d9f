"""The senders and retry policy the settings describe (GROUNDSWELL_* credentials and outbox settings).

A channel gets a sender only when its credentials are set; its messages then wait in the queue until a
worker that has them runs. The channel modules are imported here, lazily, so that the outbox core never
depends on a client library it does not use.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from groundswell.config import Settings
from groundswell.errors import ConfigurationError
from groundswell.outbox.rules import CHANNELS, RetryPolicy
from groundswell.outbox.senders import Sender

# What each channel needs, for the message that says what to set.
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {
    "x": ("x_user_token",),
    "mastodon": ("mastodon_base_url", "mastodon_access_token"),
    "bluesky": ("bluesky_handle", "bluesky_app_password"),
    "reddit": ("reddit_client_id", "reddit_client_secret", "reddit_username", "reddit_password"),
    "email": ("smtp_host", "smtp_from"),
    # Alert notifications: the URLs come with each message; webhook secrets come from the routes file.
    "webhook": ("alert_routes",),
    "slack": ("alert_routes",),
    "teams": ("alert_routes",),
    # Events to webhook subscriptions: URL and secret live in the database (groundswell.webhooks).
    "event_webhook": (),
}
SUBSCRIPTIONS = "event_webhook"


def _x(s: Settings) -> Sender:
    from groundswell.channels.x.sender import XSender

    return XSender(s.x_user_token or "", base_url=s.x_base_url, user_id=s.x_user_id)


def _mastodon(s: Settings) -> Sender:
    from groundswell.channels.mastodon.sender import MastodonSender

    return MastodonSender(s.mastodon_base_url or "", s.mastodon_access_token or "")


def _bluesky(s: Settings) -> Sender:
    from groundswell.channels.bluesky.sender import BlueskySender

    return BlueskySender(s.bluesky_handle or "", s.bluesky_app_password or "", base_url=s.bluesky_base_url)


def _reddit(s: Settings) -> Sender:
    from groundswell.channels.reddit.sender import RedditSender

    return RedditSender(
        s.reddit_client_id or "", s.reddit_client_secret or "", s.reddit_username or "", s.reddit_password or "",
        user_agent=s.reddit_user_agent, base_url=s.reddit_base_url,
    )  # fmt: skip


def _email(s: Settings) -> Sender:
    # The reply sender, extended to send alert notifications as fresh (unthreaded) messages.
    from groundswell.outbox.alert_email import NotificationSmtpSender

    return NotificationSmtpSender(
        s.smtp_host or "", s.smtp_port, from_address=s.smtp_from or "", username=s.smtp_username,
        password=s.smtp_password, starttls=s.smtp_starttls, use_ssl=s.smtp_ssl,
    )  # fmt: skip


def _notifications(channel: str) -> Callable[[Settings], Sender]:
    def factory(s: Settings) -> Sender:
        from groundswell.outbox.webhooks import notification_sender

        return notification_sender(channel, s.alert_routes)

    return factory


_FACTORIES: dict[str, Callable[[Settings], Sender]] = {
    "x": _x, "mastodon": _mastodon, "bluesky": _bluesky, "reddit": _reddit, "email": _email,
    "webhook": _notifications("webhook"), "slack": _notifications("slack"), "teams": _notifications("teams"),
}  # fmt: skip


def missing_settings(settings: Settings, channel: str) -> list[str]:
    return [f"GROUNDSWELL_{name.upper()}" for name in REQUIRED_SETTINGS[channel] if not getattr(settings, name)]


def configured_senders(
    settings: Settings, channels: Collection[str] | None = None, *, sessions: sessionmaker[Session] | None = None
) -> dict[str, Sender]:
    """A sender for every channel whose credentials are set (among `channels`, when given). Naming a channel
    whose credentials are missing is an error that lists them. With `sessions` (the worker's database), events
    to webhook subscriptions are delivered too; they need no credentials, only the subscriptions' secrets."""
    wanted = list(channels) if channels else list(CHANNELS)
    unknown = [c for c in wanted if c not in _FACTORIES and c != SUBSCRIPTIONS]
    if unknown:
        raise ConfigurationError(
            f"unknown channel(s) {', '.join(unknown)}: the outbox delivers to {', '.join(CHANNELS)}"
        )
    senders: dict[str, Sender] = {}
    for channel in wanted:
        if channel == SUBSCRIPTIONS:
            if sessions is not None:
                senders[channel] = _subscription_sender(sessions)
            elif channels:
                raise ConfigurationError("webhook subscriptions are delivered by a worker over the database")
            continue
        missing = missing_settings(settings, channel)
        if not missing:
            senders[channel] = _FACTORIES[channel](settings)
        elif channels:
            raise ConfigurationError(f"cannot deliver to {channel}: set {', '.join(missing)}")
    if not channels and set(senders) <= {SUBSCRIPTIONS} and not _has_subscriptions(sessions):
        close_senders(senders)
        hints = "; ".join(f"{c}: {', '.join(missing_settings(settings, c))}" for c in CHANNELS if c != SUBSCRIPTIONS)
        raise ConfigurationError(f"no channel has delivery credentials; set them for at least one ({hints})")
    return senders


def _subscription_sender(sessions: sessionmaker[Session]) -> Sender:
    from groundswell.webhooks.sender import subscription_sender

    return subscription_sender(sessions)


def _has_subscriptions(sessions: sessionmaker[Session] | None) -> bool:
    """Whether a worker without any channel credentials still has work: events for active subscriptions."""
    if sessions is None:
        return False
    from groundswell.webhooks.repository import all_subscriptions

    with sessions() as session:
        return bool(all_subscriptions(session, active_only=True))


def close_senders(senders: Mapping[str, Sender]) -> None:
    for sender in senders.values():
        close = getattr(sender, "close", None)
        if callable(close):
            close()


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.outbox_max_attempts,
        base_delay=timedelta(seconds=settings.outbox_base_delay_seconds),
        max_delay=timedelta(seconds=max(settings.outbox_max_delay_seconds, settings.outbox_base_delay_seconds)),
    )


def lease(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.outbox_lease_seconds)
