"""`groundswell reply`: draft replies to cases, ask for approval, approve or reject, and send them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, Store, open_store, print_json, stdout
from groundswell.cli.policy import SEVERITY_COLOURS
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.models import Reply
from groundswell.replies import service
from groundswell.replies.offensive import OffensiveScorer, bundled_offensive_scorer
from groundswell.replies.schemas import ReplyView

app = typer.Typer(help="Draft, approve and send replies to customers.", no_args_is_help=True)

ReplyId = Annotated[int, typer.Argument(help="The reply's id (`groundswell reply list` shows them).")]
By = Annotated[str, typer.Option("--by", help="Your employee handle.", show_default=False)]
TextOption = Annotated[str, typer.Option("--text", help="The reply's text.", show_default=False)]


@app.command("draft")
def draft(
    case_id: Annotated[int, typer.Argument(help="The case to reply on.")],
    by: By,
    text: Annotated[str | None, typer.Option("--text", help="The reply's text (or use --template).")] = None,
    template: Annotated[str | None, typer.Option(help="Start from this response template.")] = None,
    var: Annotated[
        list[str] | None, typer.Option("--var", help="A template variable, name=value (repeatable).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="The template's language (default: the post's).")] = None,
    private: Annotated[bool, typer.Option("--private", help="A direct message instead of a public reply.")] = False,
    in_reply_to: Annotated[
        int | None, typer.Option("--in-reply-to", help="The post answered (default: the customer's latest).")
    ] = None,
    approver: Annotated[
        str | None, typer.Option(help="An employee who may approve this reply whatever their role.")
    ] = None,
    company_contact: Annotated[
        list[str] | None,
        typer.Option(help="The company's own e-mail address, domain or phone number (repeatable): not flagged."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Write a draft reply. It is checked against the publishing policy at once: the findings, and whether
    it needs approval and from whom, are shown."""
    store = open_store(db)
    _run(store, as_json, lambda session: service.draft_reply(
        session, case_id=case_id, author=by, text=text, template=template, variables=_variables(var or []),
        language=language, visibility="private" if private else "public", in_reply_to_post_id=in_reply_to,
        named_approver=approver, company_contacts=tuple(company_contact or ()), scorer=_scorer(store),
    ))  # fmt: skip


@app.command("submit")
def submit(reply_id: ReplyId, by: By, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Ask for approval of your draft."""
    _run(open_store(db), as_json, lambda session: service.submit(session, reply_id=reply_id, by=by))


@app.command("approve")
def approve(reply_id: ReplyId, by: By, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Approve a reply waiting for approval (never your own)."""
    _run(open_store(db), as_json, lambda session: service.approve(session, reply_id=reply_id, by=by))


@app.command("reject")
def reject(
    reply_id: ReplyId,
    by: By,
    reason: Annotated[str, typer.Option("--reason", help="What the author should change.", show_default=False)],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Send a reply back to its author with the reason."""
    _run(open_store(db), as_json, lambda session: service.reject(session, reply_id=reply_id, by=by, reason=reason))


@app.command("edit-approve")
def edit_approve(reply_id: ReplyId, by: By, text: TextOption, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Fix the text of a reply waiting for approval and approve it in one step (the new text is checked)."""
    store = open_store(db)
    _run(store, as_json, lambda session: service.edit_and_approve(
        session, reply_id=reply_id, by=by, text=text, scorer=_scorer(store)
    ))  # fmt: skip


@app.command("revise")
def revise(reply_id: ReplyId, by: By, text: TextOption, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Change the text of your draft (or of your rejected reply, which becomes a draft again)."""
    store = open_store(db)
    _run(store, as_json, lambda session: service.revise(
        session, reply_id=reply_id, by=by, text=text, scorer=_scorer(store)
    ))  # fmt: skip


@app.command("withdraw")
def withdraw(reply_id: ReplyId, by: By, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Take your reply back from approval to change it."""
    _run(open_store(db), as_json, lambda session: service.withdraw(session, reply_id=reply_id, by=by))


@app.command("send")
def send(reply_id: ReplyId, by: By, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Hand an approved reply (or one that needs no approval) to the outbox; the outbox worker delivers it."""
    _run(open_store(db), as_json, lambda session: service.send(session, reply_id=reply_id, by=by))


@app.command("show")
def show(reply_id: ReplyId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """A reply with its findings, who must approve it and why, what can happen next, and its delivery."""
    with open_store(db).sessions() as session:
        view = service.view(session, reply_id)
    if as_json:
        print_json(view.as_json())
    else:
        _print(view)


@app.command("list")
def list_(
    state: Annotated[str | None, typer.Option(help="Only replies in this state, e.g. pending_approval.")] = None,
    case_id: Annotated[int | None, typer.Option("--case", help="Only replies on this case.")] = None,
    author: Annotated[str | None, typer.Option(help="Only replies by this employee.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, newest first.")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Replies, newest first."""
    with open_store(db).sessions() as session:
        views = service.list_views(session, state=state, case_id=case_id, author=author, limit=limit)
    if as_json:
        print_json({"replies": [v.as_json() for v in views]})
        return
    if not views:
        stdout.print("No replies match.")
        return
    table = Table("id", "case", "author", "state", "approver", "findings", "text")
    for v in views:
        role = v.requirement.role if v.requirement else ""
        findings = ", ".join(f.code for f in v.findings)
        short = v.text if len(v.text) <= 60 else v.text[:59] + "…"
        table.add_row(str(v.id), str(v.case_id), v.author, v.state.value, role, findings, escape(short))
    stdout.print(table)


# ---- helpers -------------------------------------------------------------------------------------


def _run(store: Store, as_json: bool, action: Callable[[Any], Reply]) -> None:
    with write_transaction(store.sessions) as session:
        reply_id = action(session).id
    with store.sessions() as session:
        view = service.view(session, reply_id)
    if as_json:
        print_json(view.as_json())
    else:
        _print(view)


def _scorer(store: Store) -> OffensiveScorer:
    return bundled_offensive_scorer(store.settings.models_dir)


def _variables(pairs: list[str]) -> dict[str, str]:
    variables: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"--var {pair!r}: write it as name=value, e.g. --var location=ORD")
        variables[name.strip()] = value
    return variables


def _print(view: ReplyView) -> None:
    stdout.print(
        f"Reply {view.id} on case {view.case_id} by {escape(view.author)} ({view.visibility}): [bold]{view.state}[/]"
    )
    stdout.print(f"  {escape(view.text)}", soft_wrap=True)
    for f in view.findings:
        colour = SEVERITY_COLOURS[f.severity]
        stdout.print(f"  [{colour}]{f.severity.value}[/] {f.code} at {f.span.start}-{f.span.end}: "
                     f"{escape(f.span.excerpt)!r}")  # fmt: skip
        stdout.print(f"      why: {escape(f.why)}\n      do:  {escape(f.what_to_do)}", soft_wrap=True)
    if view.blocked:
        stdout.print("  Blocked: the text must change before it can be approved or sent.")
    if view.requirement is not None:
        named = f" or {view.requirement.named_approver}" if view.requirement.named_approver else ""
        stdout.print(f"  Needs approval by the {view.requirement.role} role{escape(named)}, because: "
                     f"{escape('; '.join(view.requirement.reasons))}", soft_wrap=True)  # fmt: skip
    if view.approved_by:
        stdout.print(f"  Approved by {escape(view.approved_by)}")
    if view.rejection_reason:
        stdout.print(f"  Rejected: {escape(view.rejection_reason)}")
    if view.delivery is not None:
        d = view.delivery
        where = f" as {d.external_id}" if d.external_id else ""
        error = f" (last error: {escape(d.last_error)})" if d.last_error else ""
        stdout.print(f"  Delivery: outbox message {d.message_id} {d.status}{where}{error}")
    if view.next_actions:
        commands = {"edit_and_approve": "edit-approve"}
        stdout.print(f"  Next: {', '.join(commands.get(a, a) for a in view.next_actions)}")
