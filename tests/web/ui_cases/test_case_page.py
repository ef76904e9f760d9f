"""The case page: what it shows, live findings, writing and approving replies, the outbox, case actions and
one-click corrections, through the real app (cookies, CSRF, forms)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.models import CaseEvent, LabelCorrection, OutboxMessage, Reply
from tests.web.ui_cases.world import InboxWorld

CARD = "Your card 4111 1111 1111 1111 is refunded"
GUARANTEE = "We guarantee a full refund by Friday."
CLEAN = "Sorry about the wait, we are looking into it now."


def test_the_page_shows_thread_enrichment_history_templates_and_timeline(world: InboxWorld, ana: TestClient) -> None:
    page = ana.get(f"/cases/{world.mine.case_id}")
    assert page.status_code == 200
    html = page.text
    assert "My bag never arrived at ORD!" in html  # the thread
    assert "sentiment</dt><dd>negative" in html and "negative 0.90" in html  # enrichment, with its scores
    assert "urgency</dt><dd>0.82 (high)" in html
    assert "Any update on my bag?" in html and f'href="/cases/{world.other_channel.case_id}"' in html  # history
    assert "jane (reddit)" in html
    assert 'data-testid="template-lost_item.reported"' in html and "suggested" in html
    assert "lost-things" in html  # why it was routed here
    assert 'id="reply-text"' in html and 'id="findings"' in html


def test_an_unknown_case_is_a_404(ana: TestClient) -> None:
    assert ana.get("/cases/424242").status_code == 404


def test_findings_appear_for_the_text_typed_so_far(world: InboxWorld, ana: TestClient) -> None:
    url = f"/cases/{world.mine.case_id}/findings"
    blocked = ana.post(url, data={"text": CARD}, headers={"HX-Request": "true"}).text
    assert 'data-code="pii.card"' in blocked and 'data-testid="findings-blocked"' in blocked
    assert "4111 1111 1111 1111" not in blocked  # the excerpt is masked
    approval = ana.post(url, data={"text": GUARANTEE}).text
    assert 'data-code="commitment.guarantee"' in approval and 'data-testid="findings-approval"' in approval
    vip = ana.post(url, data={"text": CLEAN}).text  # no finding, but a VIP's urgent complaint needs a second look
    assert 'data-testid="findings-clean"' in vip and "tier is vip" in vip
    clean = ana.post(f"/cases/{world.unassigned.case_id}/findings", data={"text": CLEAN}).text
    assert 'data-testid="findings-clean"' in clean and 'data-testid="findings-sendable"' in clean


def test_a_template_fills_the_editor_for_this_case(world: InboxWorld, ana: TestClient) -> None:
    answer = ana.get(f"/cases/{world.mine.case_id}/template?name=acknowledge&language=en")
    assert answer.status_code == 200 and 'id="reply-text"' in answer.text and "Jane Doe" in answer.text
    assert ana.get(f"/cases/{world.mine.case_id}/template?name=no_such_template").status_code == 404


def test_a_clean_reply_is_sent_and_appears_in_the_outbox(world: InboxWorld, ana: TestClient, store: Store) -> None:
    answer = ana.post(f"/cases/{world.unassigned.case_id}/replies", data={"text": CLEAN, "then": "send"},
                      headers={"HX-Request": "true"})  # fmt: skip
    assert answer.status_code == 204 and answer.headers["HX-Redirect"] == f"/cases/{world.unassigned.case_id}"
    with store.sessions() as session:
        reply = session.scalars(select(Reply)).one()
        message = session.scalars(select(OutboxMessage)).one()
    assert reply.state == "sent" and message.reply_id == reply.id and message.status == "pending"
    outbox = ana.get("/outbox").text
    assert f'data-message-id="{message.id}"' in outbox and CLEAN in outbox
    assert 'data-testid="outbox-cancel"' not in outbox  # agents only look


def test_a_reply_needing_approval_cannot_be_sent_and_leaves_no_draft(world: InboxWorld, ana: TestClient,
                                                                     store: Store) -> None:  # fmt: skip
    answer = ana.post(f"/cases/{world.mine.case_id}/replies", data={"text": GUARANTEE, "then": "send"})
    assert answer.status_code == 409 and "approv" in answer.text
    with store.sessions() as session:
        assert session.scalars(select(Reply)).first() is None


def test_the_approval_path(world: InboxWorld, ana: TestClient, sue: TestClient, store: Store) -> None:
    case_url = f"/cases/{world.mine.case_id}"
    assert ana.post(f"{case_url}/replies", data={"text": GUARANTEE, "then": "submit"}).status_code == 200  # followed
    with store.sessions() as session:
        reply_id = session.scalars(select(Reply.id)).one()
    assert ana.get("/approvals").status_code == 403  # agents have no approvals queue
    assert ana.post(f"/replies/{reply_id}/approve").status_code == 403
    queue = sue.get("/approvals").text
    assert f'data-reply-id="{reply_id}"' in queue and 'data-testid="reply-approve"' in queue
    approved = sue.post(f"/replies/{reply_id}/approve", data={"next": "/approvals"}, follow_redirects=False)
    assert approved.status_code == 303 and approved.headers["location"] == "/approvals"
    assert 'data-testid="approvals-empty"' in sue.get("/approvals").text
    page = ana.get(case_url).text
    assert 'data-testid="reply-send"' in page
    assert ana.post(f"/replies/{reply_id}/send").status_code == 200
    with store.sessions() as session:
        assert session.get_one(Reply, reply_id).state == "sent"
        assert session.scalars(select(OutboxMessage.reply_id)).one() == reply_id


def test_a_manager_cannot_approve_their_own_reply_and_a_rejection_needs_a_reason(
    world: InboxWorld, sue: TestClient, ana: TestClient, store: Store
) -> None:
    sue.post(f"/cases/{world.mine.case_id}/replies", data={"text": GUARANTEE, "then": "submit"})
    with store.sessions() as session:
        reply_id = session.scalars(select(Reply.id)).one()
    own = sue.post(f"/replies/{reply_id}/approve")
    assert own.status_code == 409  # a business refusal, not a role refusal
    assert sue.post(f"/replies/{reply_id}/reject").status_code == 422


def test_notes_tags_status_and_taking_a_case(world: InboxWorld, ana: TestClient, store: Store) -> None:
    case_url = f"/cases/{world.unassigned.case_id}"
    for path, data in (("notes", {"text": "Called the customer"}), ("tags", {"tags": "refund, urgent"}),
                       ("tags/remove", {"tag": "urgent"}), ("status", {"status": "waiting_on_customer"}),
                       ("take", {})):  # fmt: skip
        answer = ana.post(f"{case_url}/{path}", data=data, follow_redirects=False)
        assert answer.status_code == 303, (path, answer.text)
    page = ana.get(case_url).text
    assert "Called the customer" in page and 'data-testid="case-tag">refund<' in page
    assert 'data-testid="case-assignee">ana<' in page and "waiting on customer" in page
    with store.sessions() as session:
        kinds = set(session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == world.unassigned.case_id)))
    assert {"note", "tags_changed", "status_changed", "assigned"} <= kinds
    assert ana.post(f"{case_url}/notes", data={"text": "   "}).status_code == 422
    assert ana.post(f"{case_url}/assign", data={"employee": "bob"}).status_code == 403  # agents cannot assign


def test_one_click_corrections_are_stored_for_training(world: InboxWorld, ana: TestClient, store: Store) -> None:
    post_id = world.mine.post_ids[0]
    page = ana.get(f"/cases/{world.mine.case_id}").text
    assert 'data-testid="correct-sentiment-negative"' in page
    answer = ana.post(f"/posts/{post_id}/corrections", data={"task": "sentiment", "label": "neutral"})
    assert answer.status_code == 201 and "sentiment = neutral" in answer.text
    both = ana.post(f"/posts/{post_id}/corrections", data={"task": "intent", "label": ["lost_item", "complaint"]})
    assert both.status_code == 201
    assert ana.post(f"/posts/{post_id}/corrections", data={"task": "sentiment", "label": ["a", "b"]}).status_code == 422
    with store.sessions() as session:
        rows = list(session.scalars(select(LabelCorrection).order_by(LabelCorrection.id)))
    assert [(r.task, r.labels, r.corrected_by) for r in rows] == [
        ("sentiment", ["neutral"], "ana"), ("intent", ["lost_item", "complaint"], "ana")
    ]  # fmt: skip
    assert rows[0].previous == {"label": "negative", "scores": {"negative": 0.9}}
    assert rows[0].text == "My bag never arrived at ORD!"


def test_managers_cancel_and_retry_outbox_messages(world: InboxWorld, ana: TestClient, sue: TestClient,
                                                   store: Store) -> None:  # fmt: skip
    ana.post(f"/cases/{world.unassigned.case_id}/replies", data={"text": CLEAN, "then": "send"})
    with store.sessions() as session:
        message_id = session.scalars(select(OutboxMessage.id)).one()
    assert ana.post(f"/outbox/{message_id}/cancel").status_code == 403
    assert 'data-testid="outbox-cancel"' in sue.get("/outbox").text
    assert sue.post(f"/outbox/{message_id}/cancel", follow_redirects=False).status_code == 303
    assert 'data-status="cancelled"' in sue.get("/outbox?status=cancelled").text
    assert sue.post(f"/outbox/{message_id}/retry").status_code == 409  # only a dead message can be retried
