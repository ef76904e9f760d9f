from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance.audit_log import list_entries, verify
from groundswell.ideas import service, views
from groundswell.models.idea import Idea, IdeaComment, IdeaPost, IdeaVote
from groundswell.models.insight import Department
from tests.ideas.world import T0, ingest, post, seed, vector

NOW = T0 + timedelta(days=1)


def suggestions(store: Store, tmp_path: Path) -> dict[str, int]:
    """Three customers about USB-C (one of them twice), two about a dark mode, one complaint."""
    ids = ingest(store, tmp_path, [
        post("u1", "ana", "please add a USB-C port to the PulsePad", followers=100),
        post("u2", "ben", "the PulsePad needs USB-C charging", minutes=5, followers=2000),
        post("u3", "ana", "still hoping for USB-C on the PulsePad", minutes=10, followers=100),
        post("u4", "cara", "USB-C port please, PulsePad", minutes=15, channel="mastodon", followers=5),
        post("d1", "dan", "add a dark mode to the PulsePad app", minutes=20),
        post("d2", "eve", "dark theme for the PulsePad app please", minutes=25, channel="mastodon"),
        post("c1", "fay", "my PulsePad broke after two days", minutes=30),
    ])  # fmt: skip
    with write_transaction(store.sessions) as session:
        seed(session, ids["u1"], embedding=vector(0), topic="charging")
        seed(session, ids["u2"], embedding=vector(0, 0.3, 1), topic="charging")
        seed(session, ids["u3"], embedding=vector(0, 0.2, 2))
        seed(session, ids["u4"], embedding=vector(0, 0.4, 1), topic="charging")
        seed(session, ids["d1"], embedding=vector(3), topic="app")
        seed(session, ids["d2"], embedding=vector(3, 0.3, 4), topic="app")
        seed(session, ids["c1"], intents=["complaint"], embedding=vector(0))
    return ids


def test_suggestions_become_ideas_with_customers_counted_once(store: Store, tmp_path: Path) -> None:
    ids = suggestions(store, tmp_path)
    with write_transaction(store.sessions) as session:
        report = service.collect_ideas(session, now=NOW)
    assert report.posts == 6 and len(report.created) == 2 and report.embedded == 0
    with store.sessions() as session:
        listed = views.list_ideas(session, now=NOW, sort="customers")
        usb, dark = listed
        assert (usb.customers, usb.posts, usb.votes, usb.reach) == (3, 4, 3, 2105)
        assert (dark.customers, dark.posts, dark.votes) == (2, 2, 2)
        assert usb.topic == "charging" and dark.topic == "app" and usb.product == "PulsePad"
        assert "usb" in usb.key_phrases and "USB-C" in usb.title
        assert usb.status == "new" and usb.trend["last_7_days"] == 4
        linked = set(session.scalars(select(IdeaPost.post_id)))
        assert ids["c1"] not in linked and len(linked) == 6
    # Running again takes nothing twice; a new suggestion joins the closest idea.
    more = ingest(store, tmp_path, [post("u5", "gus", "USB-C pretty please", minutes=40)], name="more.jsonl")
    with write_transaction(store.sessions) as session:
        seed(session, more["u5"], embedding=vector(0, 0.1, 3), topic="charging")
        again = service.collect_ideas(session, now=NOW)
    assert again.posts == 1 and again.created == [] and again.joined == {usb.id: 1}
    with store.sessions() as session:
        assert views.summary(session, session.get_one(Idea, usb.id), now=NOW).customers == 4
        assert [e.action for e in list_entries(session, entity="idea")].count("idea.collect") == 3
        assert verify(session).ok


def test_a_disagreeing_topic_starts_its_own_idea_and_missing_embeddings_are_computed(
    store: Store, tmp_path: Path
) -> None:
    ids = ingest(store, tmp_path, [post("a", "ana", "USB-C port please"), post("b", "ben", "USB-C cable in box",
                                                                             minutes=1)])  # fmt: skip
    with write_transaction(store.sessions) as session:
        seed(session, ids["a"], embedding=vector(0), topic="charging")
        seed(session, ids["b"], topic="accessories")  # no stored embedding
        calls: list[list[str]] = []

        def encoder(texts: list[str]) -> list[list[float]]:
            calls.append(list(texts))
            return [vector(0, 0.05, 1) for _ in texts]

        report = service.collect_ideas(session, now=NOW, encoder=encoder)  # type: ignore[arg-type]
    assert calls == [["USB-C cable in box"]] and report.embedded == 1 and len(report.created) == 2


def test_threshold_must_be_a_similarity(store: Store) -> None:
    with store.sessions() as session, pytest.raises(InvalidInput, match="threshold"):
        service.collect_ideas(session, now=NOW, threshold=0)


def test_merge_moves_customers_votes_and_comments_to_the_original(store: Store, tmp_path: Path) -> None:
    ids = ingest(store, tmp_path, [
        post("a", "ana", "add USB-C to the PulsePad"), post("b", "ben", "PulsePad with USB-C", minutes=1),
        post("c", "ana", "wireless charging for the PulsePad", minutes=2),
        post("d", "cara", "PulsePad charging pad", minutes=3),
    ])  # fmt: skip
    with write_transaction(store.sessions) as session:
        seed(session, ids["a"], embedding=vector(0))
        seed(session, ids["b"], embedding=vector(0, 0.2, 1))
        seed(session, ids["c"], embedding=vector(2))
        seed(session, ids["d"], embedding=vector(2, 0.2, 1))
        original, duplicate = service.collect_ideas(session, now=NOW).created
        service.vote(session, idea_id=original, by="max", now=NOW)
        service.vote(session, idea_id=duplicate, by="max", now=NOW)
        service.vote(session, idea_id=duplicate, by="sue", now=NOW)
        service.comment(session, idea_id=duplicate, text="same as the USB-C one", by="sue", now=NOW)
        with pytest.raises(Conflict, match="max already voted"):
            service.vote(session, idea_id=original, by="max", now=NOW)
    with write_transaction(store.sessions) as session:
        result = service.merge(session, idea_id=duplicate, into_id=original, by="sue", now=NOW)
    assert (result["posts"], result["votes"], result["duplicate_votes"]) == (2, 2, 2)  # cara, sue; ana, max again
    with store.sessions() as session:
        view = views.show_idea(session, idea_id=original, now=NOW)
        assert (view.customers, view.posts, view.votes, view.merged_from) == (3, 4, 5, [duplicate])
        assert sorted(v["voter"] for v in view.voters if v["kind"] == "employee") == ["max", "sue"]
        assert [c["text"] for c in view.comments] == ["same as the USB-C one"]
        assert session.scalar(select(func.count()).select_from(IdeaComment)) == 1
        assert session.scalar(select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == duplicate)) == 0
        assert [s.id for s in views.list_ideas(session, now=NOW)] == [original]
        assert session.get_one(Idea, duplicate).merged_into_id == original
    with write_transaction(store.sessions) as session:
        with pytest.raises(Conflict, match=f"merged into idea {original}"):
            service.set_status(session, idea_id=duplicate, status="under_review", by="sue", now=NOW)
        with pytest.raises(InvalidInput, match="into itself"):
            service.merge(session, idea_id=original, into_id=original, by="sue", now=NOW)
        with pytest.raises(NotFound, match="no idea with id 999"):
            service.merge(session, idea_id=999, into_id=original, by="sue", now=NOW)


def test_status_owner_and_comments_are_audited(store: Store, tmp_path: Path) -> None:
    ids = ingest(store, tmp_path, [post("a", "ana", "add USB-C to the PulsePad")])
    with write_transaction(store.sessions) as session:
        seed(session, ids["a"], embedding=vector(0))
        [idea_id] = service.collect_ideas(session, now=NOW).created
        change = service.set_status(session, idea_id=idea_id, status="under review", by="max", now=NOW)
        assert (change.before, change.after, change.loop) == ("new", "under_review", None)
        with pytest.raises(Conflict, match="from under_review it can become: planned, declined"):
            service.set_status(session, idea_id=idea_id, status="shipped", by="max", now=NOW)
        department = service.set_owner(session, idea_id=idea_id, department="Product design", by="max", now=NOW)
        again = service.set_owner(session, idea_id=idea_id, department="product design", by="max", now=NOW)
        assert again.id == department.id
        with pytest.raises(InvalidInput, match="some text"):
            service.comment(session, idea_id=idea_id, text="  ", by="max", now=NOW)
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Department)) == 1
        view = views.show_idea(session, idea_id=idea_id, now=NOW)
        assert (view.owner, view.status) == ("Product design", "under_review")
        actions = [e.action for e in list_entries(session, limit=100)]
        for action in ("idea.collect", "idea.status", "department.create", "idea.owner"):
            assert action in actions
        with pytest.raises(InvalidInput, match="unknown sort"):
            views.list_ideas(session, now=NOW, sort="hot")
