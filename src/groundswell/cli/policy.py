"""`groundswell policy`: run the governance checks on a draft reply from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from groundswell.cli.common import JsonOption, print_json, stdout
from groundswell.errors import InvalidInput
from groundswell.governance.policy import blocking, check_draft, needing_approval
from groundswell.governance.schemas import PolicyContext, Severity, Visibility

SEVERITY_COLOURS = {Severity.BLOCK: "red", Severity.REQUIRE_APPROVAL: "yellow", Severity.WARN: "cyan"}

app = typer.Typer(help="Check draft replies against the company's publishing rules.", no_args_is_help=True)


@app.command("check")
def check(
    text: Annotated[str, typer.Option("--text", help="The draft reply to check.")],
    public: Annotated[
        bool, typer.Option("--public/--private", help="A public reply (default) or a private direct message.")
    ] = True,
    author_paid_advocate: Annotated[
        bool,
        typer.Option(
            "--author-paid-advocate",
            "--author-influencer",
            help="The author is paid by the brand (an ambassador, a sponsored influencer): a disclosure is required.",
        ),
    ] = False,
    customer_sentiment: Annotated[
        str | None, typer.Option(help="The customer's sentiment, e.g. negative: cheerful replies are flagged.")
    ] = None,
    customer_emotion: Annotated[str | None, typer.Option(help="The customer's emotion, e.g. anger.")] = None,
    offensive_score: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="An offensive-language classifier's score for the draft.")
    ] = None,
    offensive_model: Annotated[
        bool,
        typer.Option(
            "--offensive-model",
            help="Score the draft with the bundled offensive-language classifier (or the models in "
            "GROUNDSWELL_MODELS_DIR) instead of giving --offensive-score.",
        ),
    ] = False,
    company_contact: Annotated[
        list[str] | None,
        typer.Option(help="The company's own e-mail address, domain or phone number (repeatable): not flagged."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a draft reply for personal data, profanity, commitments, tone and missing disclosures, and say
    whether it is blocked or needs approval. Exits with 0 whether or not anything is found."""
    if offensive_model:
        if offensive_score is not None:
            raise InvalidInput("give --offensive-score or --offensive-model, not both")
        from groundswell.config import get_settings
        from groundswell.replies.offensive import bundled_offensive_scorer

        offensive_score = round(bundled_offensive_scorer(get_settings().models_dir)(text), 4)
    context = PolicyContext(
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        author_is_paid_advocate=author_paid_advocate,
        customer_sentiment=customer_sentiment,
        customer_emotion=customer_emotion,
        offensive_score=offensive_score,
        company_contacts=tuple(company_contact or ()),
    )
    findings = check_draft(text, context)
    blocked = bool(blocking(findings))
    requires_approval = bool(needing_approval(findings))
    if as_json:
        print_json(
            {
                "findings": [f.model_dump(mode="json") for f in findings],
                "requires_approval": requires_approval,
                "blocked": blocked,
                "offensive_score": offensive_score,
            }
        )
        return
    if offensive_model:
        stdout.print(f"Offensive-language score: {offensive_score:.2f}")
    if not findings:
        stdout.print("No findings: the draft may be sent as it is.")
        return
    stdout.print(f"{len(findings)} finding(s)")
    for f in findings:
        colour = SEVERITY_COLOURS[f.severity]
        stdout.print(
            f"[{colour}]{f.severity.value}[/] {f.code} at {f.span.start}-{f.span.end}: {escape(f.span.excerpt)!r}"
        )
        stdout.print(f"    why: {escape(f.why)}\n    do:  {escape(f.what_to_do)}", soft_wrap=True)
    if blocked:
        stdout.print("Blocked: change the text; no approval can clear a block.")
    elif requires_approval:
        stdout.print("Needs approval before it is sent.")
