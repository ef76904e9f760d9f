"""Building teams, people, customers and enriched posts in a test database, and the routing rules the case
tests use. Rows are made with the ORM directly: these tests are about cases, not about the people import."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.models import Author, Case, CaseEvent, Conversation, Employee, Enrichment, Post, Team
from groundswell.routing.ruleset import RuleSet, load_rules

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday afternoon
BUSINESS_HOURS = {"timezone": "UTC", "hours": {"mon-fri": "09:00-17:00"}}
NIGHT_SHIFT = {"timezone": "UTC", "hours": {"daily": "22:00-06:00"}}

RULES = """
teams:
  care: {}
  baggage: {location: ORD}
  ghosts: {}
sla_policies:
  standard: {first_response: 1h, resolution: 8h}
rules:
  - name: spam
    when: {keywords: [crypto giveaway]}
    then: {suppress: true}
    stop: true
  - name: lost-things
    when: {intent: lost_item}
    then: {team: baggage, priority: p2, tags: [lost]}
  - name: haunted
    when: {keywords: [ghost]}
    then: {team: ghosts}
  - name: vip
    when: {author_tier: vip}
    then: {approver_role: manager, allow_trainees: false, tags: [vip]}
  - name: everything-else
    fallback: true
    then: {team: care, priority: p3, sla_policy: standard}
"""

_ids = itertools.count(1)


def ruleset() -> RuleSet:
    return load_rules(RULES)


def add_team(
    session: Session, name: str, *, strategy: str = "least_loaded", calendar: dict[str, Any] | None = None
) -> Team:
    team = Team(name=name, strategy=strategy, calendar=calendar, created_at=NOW, updated_at=NOW)
    session.add(team)
    session.flush()
    return team


def add_employee(
    session: Session,
    handle: str,
    team: Team,
    *,
    capacity: int = 5,
    shift: dict[str, Any] | None = None,
    on_leave: bool = False,
    trainee: bool = False,
    skills: dict[str, list[str]] | None = None,
) -> Employee:
    employee = Employee(
        handle=handle, team_id=team.id, max_open_cases=capacity, shift=shift, on_leave=on_leave, trainee=trainee,
        skills=skills or {}, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(employee)
    session.flush()
    return employee


def add_author(session: Session, handle: str, *, channel: str = "x") -> Author:
    author = Author(channel=channel, external_id=handle, handle=handle, first_seen_at=NOW, updated_at=NOW)
    session.add(author)
    session.flush()
    return author


def add_post(
    session: Session,
    author: Author | None,
    text: str,
    *,
    at: datetime = NOW,
    channel: str = "x",
    thread_of: Post | None = None,
    enrichments: dict[str, Any] | None = None,
    attributes: dict[str, Any] | None = None,
) -> Post:
    """A stored post with stored enrichment (language "en" unless `enrichments` says otherwise; pass {} for a
    post that is not enriched yet). `thread_of` puts it in that post's conversation."""
    external_id = f"p{next(_ids)}"
    if thread_of is None:
        conversation = Conversation(channel=channel, root_external_id=external_id, started_at=at, last_post_at=at)
        session.add(conversation)
        session.flush()
        conversation_id = conversation.id
    else:
        conversation_id = thread_of.conversation_id
    post = Post(
        channel=channel, external_id=external_id, conversation_id=conversation_id,
        author_id=author.id if author else None, text=text, created_at=at, raw="{}", source_format="test",
        ingested_at=at, attributes=attributes or {},
    )  # fmt: skip
    session.add(post)
    session.flush()
    for name, value in ({"language": "en"} if enrichments is None else enrichments).items():
        session.add(Enrichment(post_id=post.id, enricher=name, version="test", value=value, enriched_at=at))
    session.flush()
    return post


def care_team(session: Session, *people: str, capacity: int = 5, strategy: str = "least_loaded") -> Team:
    team = add_team(session, "care", strategy=strategy)
    for handle in people:
        add_employee(session, handle, team, capacity=capacity)
    return team


def open_count(session: Session, employee: Employee) -> int:
    stmt = (
        select(func.count())
        .select_from(Case)
        .where(Case.assignee_id == employee.id, Case.status.in_(["new", "open", "waiting_on_customer"]))
    )
    return int(session.execute(stmt).scalar_one())


def events(session: Session, case_id: int) -> list[str]:
    stmt = select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    return list(session.scalars(stmt))


def make_case(
    session: Session,
    *,
    team: Team | None,
    customer: Author | None = None,
    status: str = "new",
    assignee: Employee | None = None,
    priority: str = "p3",
    opened_at: datetime = NOW,
    routing: dict[str, Any] | None = None,
) -> Case:
    """A bare case row (no posts), for assignment tests that need given loads."""
    case = Case(
        status=status, priority=priority, channel="x", customer_id=customer.id if customer else None,
        team_id=team.id if team else None, assignee_id=assignee.id if assignee else None, tags=[],
        routing=routing or {}, opened_at=opened_at, updated_at=opened_at,
    )  # fmt: skip
    session.add(case)
    session.flush()
    return case


def later(**delta: float) -> datetime:
    return NOW + timedelta(**delta)
