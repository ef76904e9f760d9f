"""The one place that reads the environment: every setting has the GROUNDSWELL_ prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    data_dir = user_data_path("groundswell", appauthor=False)
    return f"sqlite:///{data_dir / 'groundswell.sqlite'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GROUNDSWELL_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    # Posts per transaction during ingest: large enough to amortise commits, small enough that a
    # crash repeats little work.
    ingest_batch_size: int = Field(default=2000, ge=1, le=50_000)
    # SQLite page cache per connection; large ingests slow down once their indexes outgrow it.
    sqlite_cache_mib: int = Field(default=256, ge=2, le=65_536)
    # Channel names accepted besides the built-in ones (comma-separated), for in-house sources.
    extra_channels: str = ""
    # A naive timestamp (no offset) is read in this zone.
    default_timezone: str = "UTC"
    demo_password: str | None = None

    # Credentials for live polling; each can also be given on the command line.
    mastodon_base_url: str | None = None
    mastodon_access_token: str | None = None
    bluesky_base_url: str = "https://bsky.social"
    bluesky_handle: str | None = None
    bluesky_app_password: str | None = None
    reddit_client_id: str | None = None
    reddit_client_secret: str | None = None
    reddit_user_agent: str = "groundswell/0.1 (social listening)"
    reddit_base_url: str | None = None
    x_bearer_token: str | None = None
    x_base_url: str = "https://api.x.com"

    # Delivery of replies (the outbox). Posting needs the company account's own credentials: an X OAuth 2.0
    # user access token (tweet.write, users.read, dm.write, dm.read), the Reddit account of a "script" app,
    # an SMTP relay; Mastodon and Bluesky reuse the credentials above.
    x_user_token: str | None = None
    x_user_id: str | None = None  # the account's numeric id; looked up with /2/users/me when not set
    reddit_username: str | None = None
    reddit_password: str | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None  # the From address of e-mail replies, e.g. "Voltline Care <care@voltline.example>"
    smtp_starttls: bool = True  # upgrade the connection with STARTTLS before logging in (port 587)
    smtp_ssl: bool = False  # TLS from the first byte instead (port 465)
    outbox_max_attempts: int = Field(default=8, ge=1, le=100)
    outbox_base_delay_seconds: float = Field(default=30.0, gt=0)
    outbox_max_delay_seconds: float = Field(default=3600.0, gt=0)
    outbox_lease_seconds: float = Field(default=300.0, gt=0)
    # Alert notifications: the routing file (targets, routes, escalation; see groundswell.alerts.routes) and
    # the address of the web UI, for links in Slack/Teams messages when the file sets no base_url.
    alert_routes: Path | None = None
    alert_base_url: str | None = None

    # A folder of enrichment models (the layout `groundswell train` writes) used instead of the bundled ones.
    models_dir: Path | None = None
    # Threads per ONNX inference session; 0 lets onnxruntime use every core.
    inference_threads: int = Field(default=0, ge=0, le=256)

    require_shared: bool = False
    shared_data_dir: Path | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
