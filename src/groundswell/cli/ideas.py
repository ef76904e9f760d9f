"""`groundswell ideas`: the ideas board from the command line: collect suggestions into ideas, list and show
them, change their status (planned and shipped tell the customers behind them), merge duplicates, vote,
comment, and give an idea to a department."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.cases import NowOption, parse_now
from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stdout
from groundswell.db.engine import write_transaction
from groundswell.ideas import service, views
from groundswell.ideas.rules import DEFAULT_THRESHOLD
from groundswell.ideas.schemas import IdeaSummary, IdeaView, LoopReport

app = typer.Typer(help="Ideas board: suggestions clustered into ideas, with status, owner, votes and comments; "
                  "customers are told when their idea is planned or shipped.", no_args_is_help=True)  # fmt: skip

ByOption = Annotated[
    str, typer.Option("--by", help="Who does this (an employee handle); recorded in the audit log.", show_default=False)
]
IdeaId = Annotated[int, typer.Argument(help="The idea's id.", show_default=False)]


@app.command("collect")
def collect(
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.01, max=1.0, help="Cosine similarity to join an existing idea.")
    ] = DEFAULT_THRESHOLD,
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Put the stored suggestions (intent `suggestion`) that are in no idea yet into the closest idea, or start
    new ones. Run `groundswell enrich run` first so posts carry their intent. Safe to run again."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        report = service.collect_ideas(session, now=parse_now(now), threshold=threshold)
    if as_json:
        print_json(report.model_dump())
        return
    out = human(False)
    out.print(f"{report.posts:,} suggestions: {len(report.created):,} new ideas, "
              f"{sum(report.joined.values()):,} posts joined {len(report.joined):,} existing ideas")  # fmt: skip
    if report.embedded:
        out.print(f"{report.embedded:,} posts had no stored embedding; computed with the bundled encoder")


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option("--status", help="Only ideas with this status.")] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="customers, reach (followers of the customers), trend, votes or newest.")
    ] = "customers",
    merged: Annotated[bool, typer.Option("--merged", help="Also list ideas merged into others.")] = False,
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The ideas board. Trend = posts in the last 7 days against the 7 days before."""
    store = open_store(db)
    with store.sessions() as session:
        ideas = views.list_ideas(session, now=parse_now(now), status=status, sort=sort, include_merged=merged)
    if as_json:
        print_json({"ideas": [i.model_dump(mode="json") for i in ideas]})
        return
    _print_ideas(ideas)


def _print_ideas(ideas: list[IdeaSummary]) -> None:
    table = Table("idea", "status", "customers", "votes", "reach", "trend", "owner", "title")
    for idea in ideas:
        change = idea.trend["change"]
        table.add_row(
            str(idea.id), idea.status, str(idea.customers), str(idea.votes), f"{idea.reach:,}",
            f"{idea.trend['last_7_days']} ({change:+d})", idea.owner or "-", idea.title[:70],
        )  # fmt: skip
    stdout.print(table if ideas else "no ideas yet: `groundswell ideas collect` builds them from suggestions")


@app.command("show")
def show(idea_id: IdeaId, now: NowOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """One idea: title, status, owner, customers, votes, posts, comments and the customers told."""
    store = open_store(db)
    with store.sessions() as session:
        view = views.show_idea(session, idea_id=idea_id, now=parse_now(now))
    if as_json:
        print_json(view.model_dump(mode="json"))
        return
    _print_idea(view)


def _print_idea(view: IdeaView) -> None:
    out = stdout
    merged = f", merged into idea {view.merged_into}" if view.merged_into else ""
    out.print(f"[bold]idea {view.id}[/]: {view.title}")
    out.print(f"{view.status}{merged}; owner {view.owner or '-'}; product {view.product or '-'}; "
              f"topic {view.topic or '-'}")  # fmt: skip
    out.print(f"{view.customers} customers (reach {view.reach:,}), {view.votes} votes, {view.posts} posts; "
              f"key phrases: {', '.join(view.key_phrases) or '-'}")  # fmt: skip
    if view.merged_from:
        out.print(f"duplicates merged in: {', '.join(map(str, view.merged_from))}")
    for post in view.posts_list:
        out.print(f"  [{post.channel}] {post.customer or '?'} {post.created_at:%Y-%m-%d %H:%M}: {post.text[:100]}")
    for comment in view.comments:
        out.print(f"  comment by {comment['author']}: {comment['text']}")
    for note in view.notifications:
        why = f" ({note['reason']})" if note["reason"] else ""
        out.print(f"  told customer {note['author_id']} about {note['status']} on {note['channel']}: "
                  f"{note['outcome']}{why}")  # fmt: skip


@app.command("status")
def status(
    idea_id: IdeaId,
    new_status: Annotated[
        str, typer.Argument(metavar="STATUS", help="under_review, planned, in_progress, shipped or declined.")
    ],
    by: ByOption,
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change an idea's status. Planned and shipped queue a reply to every customer behind it (once each)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        change = service.set_status(session, idea_id=idea_id, status=new_status, by=by, now=parse_now(now))
    if as_json:
        print_json(change.model_dump())
        return
    human(False).print(f"idea {idea_id}: {change.before} -> {change.after}")
    if change.loop is not None:
        _print_loop(change.loop)


def _print_loop(loop: LoopReport) -> None:
    out = human(False)
    out.print(f"customers: {loop.count('queued')} queued (`groundswell outbox deliver` sends them), "
              f"{loop.count('already_told')} already told, {loop.count('unreachable')} unreachable")  # fmt: skip
    for note in loop.notified:
        if note.outcome == "unreachable":
            out.print(f"  [yellow]{note.customer} on {note.channel}: {note.reason}[/]")


@app.command("merge")
def merge(
    idea_id: IdeaId,
    into_id: Annotated[int, typer.Argument(metavar="INTO", help="The original idea.", show_default=False)],
    by: ByOption,
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Merge a duplicate idea into the original: its customers, votes and comments move there."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        result = service.merge(session, idea_id=idea_id, into_id=into_id, by=by, now=parse_now(now))
    if as_json:
        print_json(result)
        return
    human(False).print(f"idea {idea_id} merged into {into_id}: {result['posts']} posts and {result['votes']} votes "
                       f"moved ({result['duplicate_votes']} duplicate votes dropped)")  # fmt: skip
    if result["loop"] is not None:
        _print_loop(LoopReport.model_validate(result["loop"]))


@app.command("vote")
def vote(
    idea_id: IdeaId, by: ByOption, now: NowOption = None, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Vote for an idea as an employee (once)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        row = service.vote(session, idea_id=idea_id, by=by, now=parse_now(now))
        shown: dict[str, Any] = {"idea_id": idea_id, "voter": row.voter, "vote_id": row.id}
    _done(shown, f"{by} voted for idea {idea_id}", as_json)


@app.command("comment")
def comment(
    idea_id: IdeaId,
    text: Annotated[str, typer.Argument(help="The comment (internal).", show_default=False)],
    by: ByOption,
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Comment on an idea (employees; internal, never sent to customers)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        row = service.comment(session, idea_id=idea_id, text=text, by=by, now=parse_now(now))
        shown = {"idea_id": idea_id, "comment_id": row.id, "author": row.author}
    _done(shown, f"comment added to idea {idea_id}", as_json)


@app.command("owner")
def owner(
    idea_id: IdeaId,
    department: Annotated[str, typer.Argument(help="The department's name.", show_default=False)],
    by: ByOption,
    now: NowOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Give an idea to a department (created with that name if it does not exist yet)."""
    store = open_store(db)
    with write_transaction(store.sessions) as session:
        row = service.set_owner(session, idea_id=idea_id, department=department, by=by, now=parse_now(now))
        shown = {"idea_id": idea_id, "department_id": row.id, "department": row.name}
    _done(shown, f"idea {idea_id} is owned by {shown['department']}", as_json)


def _done(value: dict[str, Any], message: str, as_json: bool) -> None:
    if as_json:
        print_json(value)
    else:
        human(False).print(message)
