"""`groundswell poll <channel>`: fetch new posts from a channel's API with the user's credentials and
store them through the ordinary ingest, once or every --interval seconds.

Credentials come from the command line first, then from the GROUNDSWELL_* settings (environment or
.env), so that secrets need not appear in shell history or process listings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape

from groundswell.channels.polling import Poller
from groundswell.cli.common import DbOption, human, open_store, print_json, stderr
from groundswell.config import Settings, get_settings
from groundswell.errors import ChannelUnavailable, ConfigurationError
from groundswell.ingest.polling import PollReport, poll_source

app = typer.Typer(
    help="Poll a channel's API for new posts and store them, once or every --interval seconds. "
    "Each source resumes where its last poll stopped.",
    no_args_is_help=True,
)

IntervalOption = Annotated[
    float,
    typer.Option("--interval", min=0, help="Seconds between polls; 0 polls once and exits."),
]
MaxPollsOption = Annotated[
    int | None,
    typer.Option(
        "--max-polls",
        min=1,
        help="Stop after this many polls, failed ones included. Default with --interval: until Ctrl-C.",
        show_default=False,
    ),
]
PollJsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON object per poll on stdout (messages go to stderr)."),
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option("--base-url", help="API base URL (for a proxy or a test server).", show_default=False),
]


def _variable(setting: str) -> str:
    return f"{Settings.model_config.get('env_prefix', '')}{setting}".upper()


def _required(value: str | None, option: str, setting: str) -> str:
    """The option's value, else the setting's; a clear error naming both when neither is given."""
    found = value or getattr(get_settings(), setting)
    if not found:
        raise typer.BadParameter(
            f"none given: pass {option}, or set {_variable(setting)} in the environment or .env", param_hint=option
        )
    return str(found)


def _build(make: Callable[[], Poller]) -> Poller:
    """The poller, with an argument it refuses reported as a usage error (exit code 2)."""
    try:
        return make()
    except (ValueError, ConfigurationError) as exc:
        raise typer.BadParameter(exc.message if isinstance(exc, ConfigurationError) else str(exc)) from exc


def _run(poller: Poller, *, interval: float, max_polls: int | None, as_json: bool, db: str | None) -> None:
    if interval == 0 and max_polls is not None and max_polls > 1:
        raise typer.BadParameter("polling more than once needs --interval", param_hint="--max-polls")
    store = open_store(db)
    console = human(as_json)

    def report(result: PollReport) -> None:
        if as_json:
            print_json(result.as_dict())
            return
        counts = result.counts
        console.print(
            f"{datetime.now():%H:%M:%S} {result.source_key}: {counts.read:,} read, {counts.new:,} new, "
            f"{counts.duplicates:,} duplicate(s), {counts.quarantined:,} quarantined",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    def failed(error: ChannelUnavailable, retry_in: float | None) -> None:
        retry = f"; retrying in {retry_in:g}s" if retry_in is not None else ""
        stderr.print(f"[yellow]poll failed:[/] {escape(error.message)}{retry}", soft_wrap=True)

    summary = poll_source(
        store.sessions,
        poller,
        interval=interval,
        max_polls=max_polls,
        on_result=report,
        on_failure=failed,
        batch_size=store.settings.ingest_batch_size,
    )
    if summary.interrupted:
        stderr.print(f"stopped after {summary.polls} poll(s); {summary.counts.new:,} new post(s) stored")
    elif summary.failures and summary.failures == summary.polls:
        raise ChannelUnavailable(f"all {summary.polls} poll(s) of {poller.source_key} failed: {summary.last_error}")


@app.command("x")
def poll_x(
    query: Annotated[str, typer.Option("--query", help="X search query, e.g. '@voltline OR pulsepad'.")],
    bearer_token: Annotated[
        str | None,
        typer.Option(
            "--bearer-token", help="App bearer token. Default: GROUNDSWELL_X_BEARER_TOKEN.", show_default=False
        ),
    ] = None,
    base_url: BaseUrlOption = None,
    interval: IntervalOption = 0.0,
    max_polls: MaxPollsOption = None,
    as_json: PollJsonOption = False,
    db: DbOption = None,
) -> None:
    """Poll X recent search (last 7 days) for new posts matching a query."""
    token = _required(bearer_token, "--bearer-token", "x_bearer_token")
    url = base_url or get_settings().x_base_url
    # Client libraries load only for the channel polled: they cost seconds of start-up for every command.
    from groundswell.channels.x.poller import XSearchPoller

    poller = _build(lambda: XSearchPoller(query, token, base_url=url))
    _run(poller, interval=interval, max_polls=max_polls, as_json=as_json, db=db)


@app.command("mastodon")
def poll_mastodon(
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Instance URL. Default: GROUNDSWELL_MASTODON_BASE_URL.", show_default=False),
    ] = None,
    access_token: Annotated[
        str | None,
        typer.Option(
            "--access-token",
            help="Access token (read scope). Default: GROUNDSWELL_MASTODON_ACCESS_TOKEN.",
            show_default=False,
        ),
    ] = None,
    hashtag: Annotated[str | None, typer.Option("--hashtag", help="Follow a hashtag timeline.")] = None,
    query: Annotated[str | None, typer.Option("--query", help="Follow a status search.")] = None,
    mentions: Annotated[bool, typer.Option("--mentions", help="Follow the account's mentions.")] = False,
    interval: IntervalOption = 0.0,
    max_polls: MaxPollsOption = None,
    as_json: PollJsonOption = False,
    db: DbOption = None,
) -> None:
    """Poll a Mastodon instance: a hashtag, a search, or the mentions of your account."""
    if sum((bool(hashtag), bool(query), mentions)) != 1:
        raise typer.BadParameter("follow exactly one of them", param_hint="--hashtag / --query / --mentions")
    instance = _required(base_url, "--base-url", "mastodon_base_url")
    token = access_token or get_settings().mastodon_access_token
    if mentions:
        token = _required(token, "--access-token", "mastodon_access_token")
    from groundswell.channels.mastodon.poller import MastodonPoller

    poller = _build(
        lambda: MastodonPoller(instance, access_token=token, hashtag=hashtag, query=query, mentions=mentions)
    )
    _run(poller, interval=interval, max_polls=max_polls, as_json=as_json, db=db)


@app.command("bluesky")
def poll_bluesky(
    handle: Annotated[
        str | None,
        typer.Option("--handle", help="Account handle. Default: GROUNDSWELL_BLUESKY_HANDLE.", show_default=False),
    ] = None,
    app_password: Annotated[
        str | None,
        typer.Option(
            "--app-password", help="App password. Default: GROUNDSWELL_BLUESKY_APP_PASSWORD.", show_default=False
        ),
    ] = None,
    query: Annotated[str | None, typer.Option("--query", help="Follow a post search.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Follow one account's feed (handle or DID).")] = None,
    base_url: BaseUrlOption = None,
    interval: IntervalOption = 0.0,
    max_polls: MaxPollsOption = None,
    as_json: PollJsonOption = False,
    db: DbOption = None,
) -> None:
    """Poll Bluesky: a post search or one account's feed."""
    if bool(query) == bool(actor):
        raise typer.BadParameter("follow exactly one of them", param_hint="--query / --actor")
    account = _required(handle, "--handle", "bluesky_handle")
    password = _required(app_password, "--app-password", "bluesky_app_password")
    url = base_url or get_settings().bluesky_base_url
    from groundswell.channels.bluesky.poller import BlueskyPoller

    poller = _build(lambda: BlueskyPoller(account, password, query=query, actor=actor, base_url=url))
    _run(poller, interval=interval, max_polls=max_polls, as_json=as_json, db=db)


@app.command("reddit")
def poll_reddit(
    subreddit: Annotated[str, typer.Option("--subreddit", help="Subreddit to follow, e.g. voltline.")],
    query: Annotated[str | None, typer.Option("--query", help="Only submissions matching this search.")] = None,
    client_id: Annotated[
        str | None,
        typer.Option(
            "--client-id", help="Script app client id. Default: GROUNDSWELL_REDDIT_CLIENT_ID.", show_default=False
        ),
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret", help="Script app secret. Default: GROUNDSWELL_REDDIT_CLIENT_SECRET.", show_default=False
        ),
    ] = None,
    user_agent: Annotated[
        str | None,
        typer.Option("--user-agent", help="User-Agent Reddit asks for. Default: GROUNDSWELL_REDDIT_USER_AGENT."),
    ] = None,
    base_url: BaseUrlOption = None,
    interval: IntervalOption = 0.0,
    max_polls: MaxPollsOption = None,
    as_json: PollJsonOption = False,
    db: DbOption = None,
) -> None:
    """Poll a subreddit's new submissions (or a search) and comments."""
    settings = get_settings()
    app_id = _required(client_id, "--client-id", "reddit_client_id")
    secret = _required(client_secret, "--client-secret", "reddit_client_secret")
    agent = _required(user_agent, "--user-agent", "reddit_user_agent")
    url = base_url or settings.reddit_base_url
    from groundswell.channels.reddit.poller import RedditPoller

    poller = _build(lambda: RedditPoller(app_id, secret, agent, subreddit, query=query, base_url=url))
    _run(poller, interval=interval, max_polls=max_polls, as_json=as_json, db=db)


@app.command("rss")
def poll_rss(
    url: Annotated[str, typer.Argument(help="Feed URL (RSS or Atom).", show_default=False)],
    interval: IntervalOption = 0.0,
    max_polls: MaxPollsOption = None,
    as_json: PollJsonOption = False,
    db: DbOption = None,
) -> None:
    """Poll an RSS or Atom feed; unchanged feeds cost one conditional request."""
    from groundswell.channels.rss.poller import RssPoller

    poller = _build(lambda: RssPoller(url))
    _run(poller, interval=interval, max_polls=max_polls, as_json=as_json, db=db)
