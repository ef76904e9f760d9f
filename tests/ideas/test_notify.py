"""Closing the loop: each customer behind an idea is told once per status (planned, shipped), on their channel,
whatever merges, repeated status changes and retries happen; refused templates send nothing."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict, InvalidInput
from groundswell.ideas import service
from groundswell.ideas.rules import IdeaStatus, allowed_next
from groundswell.inbox.templates import save_template
from groundswell.models import OutboxMessage
from groundswell.models.idea import IdeaNotification
from tests.ideas.world import T0, ingest, post, seed, vector

NOW = T0 + timedelta(days=1)
PATH = ["under_review", "planned", "in_progress", "shipped"]


def one_idea(store: Store, tmp_path: Path, rows: list[dict[str, object]], name: str = "posts.jsonl") -> int:
    ids = ingest(store, tmp_path, rows, name=name)  # type: ignore[arg-type]
    with write_transaction(store.sessions) as session:
        for post_id in ids.values():
            seed(session, post_id, embedding=vector(0))
        [idea_id] = service.collect_ideas(session, now=NOW).created
    return idea_id


def advance(store: Store, idea_id: int, *statuses: str) -> list[dict[str, object]]:
    loops = []
    with write_transaction(store.sessions) as session:
        for status in statuses:
            change = service.set_status(session, idea_id=idea_id, status=status, by="max", now=NOW)
            if change.loop is not None:
                loops.append(change.loop.model_dump())
    return loops


def outbox(store: Store) -> list[OutboxMessage]:
    with store.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_planned_tells_each_customer_once_on_their_channel(store: Store, tmp_path: Path) -> None:
    idea_id = one_idea(store, tmp_path, [
        post("1801", "ana", "please add USB-C to the PulsePad"),
        post("1802", "ana", "USB-C USB-C USB-C", minutes=1),
        post("112001", "ben@mastodon.social", "PulsePad needs USB-C", channel="mastodon", minutes=2),
        post("<m1@example.com>", "cara@example.com", "USB-C on the PulsePad?", channel="email", minutes=3,
             language="es"),
        post("r1", "dan", "USB-C would be great", channel="reviews", minutes=4),
    ])  # fmt: skip
    [loop] = advance(store, idea_id, "under_review", "planned")
    outcomes = {n["customer"]: (n["outcome"], n["channel"]) for n in loop["notified"]}  # type: ignore[index, union-attr]
    assert outcomes == {
        "ana": ("queued", "x"), "ben@mastodon.social": ("queued", "mastodon"),
        "cara@example.com": ("queued", "email"), "dan": ("unreachable", "reviews"),
    }  # fmt: skip
    messages = outbox(store)
    assert [(m.channel, m.in_reply_to, m.recipient) for m in messages] == [
        ("x", "1801", "ana"), ("mastodon", "112001", "ben@mastodon.social"),
        ("email", "<m1@example.com>", "cara@example.com"),
    ]  # fmt: skip
    assert messages[0].idempotency_key.startswith(f"idea:{idea_id}:planned:")
    assert "Hi ana" in messages[0].text and "PulsePad" in messages[0].text and "plan" in messages[0].text
    assert messages[2].text.startswith("Hola cara") and messages[2].extra["subject"]
    with store.sessions() as session:
        rows = list(session.scalars(select(IdeaNotification)))
        unreachable = [r for r in rows if r.outbox_message_id is None]
        assert len(rows) == 4 and len(unreachable) == 1
        assert "cannot reply on channel 'reviews'" in unreachable[0].details["reason"]

    # Declined, reviewed again, planned again: nobody is told twice. Shipped is a new change: told once more.
    assert advance(store, idea_id, "declined", "under_review", "planned")[0]["notified"]  # the report lists them
    assert len(outbox(store)) == 3
    [shipped] = advance(store, idea_id, "in_progress", "shipped")
    assert [n["outcome"] for n in shipped["notified"]].count("queued") == 3  # type: ignore[union-attr]
    assert len(outbox(store)) == 6 and all("available" in m.text or "disponible" in m.text for m in outbox(store)[3:])


def test_a_template_that_fails_the_policy_checks_sends_nothing(store: Store, tmp_path: Path) -> None:
    idea_id = one_idea(store, tmp_path, [post("1801", "ana", "please add USB-C to the PulsePad")])
    advance(store, idea_id, "under_review")
    with write_transaction(store.sessions) as session:
        save_template(session, name="idea.planned", language="en", actor="max",
                      text="Hi {customer_name}, we guarantee {idea} ships this year!")  # fmt: skip
    with pytest.raises(InvalidInput, match=r"commitment\.guarantee .*guarantee.*Change the template"):
        advance(store, idea_id, "planned")
    assert outbox(store) == []
    with store.sessions() as session:
        assert session.scalars(select(IdeaNotification)).first() is None
        assert service.get_idea(session, idea_id).status == "under_review"  # the change rolled back with it


def test_customers_of_a_merged_duplicate_are_told_once_and_only_those_not_told_yet(
    store: Store, tmp_path: Path
) -> None:
    ids = ingest(store, tmp_path, [
        post("1801", "ana", "please add USB-C to the PulsePad"),
        post("1802", "ben", "the PulsePad needs USB-C", minutes=1),
        post("1803", "ana", "wireless charging for the PulsePad", minutes=2),
        post("1804", "cara", "PulsePad charging without cables", minutes=3),
    ])  # fmt: skip
    with write_transaction(store.sessions) as session:
        for key, axis in (("1801", 0), ("1802", 0), ("1803", 2), ("1804", 2)):
            seed(session, ids[key], embedding=vector(axis))
        original, duplicate = service.collect_ideas(session, now=NOW).created
    advance(store, duplicate, "under_review", "planned")  # ana and cara told about the duplicate
    advance(store, original, "under_review", "planned")  # ana and ben told about the original: ana twice so far
    assert len(outbox(store)) == 4
    with write_transaction(store.sessions) as session:
        result = service.merge(session, idea_id=duplicate, into_id=original, by="max", now=NOW)
    assert {n["outcome"] for n in result["loop"]["notified"]} == {"already_told"}  # cara was told with the duplicate
    [shipped] = advance(store, original, "in_progress", "shipped")
    assert sorted(n["customer"] for n in shipped["notified"] if n["outcome"] == "queued") == ["ana", "ben", "cara"]
    with pytest.raises(Conflict):
        advance(store, original, "planned")


# ("advance", i): idea i takes its next step on the path (new, under review, planned, in progress, shipped);
# ("decline", i): it is declined (and the next advance reviews it again); ("merge", i, j): i merged into j.
STEPS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["advance", "advance", "decline"]), st.integers(0, 1), st.just(0)),
        st.tuples(st.just("merge"), st.integers(0, 1), st.integers(0, 1)),
    ),
    max_size=16,
)
_runs = count()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
@example(steps=[("advance", 0, 0)] * 2 + [("merge", 0, 1)] + [("advance", 1, 0)] * 2)  # told, merged, planned again
@example(steps=[("advance", 0, 0)] * 2 + [("advance", 1, 0)] * 2 + [("merge", 0, 1)] + [("advance", 1, 0)] * 2)
def test_after_any_merges_and_status_changes_nobody_is_told_twice_about_one_status(
    store: Store, tmp_path: Path, steps: list[tuple[str, int, int]]
) -> None:
    """Each notification is the first for its (customer, status) in what is, when it is made, one idea (two ideas
    that each told a customer before they were merged did nothing wrong), and each has exactly one outbox
    message under its own key."""
    run = next(_runs)
    authors = ["ana", "ben", "cara", "dan"]
    rows = [post(f"{run}-{i}", authors[(i * run + i // 2) % 4] + f"{run}", f"idea {i % 2} text", minutes=i)
            for i in range(6)]  # fmt: skip
    ids = ingest(store, tmp_path, rows, name=f"run{run}.jsonl")
    with write_transaction(store.sessions) as session:
        for i, row in enumerate(rows):
            seed(session, ids[str(row["id"])], embedding=vector(i % 2), topic=f"run {run}")  # no joining others
        ideas = service.collect_ideas(session, now=NOW).created
    assert len(ideas) == 2
    checked: list[tuple[int, int, int, str]] = []  # (notification id, idea id, author, status)
    for kind, a, b in steps:
        try:
            with write_transaction(store.sessions) as session:
                if kind == "merge":
                    service.merge(session, idea_id=ideas[a], into_id=ideas[b], by="max", now=NOW)
                else:
                    current = IdeaStatus(service.get_idea(session, ideas[a]).status)
                    following = allowed_next(current)
                    wanted = "declined" if kind == "decline" else following[0] if following else None
                    if wanted is not None:
                        service.set_status(session, idea_id=ideas[a], status=wanted, by="max", now=NOW)
        except (Conflict, InvalidInput):
            pass
        checked = check_new_notifications(store, ideas, checked)
    with store.sessions() as session:
        keys = tuple(f"idea:{i}:" for i in ideas)
        messages = [m for m in session.scalars(select(OutboxMessage)) if m.idempotency_key.startswith(keys)]
        assert len(messages) == len(checked) and len({m.idempotency_key for m in messages}) == len(messages)


def check_new_notifications(
    store: Store, ideas: list[int], checked: list[tuple[int, int, int, str]]
) -> list[tuple[int, int, int, str]]:
    with store.sessions() as session:
        parent = {i: service.get_idea(session, i).merged_into_id for i in ideas}
        query = select(IdeaNotification).where(IdeaNotification.idea_id.in_(ideas)).order_by(IdeaNotification.id)
        rows = [(n.id, n.idea_id, n.author_id, n.status) for n in session.scalars(query)]

    def root(idea_id: int) -> int:
        while parent[idea_id] is not None:
            idea_id = parent[idea_id]  # type: ignore[assignment]
        return idea_id

    seen = {row[0] for row in checked}
    for row_id, idea_id, author_id, status in rows:
        if row_id in seen:
            continue
        earlier = [r for r in rows if r[0] < row_id and root(r[1]) == root(idea_id) and r[2:] == (author_id, status)]
        assert earlier == [], f"customer {author_id} told twice about {status}: {earlier} then {row_id}"
    return rows
