"""Intake: stored, enriched posts become cases (new, follow-up, reopen, suppressed), exactly once each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.governance import audit_log
from groundswell.inbox import intake, service
from groundswell.inbox.intake import process_posts
from groundswell.inbox.schemas import IntakeReport
from groundswell.models import AuditEntry, Case, CaseEvent, CasePost, LostItem, SlaClockRecord, SuppressedPost
from tests.inbox.cases_support import (
    NOW,
    add_author,
    add_employee,
    add_post,
    add_team,
    care_team,
    events,
    later,
    ruleset,
)


def run(store: Store, **options: Any) -> IntakeReport:
    return process_posts(store.sessions, ruleset=ruleset(), now=options.pop("now", NOW), **options)


def only_case(session: Session) -> Case:
    return session.scalars(select(Case)).one()


def count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_post_opens_a_case_with_the_decision_clocks_and_an_owner(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann", "bob")
        customer = add_author(session, "carol")
        enriched = {"language": "en", "intent": ["complaint"], "topics": [{"name": "delivery"}]}
        post = add_post(session, customer, "My order never arrived", at=later(minutes=-30), enrichments=enriched)
    report = run(store)
    assert (report.processed, report.opened, report.assigned, report.suppressed) == (1, 1, 1, 0)
    assert report.by_team == {"care": 1}
    with store.sessions() as session:
        case = only_case(session)
        assert (case.status, case.priority, case.sla_policy, case.kind) == ("new", "p3", "standard", "general")
        assert case.opened_at == later(minutes=-30)  # the customer has waited since they wrote
        assert case.customer_id == customer.id and case.subject == "My order never arrived"
        assert case.routing["decision"]["team"] == "care"
        assert [f["rule"] for f in case.routing["decision"]["explanation"]] == ["everything-else"]
        assert case.routing["signals"]["intents"] == ["complaint"]
        assert case.routing["signals"]["topics"] == ["delivery"]
        assert session.scalars(select(CasePost.post_id)).all() == [post.id]
        assert events(session, case.id) == ["created", "assigned"]
        clocks = {c.clock: c for c in session.scalars(select(SlaClockRecord))}
        assert clocks["first_response"].due_at == later(minutes=30)
        assert clocks["resolution"].due_at == later(hours=7, minutes=30)
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["case.open", "case.assign"]
        assert audit_log.verify(session).ok


def test_suppressed_posts_open_no_case_and_are_counted_by_rule(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann")
        add_post(session, add_author(session, "spammer"), "Join the crypto giveaway now")
    report = run(store)
    assert (report.suppressed, report.opened, report.suppressed_by_rule) == (1, 0, {"spam": 1})
    with store.sessions() as session:
        assert count(session, Case) == 0
        suppressed = session.scalars(select(SuppressedPost)).one()
        assert suppressed.reason == "suppressed by rule spam"
        assert suppressed.routing["decision"]["suppressed"] is True
    assert run(store).processed == 0  # decided once, never routed again


def test_a_follow_up_in_the_thread_attaches_and_wakes_a_waiting_case(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann")
        first = add_post(session, add_author(session, "carol"), "Where is my refund?", at=later(hours=-2))
    run(store)
    with store.sessions.begin() as session:
        case_id = only_case(session).id
        service.change_status(session, case_id=case_id, status="waiting_on_customer", actor="ann", now=later(hours=-1))
        add_post(session, add_author(session, "dave"), "Same here, any news?", at=later(minutes=-5), thread_of=first)
    report = run(store)
    assert (report.attached, report.opened) == (1, 0)
    with store.sessions() as session:
        case = only_case(session)
        assert case.status == "open"
        assert count(session, CasePost) == 2
        assert events(session, case.id)[-2:] == ["customer_post", "status_changed"]
        assert case.last_customer_post_at == later(minutes=-5)


def test_the_same_customer_on_the_same_channel_attaches_to_their_open_case(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann")
        carol = add_author(session, "carol")
        add_post(session, carol, "My order never arrived", at=later(hours=-3))
        add_post(session, carol, "Still nothing, two days now", at=later(hours=-1))
        other = add_author(session, "carol", channel="mastodon")
        add_post(session, other, "Hello from Mastodon", at=later(minutes=-1), channel="mastodon")
    report = run(store)
    assert (report.opened, report.attached) == (2, 1)  # another channel is another author, so another case


@pytest.mark.parametrize(("closed_days_ago", "window_days", "reopens"), [(3, 7, True), (8, 7, False), (3, 1, False)])
def test_a_recently_closed_case_reopens_within_the_window(
    store: Store, closed_days_ago: int, window_days: int, reopens: bool
) -> None:
    start = later(days=-closed_days_ago, hours=-1)
    with store.sessions.begin() as session:
        care_team(session, "ann", "bob")
        carol = add_author(session, "carol")
        add_post(session, carol, "My order never arrived", at=start)
    run(store, now=start)
    with store.sessions.begin() as session:
        case = only_case(session)
        owner = case.assignee_id
        service.change_status(
            session, case_id=case.id, status="resolved", actor="ann", now=later(days=-closed_days_ago)
        )
        service.change_status(session, case_id=case.id, status="closed", actor="ann", now=later(days=-closed_days_ago))
        add_post(session, carol, "It broke again", at=NOW)
    report = run(store, reopen_window=timedelta(days=window_days))
    assert (report.reopened, report.opened) == ((1, 0) if reopens else (0, 1))
    with store.sessions() as session:
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        if reopens:
            assert cases[0].status == "open" and cases[0].closed_at is None and cases[0].resolved_at is None
            assert cases[0].assignee_id == owner  # back to the same person, who has room
            assert events(session, cases[0].id)[-3:] == ["reopened", "customer_post", "assigned"]
        else:
            assert [c.status for c in cases] == ["closed", "new"]


def test_lost_item_intent_makes_a_lost_item_case_for_the_team_the_rules_chose(store: Store) -> None:
    with store.sessions.begin() as session:
        baggage = add_team(session, "baggage")
        add_employee(session, "lee", baggage)
        add_post(session, add_author(session, "carol"), "I left my laptop at gate B7",
                 enrichments={"intent": ["lost_item"], "locations": []})  # fmt: skip
    report = run(store)
    assert (report.lost_items, report.assigned) == (1, 1)
    with store.sessions() as session:
        case = only_case(session)
        assert (case.kind, case.priority, case.tags) == ("lost_item", "p2", ["lost"])
        item = session.scalars(select(LostItem)).one()
        assert (item.case_id, item.status) == (case.id, "reported") and "laptop" in item.item
        assert events(session, case.id) == ["created", "lost_item_reported", "assigned"]


def test_posts_wait_for_enrichment(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann")
        add_post(session, add_author(session, "carol"), "Not enriched yet", enrichments={})
    report = run(store)
    assert (report.processed, report.waiting_for_enrichment) == (0, 1)


def test_unassigned_cases_stay_queued_with_a_countable_reason(store: Store) -> None:
    with store.sessions.begin() as session:
        team = add_team(session, "care")
        add_employee(session, "night", team, shift={"timezone": "UTC", "hours": {"daily": "22:00-06:00"}})
        add_employee(session, "away", team, on_leave=True)
        add_post(session, add_author(session, "carol"), "Help please")
        add_post(session, add_author(session, "eve"), "A ghost took my bag")  # team ghosts is not set up
    report = run(store)
    assert report.unassigned == {
        "nobody can take it: off shift, on leave": 1,
        "the rules chose team ghosts, which is not set up (import the people file)": 1,
    }
    with store.sessions() as session:
        for case in session.scalars(select(Case)):
            assert case.assignee_id is None
            queued = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "queued"))
            assert queued.one().data["reason"]


def test_vip_decision_reaches_the_case(store: Store) -> None:
    with store.sessions.begin() as session:
        team = care_team(session, "ann")
        add_employee(session, "tim", team, trainee=True)
        add_post(session, add_author(session, "star"), "Hello", attributes={"author_tier": "vip"})
    run(store)
    with store.sessions() as session:
        case = only_case(session)
        assert (case.requires_approval, case.approver_role, case.tags) == (True, "manager", ["vip"])
        assigned = session.scalars(select(CaseEvent).where(CaseEvent.kind == "assigned")).one()
        assert assigned.data["employee"] == "ann"
        assert "trainee" in " ".join(assigned.data["rejected"]["tim"])


def _posts_for_crash_tests(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann", "bob", capacity=50)
        for i in range(7):
            author = add_author(session, f"customer{i}")
            add_post(session, author, f"Problem number {i}", at=later(minutes=i - 60))
            if i % 3 == 0:  # some customers write twice: follow-ups must attach, not open a second case
                add_post(session, author, f"Problem number {i}, again", at=later(minutes=i - 30))


def _assert_each_post_once(store: Store) -> None:
    with store.sessions() as session:
        assert count(session, CasePost) == 10
        assert count(session, Case) == 7
        assert session.execute(select(func.count(func.distinct(CasePost.post_id)))).scalar_one() == 10
        kinds = session.scalars(select(CaseEvent.kind)).all()
        assert (kinds.count("created"), kinds.count("customer_post")) == (7, 3)
        assert audit_log.verify(session).ok


class Crash(Exception):
    pass


def test_a_crash_between_batches_loses_and_duplicates_nothing(store: Store) -> None:
    _posts_for_crash_tests(store)

    def crash_after_first(report: IntakeReport) -> None:
        raise Crash(f"killed after {report.processed} posts")

    with pytest.raises(Crash):
        run(store, batch_size=3, after_batch=crash_after_first)
    with store.sessions() as session:
        assert count(session, CasePost) == 3  # the first batch committed, nothing else
    rest = run(store, batch_size=3)
    assert rest.processed == 7 and rest.batches == 3
    _assert_each_post_once(store)
    assert run(store).processed == 0


def test_a_crash_inside_a_batch_rolls_that_batch_back_whole(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _posts_for_crash_tests(store)
    real = intake.stored_routing_input
    seen: list[int] = []

    def fail_on_the_fifth(post: Any, author: Any, enrichments: Any) -> Any:
        seen.append(post.id)
        if len(seen) == 5:
            raise Crash("the process died while routing a post")
        return real(post, author, enrichments)

    monkeypatch.setattr(intake, "stored_routing_input", fail_on_the_fifth)
    with pytest.raises(Crash):
        run(store, batch_size=3)
    with store.sessions() as session:
        assert count(session, CasePost) == 3  # batch 2 (posts 4 to 6) was rolled back whole
        assert count(session, Case) == 3
    monkeypatch.setattr(intake, "stored_routing_input", real)
    run(store, batch_size=3)
    _assert_each_post_once(store)


def test_a_replay_as_of_a_moment_leaves_later_posts_for_a_later_run(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann")
        customer, other = add_author(session, "carol"), add_author(session, "dave")
        add_post(session, customer, "Where is my parcel?", at=later(minutes=-10), enrichments={"language": "en"})
        add_post(session, other, "Still no parcel", at=later(hours=2), enrichments={"language": "en"})
    assert run(store).opened == 1
    with store.sessions() as session:
        assert count(session, Case) == 1
    assert run(store, now=later(hours=3)).opened == 1
