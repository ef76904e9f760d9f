"""Turning stored, enriched posts into cases.

Posts that are in no case, not suppressed, and have at least one stored enrichment are taken in creation
order (created_at, then id). Each one is routed with the given rules (`groundswell.routing.rules.route` over
the same record `groundswell route` reads, see `inbox.post_input`), then:

1. suppressed by the rules: no case; the decision is kept in `suppressed_posts` with the rules that fired;
2. a follow-up (a post in the conversation of an open case, or by a customer with an open case on the same
   channel): attached to that case; a case waiting on the customer becomes open again;
3. the customer's resolved or closed case whose last activity is within the reopen window before the post:
   reopened, with the post attached; its owner keeps it if they can take it now;
4. otherwise a new case with the decision's team, priority, tags, SLA policy and approval requirement and the
   decision itself (`inbox.case_routing`); its SLA clocks start at the post's time, a lost_item intent
   makes a lost-and-found case, and it is assigned (or left in the team queue, saying why).

Batches run in their own transactions, and a post is done once it has a case_posts or suppressed_posts row
(both unique per post), so a run that dies mid-way keeps every finished batch, loses the unfinished one
whole, and the next run picks up exactly the posts still to do: nothing is lost and nothing doubles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from groundswell.db.engine import write_transaction
from groundswell.errors import ConfigurationError
from groundswell.governance import audit_log
from groundswell.inbox import lost_found, repository, sla_service
from groundswell.inbox.assignment import assign_case
from groundswell.inbox.case_routing import SUBJECT_CHARS, routing_record, sla_record
from groundswell.inbox.post_input import stored_routing_input
from groundswell.inbox.repository import record_event
from groundswell.inbox.schemas import OPEN_STATUSES, CaseKind, CaseStatus, EventKind, IntakeReport
from groundswell.inbox.status import apply_status
from groundswell.models import Author, Case, CasePost, Post, SuppressedPost
from groundswell.people import repository as people_repository
from groundswell.people.snapshots import team_point
from groundswell.routing.assignment import AssignmentResult, Strategy
from groundswell.routing.calendar import BusinessCalendar
from groundswell.routing.rules import route
from groundswell.routing.ruleset import RuleSet
from groundswell.routing.schemas import Priority, RoutingDecision, RoutingInput
from groundswell.routing.schemas import Team as RoutingTeam
from groundswell.routing.sla import SlaPolicy, policy_calendar
from groundswell.webhooks import events as webhook_events
from groundswell.webhooks import service as webhook_service

DEFAULT_REOPEN_WINDOW = timedelta(days=7)
DEFAULT_BATCH_SIZE = 200
LOST_ITEM_INTENT = "lost_item"
SYSTEM = "system"
_OPEN = {s.value for s in OPEN_STATUSES}


@dataclass(frozen=True)
class IntakeSettings:
    ruleset: RuleSet
    rules_version: int | None = None
    reopen_window: timedelta = DEFAULT_REOPEN_WINDOW
    actor: str = SYSTEM


def process_posts(
    sessions: sessionmaker[Session],
    *,
    ruleset: RuleSet,
    rules_version: int | None = None,
    now: datetime | None = None,
    reopen_window: timedelta = DEFAULT_REOPEN_WINDOW,
    batch_size: int = DEFAULT_BATCH_SIZE,
    after_batch: Callable[[IntakeReport], None] | None = None,
    since: datetime | None = None,
) -> IntakeReport:
    """Take in every waiting post written up to `now`, `batch_size` posts per transaction (later posts wait
    for a later run, so replaying history with an earlier `now` sees only what had been written by then).
    `after_batch` is called with the running totals after each committed batch (progress; tests raise from it
    to simulate a crash between batches). With `since`, posts written before it are left waiting (the demo
    takes in only its last days)."""
    now = now or datetime.now(UTC)
    settings = IntakeSettings(ruleset=ruleset, rules_version=rules_version, reopen_window=reopen_window)
    total = IntakeReport()
    cursor: tuple[datetime, int] | None = None
    while True:
        batch = IntakeReport()
        with write_transaction(sessions) as session:
            posts = repository.pending_posts(session, after=cursor, limit=batch_size, until=now, since=since)
            if posts:
                take_in_posts(session, posts=posts, settings=settings, now=now, report=batch)
                cursor = (posts[-1].created_at, posts[-1].id)
        if not posts:
            break
        batch.batches = 1
        _add(total, batch)  # only once the batch has committed
        if after_batch is not None:
            after_batch(total)
    with sessions() as session:
        total.waiting_for_enrichment = repository.count_unenriched(session)
    return total


def _add(total: IntakeReport, batch: IntakeReport) -> None:
    for name, value in batch:
        if isinstance(value, int):
            setattr(total, name, getattr(total, name) + value)
        elif isinstance(value, dict):
            merged = getattr(total, name)
            for key, count in value.items():
                merged[key] = merged.get(key, 0) + count


def take_in_posts(
    session: Session, *, posts: list[Post], settings: IntakeSettings, now: datetime, report: IntakeReport
) -> None:
    """Take in the given posts, in order, within the caller's transaction."""
    authors = repository.authors_by_id(session, [p.author_id for p in posts if p.author_id is not None])
    enrichments = repository.post_enrichments(session, [p.id for p in posts])
    intake = _Intake(session, settings=settings, now=now, report=report)
    for post in posts:
        author = authors.get(post.author_id) if post.author_id is not None else None
        intake.take_in(post, author, enrichments[post.id])


class _Intake:
    def __init__(self, session: Session, *, settings: IntakeSettings, now: datetime, report: IntakeReport) -> None:
        self.session, self.settings, self.now, self.report = session, settings, now, report
        self.ruleset = settings.ruleset
        self.db_teams = people_repository.teams_by_name(session)
        # Teams the rules define win; teams only in the database join them, so that nearest_team can see them.
        stored = {name: RoutingTeam(name=name, location=team_point(row)) for name, row in self.db_teams.items()}
        self.route_teams = stored | dict(self.ruleset.teams)
        # Read once per batch: every new case is announced to them (`webhooks.events.case_created`).
        self.webhook_subscriptions = webhook_service.active_subscriptions(session)

    def take_in(self, post: Post, author: Author | None, enrichments: dict[str, Any]) -> None:
        signals = stored_routing_input(post, author, enrichments)
        decision = route(signals, self.ruleset, self.route_teams)
        self.report.processed += 1
        if decision.suppressed:
            self._suppress(post, decision)
            return
        posted_at = min(post.created_at, self.now)
        follow_up = self._open_case_for(post)
        if follow_up is not None:
            self._attach(follow_up, post)
            self.report.attached += 1
            return
        done = self._reopenable_case_for(post, posted_at)
        if done is not None:
            self._reopen(done, post)
            self.report.reopened += 1
            return
        self._open_case(post, decision, signals, enrichments, posted_at)

    # --- which case ------------------------------------------------------------------------------------

    def _open_case_for(self, post: Post) -> Case | None:
        in_thread = repository.latest_case_of_conversation(self.session, post.conversation_id)
        if in_thread is not None:
            in_thread = repository.survivor(self.session, in_thread)
            if in_thread.status in _OPEN:
                return in_thread
        if post.author_id is None:
            return None
        return repository.open_case_of_customer(self.session, customer_id=post.author_id, channel=post.channel)

    def _reopenable_case_for(self, post: Post, posted_at: datetime) -> Case | None:
        since = posted_at - self.settings.reopen_window
        in_thread = repository.latest_case_of_conversation(self.session, post.conversation_id)
        if in_thread is not None:
            in_thread = repository.survivor(self.session, in_thread)
            if in_thread.status not in _OPEN and _last_activity(in_thread) >= since:
                return in_thread
        if post.author_id is None:
            return None
        return repository.recent_done_case_of_customer(
            self.session, customer_id=post.author_id, channel=post.channel, since=since
        )

    # --- what to do with it ------------------------------------------------------------------------------

    def _suppress(self, post: Post, decision: RoutingDecision) -> None:
        rules = [fired.rule for fired in decision.explanation if any("suppress" in a for a in fired.actions)]
        rule = rules[-1] if rules else (decision.stopped_by or "(unknown rule)")
        reason = f"suppressed by rule {rule}"
        routing = {"rules_version": self.settings.rules_version, "decision": decision.model_dump(mode="json")}
        self.session.add(SuppressedPost(post_id=post.id, reason=reason, routing=routing, suppressed_at=self.now))
        self.session.flush()
        self.report.suppressed += 1
        self.report.suppressed_by_rule[rule] = self.report.suppressed_by_rule.get(rule, 0) + 1

    def _link(self, case: Case, post: Post) -> None:
        self.session.add(CasePost(case_id=case.id, post_id=post.id, added_at=self.now))
        latest = case.last_customer_post_at
        case.last_customer_post_at = post.created_at if latest is None else max(latest, post.created_at)
        self.session.flush()

    def _attach(self, case: Case, post: Post) -> None:
        actor = self.settings.actor
        self._link(case, post)
        data = {"post_id": post.id, "external_id": post.external_id}
        record_event(self.session, case=case, kind=EventKind.CUSTOMER_POST, actor=actor, data=data, at=self.now)
        audit_log.append(self.session, actor=actor, action="case.attach_post", entity="case", entity_id=case.id,
                         after=data, at=self.now)  # fmt: skip
        if case.status == CaseStatus.WAITING_ON_CUSTOMER.value:
            apply_status(self.session, case=case, new=CaseStatus.OPEN, actor=actor, at=self.now,
                         data={"why": "the customer wrote again", "post_id": post.id})  # fmt: skip

    def _reopen(self, case: Case, post: Post) -> None:
        owner = None
        if case.assignee_id is not None:
            owner = repository.employee_handles(self.session, [case.assignee_id]).get(case.assignee_id)
        why = {"post_id": post.id, "why": "the customer wrote again within the reopen window"}
        apply_status(self.session, case=case, new=CaseStatus.OPEN, actor=self.settings.actor, at=self.now, data=why)
        self._attach(case, post)
        result = assign_case(self.session, case=case, now=self.now, current_owner=owner, why="reopened")
        self._count_assignment(result)

    def _open_case(
        self, post: Post, decision: RoutingDecision, signals: RoutingInput, enrichments: dict[str, Any], at: datetime
    ) -> None:
        team = self.db_teams.get(decision.team) if decision.team else None
        intents = {i.casefold() for i in signals.intent}
        case = Case(
            kind=(CaseKind.LOST_ITEM if LOST_ITEM_INTENT in intents else CaseKind.GENERAL).value,
            status=CaseStatus.NEW.value, priority=(decision.priority or Priority.P3).value, channel=post.channel,
            brand=post.brand, subject=(post.title or post.text)[:SUBJECT_CHARS], customer_id=post.author_id,
            team_id=team.id if team else None, tags=list(decision.tags), sla_policy=decision.sla_policy,
            requires_approval=decision.requires_approval, approver_role=decision.approver_role,
            routing=routing_record(decision, signals, rules_version=self.settings.rules_version),
            opened_at=at, last_customer_post_at=post.created_at, updated_at=self.now,
        )  # fmt: skip
        self.session.add(case)
        self.session.flush()
        sla = self._sla(case, decision)
        if isinstance(sla, tuple):
            case.routing = {**case.routing, "sla": sla_record(*sla)}
        self._link(case, post)
        self._record_opened(case, post, decision)
        self.report.opened += 1
        team_name = decision.team or "(no team)"
        self.report.by_team[team_name] = self.report.by_team.get(team_name, 0) + 1
        if case.kind == CaseKind.LOST_ITEM.value:
            self._open_lost_item(case, post, enrichments)
        self._start_clocks(case, sla, at)
        if team is None:
            why = (f"the rules chose team {decision.team}, which is not set up (import the people file)"
                   if decision.team else "the rules chose no team")  # fmt: skip
            result = AssignmentResult(None, Strategy.LEAST_LOADED, why)
            record_event(self.session, case=case, kind=EventKind.QUEUED, actor=self.settings.actor,
                         data={"reason": why, "rejected": {}}, at=self.now)  # fmt: skip
        else:
            result = assign_case(self.session, case=case, now=self.now, actor=self.settings.actor)
        self._count_assignment(result)

    def _record_opened(self, case: Case, post: Post, decision: RoutingDecision) -> None:
        data = {
            "post_id": post.id,
            "team": decision.team,
            "priority": case.priority,
            "rules": decision.fired_rules,
            "rules_version": self.settings.rules_version,
        }
        record_event(self.session, case=case, kind=EventKind.CREATED, actor=self.settings.actor, data=data,
                     at=case.opened_at)  # fmt: skip
        audit_log.append(self.session, actor=self.settings.actor, action="case.open", entity="case",
                         entity_id=case.id, after=data | {"kind": case.kind}, at=self.now)  # fmt: skip
        webhook_events.case_created(self.session, case=case, post_id=post.id, at=self.now,
                                    subscriptions=self.webhook_subscriptions)  # fmt: skip

    def _count_assignment(self, result: AssignmentResult) -> None:
        if result.employee is not None:
            self.report.assigned += 1
            return
        why = unassigned_category(result)
        self.report.unassigned[why] = self.report.unassigned.get(why, 0) + 1

    # --- SLA and lost-and-found ----------------------------------------------------------------------------

    def _sla(self, case: Case, decision: RoutingDecision) -> tuple[SlaPolicy, BusinessCalendar] | str | None:
        """The policy and the calendar its clocks run on (the policy's own, else the team's stored hours, else
        the calendar the rules give the team); a reason when they cannot start; None without a policy."""
        if decision.sla_policy is None:
            return None
        policy = self.ruleset.sla_policies.get(decision.sla_policy)
        if policy is None:
            return f"SLA policy {decision.sla_policy} is not defined in the routing rules"
        try:
            return policy, sla_service.calendar_for_case(
                self.session, case=case, policy=policy, calendars=self.ruleset.calendars
            )
        except ConfigurationError as exc:
            rules_team = self.ruleset.teams.get(decision.team) if decision.team else None
            if rules_team is None or rules_team.calendar is None:
                return exc.message
        return policy, policy_calendar(policy, self.ruleset.calendars, rules_team.calendar)

    def _start_clocks(self, case: Case, sla: tuple[SlaPolicy, BusinessCalendar] | str | None, at: datetime) -> None:
        if isinstance(sla, tuple):
            sla_service.start_clocks(self.session, case=case, policy=sla[0], calendar=sla[1], now=at)
        elif isinstance(sla, str):
            record_event(self.session, case=case, kind=EventKind.SLA_NOT_STARTED, actor=self.settings.actor,
                         data={"reason": sla}, at=self.now)  # fmt: skip
            self.report.sla_not_started += 1

    def _open_lost_item(self, case: Case, post: Post, enrichments: dict[str, Any]) -> None:
        found = enrichments.get("locations")
        places = [place for place in found if isinstance(place, dict)] if isinstance(found, list) else []
        lost_found.open_lost_item(
            self.session, case=case, post_text=post.text, places=places, now=self.now, actor=self.settings.actor
        )
        self.report.lost_items += 1


def _last_activity(case: Case) -> datetime:
    moments = [t for t in (case.last_customer_post_at, case.resolved_at, case.closed_at) if t is not None]
    return max(moments) if moments else case.opened_at


REASON_KINDS = ("on leave", "off shift", "at capacity", "trainee", "in team")


def unassigned_category(result: AssignmentResult) -> str:
    """A short, countable reason: "nobody can take it: off shift, at capacity" rather than every name."""
    if not result.rejected:
        return result.reason
    kinds = sorted({kind for reasons in result.rejected.values() for r in reasons for kind in REASON_KINDS
                    if r.startswith(kind)})  # fmt: skip
    return "nobody can take it: " + ", ".join(kinds)
