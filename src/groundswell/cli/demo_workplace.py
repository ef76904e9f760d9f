"""The demo's workplace step: Voltline's teams and people, its routing rules and the shipped reply templates
go into the demo database, intake turns the demo's last days of enriched posts into cases, and three people
may sign in to the web app (an admin, an agent and a manager linked to employees, for the approval path).

The people and rules files ship inside the package (voltline_people.yaml, voltline_rules.yaml), so the demo
works from an installed wheel. Only the last INTAKE_DAYS are taken in: the inbox then looks like a working
day (recent cases, clocks still running) and the step stays short (about a second for the default volume);
older posts stay waiting, as they would before a team starts using groundswell."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.inbox.schemas import IntakeReport

_DEMO = Path(str(resources.files("groundswell.demo")))
VOLTLINE_PEOPLE = _DEMO / "voltline_people.yaml"
VOLTLINE_RULES = _DEMO / "voltline_rules.yaml"

ACTOR = "demo"
INTAKE_DAYS = 2


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str
    employee: str | None
    what: str


# Who signs in to the demo: all three are employees of customer care (voltline_people.yaml), so each may answer;
# the agent has cases of their own, the manager may approve the agent's drafts, and the admin (capacity 0) is
# handed no cases.
ACCOUNTS = (
    ("admin", "admin", "alex.morgan", "Alex Morgan: everything, including administration"),
    ("agent", "agent", "sam.okafor", "Sam Okafor, customer care: answers their cases"),
    ("manager", "manager", "dana.reyes", "Dana Reyes, customer care lead: approves replies"),
)


@dataclass
class WorkplaceReport:
    teams: int = 0
    employees: int = 0
    rules_version: int = 0
    templates: int = 0
    intake: IntakeReport = field(default_factory=IntakeReport)
    intake_since: datetime | None = None
    accounts: list[DemoAccount] = field(default_factory=list)
    seconds: float = 0.0


def set_up_workplace(store: Store, *, end: datetime, password: str | None) -> WorkplaceReport:
    """People, rules, templates and accounts in one transaction, then intake (its own batches). `password`
    is every account's password when given (GROUNDSWELL_DEMO_PASSWORD); otherwise each gets a generated one."""
    from groundswell.inbox.intake import process_posts
    from groundswell.inbox.templates import import_defaults
    from groundswell.people.service import import_people
    from groundswell.routing_store.service import active_ruleset, save_rules
    from groundswell.users.service import create_user

    started = time.perf_counter()
    report = WorkplaceReport(intake_since=end - timedelta(days=INTAKE_DAYS))
    with write_transaction(store.sessions) as session:
        people = import_people(session, document=yaml.safe_load(VOLTLINE_PEOPLE.read_text(encoding="utf-8")),
                               actor=ACTOR, now=end)  # fmt: skip
        report.teams = len(people.teams_created) + len(people.teams_updated) + len(people.teams_unchanged)
        report.employees = sum(len(v) for v in (people.employees_created, people.employees_updated,
                                                 people.employees_unchanged))  # fmt: skip
        rules = save_rules(session, text=VOLTLINE_RULES.read_text(encoding="utf-8"), actor=ACTOR,
                           comment="Voltline demo rules", now=end)  # fmt: skip
        report.rules_version = rules.version
        templates = import_defaults(session, actor=ACTOR, now=end)
        report.templates = len(templates.created) + len(templates.updated) + len(templates.unchanged)
        for username, role, employee, what in ACCOUNTS:
            created = create_user(session, username=username, role=role, password=password,
                                  employee_handle=employee, actor=ACTOR, now=end)  # fmt: skip
            report.accounts.append(DemoAccount(username, role, created.password, employee, what))
    with store.sessions() as session:
        active = active_ruleset(session)
    assert active is not None, "the rules were just saved and activated"
    row, ruleset = active
    report.intake = process_posts(store.sessions, ruleset=ruleset, rules_version=row.version, now=end,
                                  since=report.intake_since)  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


def print_workplace(console: Console, report: WorkplaceReport, *, shared_password: bool) -> None:
    intake = report.intake
    since = f"{report.intake_since:%Y-%m-%d %H:%M} UTC" if report.intake_since else "the start"
    console.print(
        f"\nVoltline at work: {report.teams} teams and {report.employees} employees, routing rules version "
        f"{report.rules_version}, {report.templates} reply templates.\n"
        f"Intake since {since}: {intake.processed:,} posts routed, {intake.opened:,} cases opened "
        f"({intake.assigned:,} assigned, {sum(intake.unassigned.values()):,} waiting in a team queue), "
        f"{intake.attached:,} follow-ups attached, {intake.suppressed:,} needed no answer ({report.seconds:.1f} s).",
        soft_wrap=True,
    )
    title = "Sign in to the web app" + (" (password from GROUNDSWELL_DEMO_PASSWORD)" if shared_password else "")
    table = Table("user", "role", "password", "who", title=title)
    for account in report.accounts:
        shown = "(GROUNDSWELL_DEMO_PASSWORD)" if shared_password else account.password
        table.add_row(account.username, account.role, shown, account.what)
    console.print(table)
