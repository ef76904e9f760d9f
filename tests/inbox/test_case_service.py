"""The case service: status, priority, tags, notes, manual assignment, merge, split, first response, views.
Every action leaves a timeline event and an audit line, and the audit chain stays intact."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.inbox import service
from groundswell.inbox.intake import process_posts
from groundswell.models import AuditEntry, Case, CaseEvent, CasePost, SlaClockRecord
from tests.inbox.cases_support import (
    NOW,
    add_author,
    add_employee,
    add_post,
    care_team,
    events,
    later,
    open_count,
    ruleset,
)


def intake(store: Store) -> None:
    process_posts(store.sessions, ruleset=ruleset(), now=NOW)


@pytest.fixture
def one_case(store: Store) -> int:
    with store.sessions.begin() as session:
        care_team(session, "ann", "bob")
        add_post(session, add_author(session, "carol"), "My order never arrived", at=later(minutes=-10))
    intake(store)
    with store.sessions() as session:
        return session.scalars(select(Case.id)).one()


def last_audit(session: Session) -> AuditEntry:
    return session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def test_status_changes_keep_times_events_audit_and_clocks(store: Store, one_case: int) -> None:
    with store.sessions.begin() as session:
        service.change_status(
            session, case_id=one_case, status="waiting_on_customer", actor="ann", now=later(minutes=5)
        )
        clocks = session.scalars(select(SlaClockRecord).where(SlaClockRecord.case_id == one_case)).all()
        assert {c.state for c in clocks} == {"paused"}  # the SLA service followed the status
        service.change_status(session, case_id=one_case, status="resolved", actor="ann", now=later(hours=1))
        case = session.get(Case, one_case)
        assert case is not None and case.resolved_at == later(hours=1)
        service.change_status(session, case_id=one_case, status="closed", actor="ann", note="done", now=later(hours=2))
        assert (case.status, case.closed_at) == ("closed", later(hours=2))
        audit = last_audit(session)
        assert (audit.action, audit.actor, audit.before, audit.after) == (
            "case.status", "ann", {"status": "resolved"}, {"status": "closed", "note": "done"},
        )  # fmt: skip
    with store.sessions() as session:
        assert events(session, one_case)[-3:] == ["status_changed"] * 3
        assert audit_log.verify(session).ok


def test_refused_transitions_change_nothing(store: Store, one_case: int) -> None:
    with store.sessions() as session, session.begin():
        with pytest.raises(Conflict, match="resolve this new case first"):
            service.change_status(session, case_id=one_case, status="closed", actor="ann", now=NOW)
        with pytest.raises(InvalidInput, match="unknown case status 'done'"):
            service.change_status(session, case_id=one_case, status="done", actor="ann", now=NOW)
        with pytest.raises(NotFound):
            service.change_status(session, case_id=999, status="open", actor="ann", now=NOW)
        assert session.get(Case, one_case).status == "new"  # type: ignore[union-attr]


def test_reopening_by_hand_finds_an_owner(store: Store, one_case: int) -> None:
    with store.sessions.begin() as session:
        service.change_status(session, case_id=one_case, status="resolved", actor="ann", now=later(hours=1))
        case = service.change_status(session, case_id=one_case, status="open", actor="ann", now=later(hours=2))
        assert (case.status, case.resolved_at) == ("open", None)
        assert events(session, one_case)[-2:] == ["reopened", "assigned"]
        assert last_audit(session).action == "case.assign"


def test_priority_tags_and_notes(store: Store, one_case: int) -> None:
    with store.sessions.begin() as session:
        service.set_priority(session, case_id=one_case, priority="P1", actor="ann", now=NOW)
        service.add_tags(session, case_id=one_case, tags=["refund", " refund", "vip"], actor="ann", now=NOW)
        service.remove_tags(session, case_id=one_case, tags=["vip"], actor="ann", now=NOW)
        service.add_note(session, case_id=one_case, text="  Called the warehouse. ", actor="bob", now=NOW)
        with pytest.raises(InvalidInput, match="not a priority"):
            service.set_priority(session, case_id=one_case, priority="urgent", actor="ann", now=NOW)
        with pytest.raises(InvalidInput):
            service.add_note(session, case_id=one_case, text="   ", actor="bob", now=NOW)
    with store.sessions() as session:
        view = service.get_case(session, case_id=one_case)
        assert (view.priority, view.tags) == ("p1", ["refund"])
        note = view.timeline[-1]
        assert (note.kind, note.actor, note.data) == ("note", "bob", {"text": "Called the warehouse."})
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()[-4:]
        assert actions == ["case.priority", "case.tags", "case.tags", "case.note"]


def test_manual_assignment_checks_capacity_and_force_is_audited(store: Store, one_case: int) -> None:
    with store.sessions.begin() as session:
        team = session.get(Case, one_case).team_id  # type: ignore[union-attr]
        from groundswell.models import Team

        full = add_employee(session, "full", session.get(Team, team), capacity=0)  # type: ignore[arg-type]
        with pytest.raises(Conflict, match=r"at capacity \(0/0 open cases\).*--force"):
            service.assign(session, case_id=one_case, employee="full", actor="lead", now=NOW)
        with pytest.raises(NotFound):
            service.assign(session, case_id=one_case, employee="nobody", actor="lead", now=NOW)
        service.assign(session, case_id=one_case, employee="@full", actor="lead", force=True, reason="expert", now=NOW)
        assert open_count(session, full) == 1
        audit = last_audit(session)
        assert audit.action == "case.assign.forced"
        assert audit.after["forced"] == ["at capacity (0/0 open cases)"]
        service.unassign(session, case_id=one_case, actor="lead", now=NOW)
        assert session.get(Case, one_case).assignee_id is None  # type: ignore[union-attr]
        assert events(session, one_case)[-2:] == ["assigned", "unassigned"]


def test_merge_moves_posts_and_closes_the_merged_case(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann")
        carol = add_author(session, "carol")
        add_post(session, carol, "First problem", at=later(hours=-2))
    intake(store)
    with store.sessions.begin() as session:
        first = session.scalars(select(Case)).one()
        service.change_status(session, case_id=first.id, status="resolved", actor="ann", now=later(hours=-1))
        service.change_status(session, case_id=first.id, status="closed", actor="ann", now=later(hours=-1))
        add_post(session, carol, "Second problem", at=later(days=10))  # past the 7-day reopen window
        dave = add_author(session, "dave")
        add_post(session, dave, "Not carol", at=later(days=10))
    process_posts(store.sessions, ruleset=ruleset(), now=later(days=10))
    with store.sessions.begin() as session:
        first_id, second_id, daves = session.scalars(select(Case.id).order_by(Case.id)).all()
        service.change_status(session, case_id=first_id, status="open", actor="ann", now=later(days=10))
        service.set_priority(session, case_id=first_id, priority="p1", actor="ann", now=later(days=10))
        with pytest.raises(Conflict, match="not from the same customer"):
            service.merge(session, case_id=daves, into_id=second_id, actor="ann", now=later(days=10))
        with pytest.raises(InvalidInput):
            service.merge(session, case_id=first_id, into_id=first_id, actor="ann", now=later(days=10))
        survivor = service.merge(session, case_id=first_id, into_id=second_id, actor="ann", now=later(days=10))
        assert survivor.id == second_id and survivor.priority == "p1"
        merged = session.get(Case, first_id)
        assert merged is not None and (merged.status, merged.merged_into_id) == ("closed", second_id)
        assert merged.closed_at == later(days=10) and merged.resolved_at is None
        assert session.scalars(select(CasePost.case_id)).all().count(second_id) == 2
        assert events(session, first_id)[-2:] == ["status_changed", "merged"]
        assert events(session, second_id)[-1] == "merged_from"
        with pytest.raises(Conflict, match="merged into another and is final"):
            service.change_status(session, case_id=first_id, status="open", actor="ann", now=later(days=10))
        with pytest.raises(Conflict, match=f"merge into that one|was itself merged into case {second_id}"):
            service.merge(session, case_id=daves, into_id=first_id, actor="ann", now=later(days=10))
    with store.sessions() as session:
        assert audit_log.verify(session).ok


def test_split_moves_the_chosen_posts_to_a_new_case_of_the_same_team(store: Store) -> None:
    with store.sessions.begin() as session:
        care_team(session, "ann", "bob")
        carol = add_author(session, "carol")
        posts = [add_post(session, carol, f"Issue {i}", at=later(minutes=i - 30)) for i in range(3)]
    intake(store)
    with store.sessions.begin() as session:
        case = session.scalars(select(Case)).one()
        with pytest.raises(InvalidInput, match="leave at least one"):
            service.split(session, case_id=case.id, post_ids=[p.id for p in posts], actor="ann", now=NOW)
        with pytest.raises(InvalidInput, match="are not in case"):
            service.split(session, case_id=case.id, post_ids=[9999], actor="ann", now=NOW)
        new = service.split(session, case_id=case.id, post_ids=[posts[2].id], actor="ann", now=NOW)
        assert (new.team_id, new.customer_id, new.status, new.subject) == (case.team_id, carol.id, "new", "Issue 2")
        assert new.assignee_id is not None and new.routing["split_from"] == case.id
        assert case.last_customer_post_at == later(minutes=-29)
        clocks = session.scalars(select(SlaClockRecord.clock).where(SlaClockRecord.case_id == new.id)).all()
        assert sorted(clocks) == ["first_response", "resolution"]
        assert events(session, case.id)[-1] == "split"
        assert events(session, new.id)[:2] == ["split_from", "assigned"]
    with store.sessions() as session:
        view = service.get_case(session, case_id=case.id)
        assert [p.text for p in view.posts] == ["Issue 0", "Issue 1"]


def test_mark_responded_stops_the_first_response_clock_once(store: Store, one_case: int) -> None:
    with store.sessions.begin() as session:
        service.mark_responded(session, case_id=one_case, at=later(minutes=20), actor="ann")
        service.mark_responded(session, case_id=one_case, at=later(minutes=40), actor="ann")
        case = session.get(Case, one_case)
        assert case is not None and (case.first_response_at, case.status) == (later(minutes=20), "open")
        clock = session.scalars(
            select(SlaClockRecord).where(SlaClockRecord.case_id == one_case, SlaClockRecord.clock == "first_response")
        ).one()
        assert (clock.state, clock.completed_at) == ("met", later(minutes=20))
        responded = session.scalars(select(CaseEvent).where(CaseEvent.kind == "responded")).all()
        assert [e.data["first"] for e in responded] == [True, False]


def test_views_and_filters(store: Store, one_case: int) -> None:
    with store.sessions() as session:
        view = service.get_case(session, case_id=one_case)
        assert (view.customer, view.team, view.status.value) == ("carol", "care", "new")
        assert view.assignee in {"ann", "bob"}
        assert [p.text for p in view.posts] == ["My order never arrived"]
        assert [e.kind for e in view.timeline] == ["created", "assigned"]
        assert [c.id for c in service.list_cases(session, status=["open_any"], team="care")] == [one_case]
        assert service.list_cases(session, status=["closed"]) == []
        assert service.list_cases(session, unassigned=True) == []
        assert [c.id for c in service.list_cases(session, assignee=view.assignee)] == [one_case]
        with pytest.raises(NotFound, match="known teams: care"):
            service.list_cases(session, team="nope")
        with pytest.raises(InvalidInput, match="unknown case status"):
            service.list_cases(session, status=["pending"])
