"""The `groundswell` command: one Typer root with a sub-app or command per area."""

from __future__ import annotations

import logging
import sys

import typer

from groundswell import __version__
from groundswell.cli import alerts as alerts_cli
from groundswell.cli import audit, db, enrich, label, policy, poll, posts, quarantine, train
from groundswell.cli import cases as cases_cli
from groundswell.cli import departments as departments_cli
from groundswell.cli import ideas as ideas_cli
from groundswell.cli import incidents as incidents_cli
from groundswell.cli import insights as insights_cli
from groundswell.cli import lost_found as lost_found_cli
from groundswell.cli import outbox as outbox_cli
from groundswell.cli import people as people_cli
from groundswell.cli import reply as reply_cli
from groundswell.cli import rules as rules_cli
from groundswell.cli import sla as sla_cli
from groundswell.cli import templates as templates_cli
from groundswell.cli import topics as topics_cli
from groundswell.cli import users as users_cli
from groundswell.cli import webhooks as webhooks_cli
from groundswell.cli.common import stderr
from groundswell.cli.demo import demo
from groundswell.cli.eval import eval_command
from groundswell.cli.ingest import ingest
from groundswell.cli.models import models_command
from groundswell.cli.route import route_command
from groundswell.cli.serve import serve
from groundswell.cli.stats import stats
from groundswell.errors import GroundswellError

app = typer.Typer(
    name="groundswell",
    help="Listen to what customers say in public, understand it, route it to the right employee, "
    "answer in public under your rules, and measure what it is worth.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(posts.app, name="posts")
app.add_typer(quarantine.app, name="quarantine")
app.add_typer(poll.app, name="poll")
app.add_typer(policy.app, name="policy")
app.add_typer(audit.app, name="audit")
app.add_typer(reply_cli.app, name="reply")
app.add_typer(label.app, name="label")
app.add_typer(enrich.app, name="enrich")
app.add_typer(train.app, name="train")
app.add_typer(people_cli.app, name="people")
app.add_typer(people_cli.teams_app, name="teams")
app.add_typer(rules_cli.app, name="rules")
app.add_typer(cases_cli.app, name="cases")
app.add_typer(sla_cli.app, name="sla")
app.add_typer(lost_found_cli.app, name="lost-found")
app.add_typer(templates_cli.app, name="templates")
app.add_typer(topics_cli.app, name="topics")
app.add_typer(outbox_cli.app, name="outbox")
app.add_typer(alerts_cli.app, name="alerts")
app.add_typer(incidents_cli.app, name="incidents")
app.add_typer(insights_cli.app, name="insights")
app.add_typer(departments_cli.app, name="departments")
app.add_typer(ideas_cli.app, name="ideas")
app.add_typer(users_cli.app, name="users")
app.add_typer(webhooks_cli.app, name="webhooks")
app.command("ingest")(ingest)
app.command("stats")(stats)
app.command("demo")(demo)
app.command("eval")(eval_command)
app.command("models")(models_command)
app.command("route")(route_command)
app.command("serve")(serve)


def _version(value: bool) -> None:
    if value:
        print(f"groundswell {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details to stderr."),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def run() -> None:
    """Entry point: user errors print a clear message and exit with 2, never a traceback."""
    try:
        app()
    except GroundswellError as exc:
        stderr.print(f"[red]error:[/] {exc.message}")
        sys.exit(2)
