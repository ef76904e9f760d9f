"""Issue 5, done when 1 and 2: `groundswell demo` opens a working product, driven in a real browser.

The demo fills a database (posts, enrichment, Voltline's people, rules and accounts, inbox cases), checked in
the database first. The app is then served over it on a real port, and chromium signs in as the demo's agent:
the inbox lists their cases, a case opens, a draft with a phone number raises a policy finding as it is typed, a
clean reply is sent and shows in the outbox, and the dashboard draws its charts. Then the approval path: the
agent's promise of a refund needs approval, the manager approves it in the approvals queue, and the agent sends
it. Screenshots of every step are saved under test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store, open_store
from groundswell.cli.demo_workplace import INTAKE_DAYS
from groundswell.models import Case, CasePost, Employee, OutboxMessage, Post, Reply, RoutingRulesVersion, Team, User
from groundswell.users import service as users
from groundswell.web.app import create_app
from tests.support.cli import invoke
from tests.support.web import LiveServer, live_server
from tests.web.browser.conftest import Screenshots

PASSWORD = "voltline demo password"
RISKY = "Sorry about that! Call me on +1 415 555 0132 and I will sort it out."
CLEAN = "Thanks for telling us. We are looking into it and will update you here today."
PROMISE = "We guarantee a full refund for this, no questions asked."


@pytest.fixture
def demo_server(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LiveServer, Store]]:
    monkeypatch.setenv("GROUNDSWELL_DEMO_PASSWORD", PASSWORD)
    result = invoke("demo", "--volume", "400", "--seed", "5", "--no-serve")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Voltline at work: 12 teams and 31 employees" in out, out
    assert "Sign in to the web app (password from GROUNDSWELL_DEMO_PASSWORD)" in out
    assert PASSWORD not in out, "a password the user chose is not echoed"
    assert "groundswell serve --db" in out
    store = open_store(database_url)
    with store.sessions() as session:
        _check_the_demo_workplace(session)
    with live_server(create_app(store)) as server:
        yield server, store
    store.engine.dispose()


def _check_the_demo_workplace(session: Session) -> None:
    assert session.scalar(select(func.count()).select_from(Team)) == 12
    assert session.scalar(select(func.count()).select_from(RoutingRulesVersion)) == 1
    cases = session.scalars(select(Case)).all()
    assert len(cases) >= 5, "the inbox has demo cases"
    # Only the demo's last days are taken in; every case starts with a post from them.
    newest = session.scalar(select(func.max(Post.created_at)))
    assert newest is not None
    first_posts = session.scalars(select(func.min(Post.created_at)).join(CasePost).group_by(CasePost.case_id))
    assert min(first_posts) >= newest - timedelta(days=INTAKE_DAYS, hours=1)
    handles = {e.id: e.handle for e in session.scalars(select(Employee))}
    accounts = {u.username: u for u in session.scalars(select(User))}
    assert {name: (u.role, handles.get(u.employee_id or 0)) for name, u in accounts.items()} == {
        "admin": ("admin", "alex.morgan"), "agent": ("agent", "sam.okafor"), "manager": ("manager", "dana.reyes"),
    }  # fmt: skip
    assignees = {handles.get(case.assignee_id or 0) for case in cases}
    assert "sam.okafor" in assignees, "the demo agent has cases"
    assert "alex.morgan" not in assignees, "the admin's capacity is 0"
    for name in accounts:
        assert users.authenticate(session, username=name, password=PASSWORD).username == name


def _sign_in(browser: Any, server: LiveServer, username: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/inbox**")
    return page


def _open_a_case_a_clean_reply_may_leave(page: Any, server: LiveServer) -> str:
    """The agent's first case whose clean reply needs nobody's approval (a VIP's case would)."""
    links = page.locator('[data-testid="inbox-row"] a.case-link')
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 8))]
    for href in hrefs:
        page.goto(f"{server.url}{href}")
        page.locator("#reply-text").fill(CLEAN)
        page.wait_for_selector('[data-testid="findings-clean"]')
        if page.locator('[data-testid="findings-sendable"]').count():
            return str(href)
    raise AssertionError(f"none of the agent's cases {hrefs} takes a reply without approval")


def test_the_demo_in_a_browser(browser: Any, demo_server: tuple[LiveServer, Store], screenshots: Screenshots) -> None:
    server, store = demo_server
    agent = _sign_in(browser, server, "agent")
    rows = agent.locator('[data-testid="inbox-row"]')
    assert rows.count() > 0, "the demo agent's inbox lists their cases"
    screenshots.take(agent, "inbox")

    case_url = _open_a_case_a_clean_reply_may_leave(agent, server)
    agent.locator("#reply-text").fill("")
    agent.locator("#reply-text").press_sequentially(RISKY, delay=5)  # typed, so the findings follow the typing
    finding = agent.locator('#findings [data-testid="finding"]').first
    finding.wait_for()
    assert "phone" in finding.inner_text().lower() or finding.get_attribute("data-code", timeout=1000)
    screenshots.take(agent, "policy-finding-while-typing")

    agent.locator("#reply-text").fill(CLEAN)
    agent.wait_for_selector('[data-testid="findings-sendable"]')
    agent.locator('[data-testid="compose-send"]').click()
    agent.wait_for_selector('[data-testid="reply"][data-state="sent"]')
    screenshots.take(agent, "clean-reply-sent")

    agent.goto(f"{server.url}/outbox")
    queued = agent.locator('[data-testid="outbox-row"]', has_text=CLEAN[:30])
    assert queued.count() == 1, "the reply waits in the outbox"
    screenshots.take(agent, "outbox")

    agent.goto(f"{server.url}/dashboard")
    for chart in ("volume", "sentiment", "intents", "response_times"):
        agent.wait_for_selector(f'canvas#chart-{chart}[data-rendered="true"]')
    screenshots.take(agent, "dashboard")

    # The approval path: a promise needs a manager's approval before it may be sent.
    agent.goto(f"{server.url}{case_url}")
    agent.locator("#reply-text").fill(PROMISE)
    agent.wait_for_selector('[data-testid="findings-approval"]')
    agent.locator('[data-testid="compose-submit"]').click()
    agent.wait_for_selector('[data-testid="reply"][data-state="pending_approval"]')
    screenshots.take(agent, "submitted-for-approval")

    manager = _sign_in(browser, server, "manager")
    manager.goto(f"{server.url}/approvals")
    waiting = manager.locator('[data-testid="approval"]', has_text="guarantee")
    assert waiting.count() == 1
    screenshots.take(manager, "approvals-queue")
    waiting.locator('[data-testid="reply-approve"]').click()
    manager.wait_for_selector('[data-testid="approvals-empty"]')
    screenshots.take(manager, "approved")

    agent.goto(f"{server.url}{case_url}")
    approved = agent.locator('[data-testid="reply"][data-state="approved"]')
    approved.locator('[data-testid="reply-send"]').click()
    agent.wait_for_selector('[data-testid="reply"][data-state="sent"] >> text=guarantee')
    screenshots.take(agent, "approved-reply-sent")

    with store.sessions() as session:
        sent = session.scalars(select(Reply).where(Reply.state == "sent")).all()
        assert {r.text for r in sent} == {CLEAN, PROMISE}
        assert next(r for r in sent if r.text == PROMISE).approved_by == "dana.reyes"
        queued_ids = set(session.scalars(select(OutboxMessage.reply_id)))
        assert {r.id for r in sent} <= queued_ids

    agent.set_viewport_size({"width": 390, "height": 844})  # a phone on the shop floor
    agent.goto(f"{server.url}/inbox")
    assert agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshots.take(agent, "inbox-on-a-phone")
