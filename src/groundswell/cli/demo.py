from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_data_path
from rich.table import Table

from groundswell.analytics.enrichment_summary import enrichment_summary
from groundswell.analytics.store_stats import store_stats
from groundswell.cli.common import Store, open_store, stderr, stdout
from groundswell.cli.demo_report import print_enrichment_summary
from groundswell.cli.demo_ripple import RippleReport, print_ripple, ripple_hints, run_ripple
from groundswell.cli.demo_topics import print_demo_topics, store_demo_topics
from groundswell.cli.demo_workplace import print_workplace, set_up_workplace
from groundswell.cli.enrich_options import TierChoice, TierOption
from groundswell.cli.serve import HostOption, PortOption, serve_store
from groundswell.config import get_settings
from groundswell.demo.loader import DemoLoad, load_demo, reset_database

# Shipped inside the package (the wheel holds only src/groundswell), so the demo works wherever it is installed.
VOLTLINE_TOPICS = Path(str(resources.files("groundswell.demo").joinpath("voltline_topics.yaml")))


def demo(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database for the demo. Default: GROUNDSWELL_DATABASE_URL when set, else a "
            "separate demo.sqlite in your user data directory (recreated each time).",
            show_default=False,
        ),
    ] = None,
    reset: Annotated[bool, typer.Option(help="Wipe a non-SQLite database that already holds posts.")] = False,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed tells the same story.")] = 7,
    volume: Annotated[int, typer.Option(min=100, max=200_000, help="How many posts to generate.")] = 3000,
    enrich: Annotated[
        bool,
        typer.Option(
            "--enrich/--no-enrich",
            help="Enrich the demo posts (sentiment, intent, Voltline topics, urgency, places...) and summarise "
            "what customers say; --no-enrich only stores them.",
        ),
    ] = True,
    tier: TierOption = TierChoice.accurate,
    serve: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help="Serve the web app over the demo database when it is ready."),
    ] = True,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
) -> None:
    """Create a fresh demo database for Voltline, an invented electronics retailer, and fill it with a few
    thousand generated posts across channels over six weeks: questions, complaints, lost items at named
    stores, praise, product ideas, an unexpected use of a product, and a sudden crisis. Then enrich them with
    the bundled models, summarise what customers say, and show the ideas board, each department's insights
    for the last week and the new themes. Then Voltline's teams, people, routing rules and reply templates go in,
    the last two days become cases in the inbox, and an admin, an agent and a manager may sign in (passwords
    printed, or GROUNDSWELL_DEMO_PASSWORD for all three) to the web app it serves. Needs no other service and
    no downloaded data."""
    data_dir = user_data_path("groundswell", appauthor=False)
    settings = get_settings()
    configured = settings.database_url if "database_url" in settings.model_fields_set else None
    url = db or configured or f"sqlite:///{data_dir / 'demo.sqlite'}"
    store = open_store(url, migrate=False)
    reset_database(store.engine, force=reset)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)  # the demo's story ends this hour
    with stdout.status("Generating and ingesting the Voltline demo..."):
        loaded = load_demo(store.sessions, posts_file=data_dir / "demo-posts.jsonl", seed=seed, volume=volume, end=end)
    _print_load(store, loaded)
    ripple = None
    topics = store_demo_topics(store, VOLTLINE_TOPICS, tier=tier.value, train=enrich)
    print_demo_topics(stdout, topics)
    if enrich:
        _enrich_and_summarise(store, tier=tier)
        with stderr.status("Collecting ideas, building department insights and finding new themes..."):
            ripple = run_ripple(store, end=end)
        print_ripple(stdout, ripple)
    with stderr.status("Importing Voltline's people and rules, taking the last days into the inbox..."):
        workplace = set_up_workplace(store, end=end, password=settings.demo_password)
    print_workplace(stdout, workplace, shared_password=settings.demo_password is not None)
    _print_hints(url, loaded, ripple)
    if serve:
        store.engine.dispose()
        serve_store(url, host=host, port=port)
    else:
        stdout.print(f"\nServe the web app: groundswell serve --db {url}", soft_wrap=True)


def _print_load(store: Store, loaded: DemoLoad) -> None:
    with store.sessions() as session:
        stats = store_stats(session)
    table = Table("channel", "posts", title="Voltline demo: posts by channel")
    for channel, count in loaded.by_channel.most_common():
        table.add_row(channel, f"{count:,}")
    stdout.print(table)
    scenarios = Table("what customers are doing", "posts", title="The story in the data")
    for scenario, count in loaded.by_scenario.most_common():
        scenarios.add_row(scenario.replace("_", " "), f"{count:,}")
    stdout.print(scenarios)
    stdout.print(
        f"Stored {stats.posts:,} posts from {stats.authors:,} authors in {stats.conversations:,} conversations "
        f"({loaded.counts.quarantined} quarantined) in {store.engine.url.render_as_string(hide_password=True)}.\n"
        f"The generated posts are in {loaded.posts_file}.",
        soft_wrap=True,
    )


def _enrich_and_summarise(store: Store, *, tier: TierChoice) -> None:
    """Enrich the stored demo posts through the ordinary service, then print what the enrichment says."""
    from groundswell.enrich.pipeline import PipelineSpec
    from groundswell.enrich.service import enrich_stored_posts

    spec = PipelineSpec(tier=tier.value)  # topics: the active version stored by store_demo_topics
    with stderr.status(f"Loading the {tier.value} models to enrich the demo posts...") as status:

        def progress(done: int, total: int) -> None:
            status.update(f"Enriching the demo posts ({tier.value} tier): {done:,} of {total:,}...")

        run = enrich_stored_posts(store.sessions, spec=spec, progress=progress)
    with store.sessions() as session:
        summary = enrichment_summary(session)
    print_enrichment_summary(stdout, summary, run, tier=tier.value)


def _print_hints(url: str, loaded: DemoLoad, ripple: RippleReport | None) -> None:
    more = "".join(f"  {hint}\n" for hint in ripple_hints(url, ripple, loaded.posts_file)) if ripple else ""
    stdout.print(
        "\nTry:\n"
        f"{more}"
        f"  groundswell posts search 'left my' --db {url}\n"
        f"  groundswell posts search 'ChargeDock smoke OR overheating' --db {url}\n"
        f"  groundswell posts search 'time-lapse' --db {url}\n"
        f"  groundswell stats --db {url}\n"
        f"  groundswell enrich --input {loaded.posts_file} --output enriched.jsonl --topics {VOLTLINE_TOPICS}\n"
        f"  groundswell eval sentiment --input {loaded.posts_file} --label-field tone\n"
        "  groundswell models",
        soft_wrap=True,
    )
