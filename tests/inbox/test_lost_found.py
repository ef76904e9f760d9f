"""The lost-and-found desk: open a lost item from a post, move its search along, tell the customer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.enrich.enrichers.locations import places_of
from groundswell.errors import InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.inbox import lost_found, templates
from groundswell.inbox.lost_item_rules import TRANSITIONS, LostItemStatus, check_transition
from groundswell.models import AuditEntry, Case, CaseEvent, CasePost, OutboxMessage, Post
from tests.inbox.cases_support import NOW, add_author, add_post, add_team, later

TEXT = "@united lost my black suitcase at ORD gate C12 on flight UA328 this morning"


def lost_case(
    session: Session, *, channel: str = "x", text: str = TEXT, enrichments: dict[str, object] | None = None
) -> tuple[Case, Post]:
    author = add_author(session, "ana", channel=channel)
    author.display_name = "Ana"
    post = add_post(session, author, text, channel=channel, enrichments=enrichments)
    team = add_team(session, f"baggage-{channel}")
    team.place = "ORD"
    case = Case(channel=channel, status="open", team_id=team.id, opened_at=NOW, updated_at=NOW, tags=[])
    session.add(case)
    session.flush()
    session.add(CasePost(case_id=case.id, post_id=post.id, added_at=NOW))
    session.flush()
    return case, post


def open_item(session: Session, case: Case, text: str = TEXT) -> None:
    lost_found.open_lost_item(session, case=case, post_text=text, places=places_of(text, None), now=NOW)


def outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_open_lost_item_records_what_where_and_when(store: Store) -> None:
    with store.sessions() as session:
        case, _ = lost_case(session)
        open_item(session, case)
        open_item(session, case)  # once per case
        item = lost_found.item_of_case(session, case.id)
        assert item is not None
        assert (item.item, item.place, item.lost_on, item.status) == (
            "black suitcase", "gate C12, ORD", "this morning", "reported"
        )  # fmt: skip
        assert item.latitude == pytest.approx(41.977, abs=0.01) and case.kind == "lost_item"
        (event,) = session.scalars(select(CaseEvent).where(CaseEvent.kind == "lost_item_reported"))
        assert event.data["flight"] == "UA328" and event.data["kind"] == "suitcase"
        assert list(session.scalars(select(AuditEntry.action))) == ["lost_item.open"]


def test_unstated_item_is_recorded_as_such(store: Store) -> None:
    with store.sessions() as session:
        case, _ = lost_case(session, text="still nothing, nobody answers")
        open_item(session, case, "still nothing, nobody answers")
        item = lost_found.item_of_case(session, case.id)
        assert item is not None and (item.item, item.place) == (lost_found.UNSPECIFIED_ITEM, None)


def test_status_updates_go_to_the_customer_privately_once_per_status(store: Store) -> None:
    with store.sessions() as session:
        case, post = lost_case(session)
        open_item(session, case)
        for step, status in enumerate(["searching", "found", "returned"], start=1):
            update = lost_found.update_status(
                session, case_id=case.id, status=status, actor="lea", note="At the ORD office." if step == 2 else None,
                now=later(hours=step),
            )  # fmt: skip
            assert update.message is not None and update.not_sent is None
        messages = outbox(session)
        assert [m.idempotency_key for m in messages] == [
            f"lost-item:{case.id}:searching", f"lost-item:{case.id}:found", f"lost-item:{case.id}:returned"
        ]  # fmt: skip
        found = messages[1]
        assert (found.channel, found.visibility, found.in_reply_to, found.recipient, found.case_id) == (
            "x", "private", post.external_id, "ana", case.id
        )  # fmt: skip
        assert found.text == (
            f"Good news, Ana: we found your black suitcase (case {case.id}). At the ORD office. "
            "We'll be in touch to get it back to you."
        )
        assert "our team at gate C12, ORD is now searching for your black suitcase." in messages[0].text
        item = lost_found.item_of_case(session, case.id)
        assert item is not None and (item.status, item.found_note) == ("returned", "At the ORD office.")
        changes = session.scalars(select(CaseEvent).where(CaseEvent.kind == "lost_item_status").order_by(CaseEvent.id))
        assert [(e.data["from"], e.data["to"]) for e in changes] == [
            ("reported", "searching"), ("searching", "found"), ("found", "returned")
        ]  # fmt: skip
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions.count("lost_item.status") == 3 and actions.count("outbox.enqueue") == 3
        assert audit_log.verify(session).ok


def test_the_customers_language_and_a_stored_template_are_used(store: Store) -> None:
    with store.sessions() as session:
        case, _ = lost_case(session, enrichments={"language": "pt"})
        open_item(session, case)
        pt = lost_found.update_status(session, case_id=case.id, status="searching", actor="lea", now=later(hours=1))
        assert pt.message is not None and pt.message.text.startswith("Olá Ana, novidades do caso")
        assert pt.message.extra == {"template": "lost_item.searching", "language": "pt"}
        templates.save_template(
            session, name="lost_item.found", language="pt", text="Achamos: {item}! {note}", actor="ed"
        )
        found = lost_found.update_status(session, case_id=case.id, status="found", actor="lea", now=later(hours=2))
        assert found.message is not None and found.message.text == "Achamos: black suitcase!"


def test_public_reply_when_no_recipient_is_known_and_nothing_where_the_outbox_cannot_go(store: Store) -> None:
    with store.sessions() as session:
        anonymous, _ = lost_case(session, channel="bluesky")
        review_case, _ = lost_case(session, channel="reviews")
        for case in (anonymous, review_case):
            open_item(session, case)
        for post in session.scalars(select(Post).where(Post.channel == "bluesky")):
            post.author_id = None  # an author we do not know cannot get a direct message
        public = lost_found.update_status(session, case_id=anonymous.id, status="searching", actor="lea", now=NOW)
        assert public.message is not None and (public.message.visibility, public.message.recipient) == ("public", None)
        assert public.message.text.startswith("Hi there, an update on case")
        silent = lost_found.update_status(session, case_id=review_case.id, status="not_found", actor="lea", now=NOW)
        assert silent.message is None and silent.not_sent == "the outbox does not deliver to channel 'reviews'"
        assert silent.item.status == "not_found"
        (event,) = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == review_case.id, CaseEvent.kind == "lost_item_status")
        )
        assert event.data["not_sent"] == silent.not_sent


def test_case_without_posts_changes_status_without_a_message(store: Store) -> None:
    with store.sessions() as session:
        case = Case(channel="x", status="open", opened_at=NOW, updated_at=NOW, tags=[])
        session.add(case)
        session.flush()
        lost_found.open_lost_item(session, case=case, post_text="lost my wallet", now=NOW)
        update = lost_found.update_status(session, case_id=case.id, status="found", actor="lea", now=NOW)
        assert update.message is None and update.not_sent == "the case has no customer post to answer"


def test_refused_moves(store: Store) -> None:
    with store.sessions() as session:
        case, _ = lost_case(session)
        with pytest.raises(NotFound, match=f"case {case.id} has no lost item"):
            lost_found.update_status(session, case_id=case.id, status="found", actor="lea")
        open_item(session, case)
        with pytest.raises(InvalidInput, match="reported cannot become returned; allowed: found, not_found, searching"):
            lost_found.update_status(session, case_id=case.id, status="returned", actor="lea")
        with pytest.raises(InvalidInput, match="'lost' is not a lost-item status"):
            lost_found.update_status(session, case_id=case.id, status="lost", actor="lea")
        lost_found.update_status(session, case_id=case.id, status="not-found", actor="lea", now=NOW)
        with pytest.raises(InvalidInput, match=r"allowed: none \(it is final\)"):
            lost_found.update_status(session, case_id=case.id, status="searching", actor="lea")
        assert outbox(session)[0].idempotency_key == f"lost-item:{case.id}:not_found"


def test_list_items_newest_change_first(store: Store) -> None:
    with store.sessions() as session:
        first, _ = lost_case(session)
        second, _ = lost_case(session, channel="mastodon")
        open_item(session, first)
        open_item(session, second)
        lost_found.update_status(session, case_id=first.id, status="searching", actor="lea", now=NOW + timedelta(1))
        assert [case.id for _, case in lost_found.list_items(session)] == [first.id, second.id]
        assert [case.id for _, case in lost_found.list_items(session, status="reported")] == [second.id]


# --- the status table (pure) ------------------------------------------------------------------------------


def test_every_status_is_reachable_and_nothing_leads_back_to_reported() -> None:
    reached, frontier = {LostItemStatus.REPORTED}, [LostItemStatus.REPORTED]
    while frontier:
        for following in TRANSITIONS[frontier.pop()]:
            if following not in reached:
                reached.add(following)
                frontier.append(following)
    assert reached == set(LostItemStatus)
    assert all(LostItemStatus.REPORTED not in targets for targets in TRANSITIONS.values())
    assert TRANSITIONS[LostItemStatus.RETURNED] == TRANSITIONS[LostItemStatus.NOT_FOUND] == frozenset()


@given(st.lists(st.sampled_from(list(LostItemStatus)), max_size=12))
def test_any_walk_visits_each_status_once_and_returns_only_what_was_found(wanted: list[LostItemStatus]) -> None:
    """Whatever is asked, the accepted moves never repeat a status (so the idempotency key, one per case and
    status, is unique), and an item is returned only after it was found."""
    path = [LostItemStatus.REPORTED]
    for status in wanted:
        try:
            moved = check_transition(path[-1], status)
        except InvalidInput:
            assert status not in TRANSITIONS[path[-1]]
            continue
        assert moved in TRANSITIONS[path[-1]]
        path.append(moved)
    assert len(path) == len(set(path))
    if LostItemStatus.RETURNED in path:
        assert path.index(LostItemStatus.FOUND) < path.index(LostItemStatus.RETURNED)
