"""The administration screens through the real app: users, teams and people, routing rules with the
"test on recent posts" preview, SLA attainment, templates, channel checks and the audit log."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from groundswell.cli.common import Store
from groundswell.config import get_settings
from groundswell.db.engine import write_transaction
from groundswell.models import AuditEntry, Case, Employee, SlaClockRecord, SuppressedPost, User
from tests.inbox.cases_support import RULES, add_author, add_post, add_team
from tests.support.smtp_server import smtp_server
from tests.support.web import sign_in
from tests.web.conftest import WebUser

Signed = Callable[[WebUser], TestClient]


@pytest.fixture
def admin(make_user: Callable[..., WebUser], signed_in: Signed) -> TestClient:
    client = signed_in(make_user("admin", username="root"))
    client.follow_redirects = False  # see the 303 of post/redirect/get
    return client


def _audit_actions(store: Store) -> list[str]:
    with store.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_admin_creates_a_user_who_can_sign_in_then_changes_and_deactivates_them(
    admin: TestClient, app: object, store: Store
) -> None:
    created = admin.post("/admin/users", data={"username": "Dana", "role": "agent", "display_name": "Dana K"})
    assert created.status_code == 201
    password = re.search(r'id="shown-password".*?<code>([^<]+)</code>', created.text, re.S)
    assert password, created.text
    with TestClient(app, base_url="http://testserver") as browser:  # type: ignore[arg-type]
        sign_in(browser, "dana", password.group(1))  # type: ignore[arg-type]
    with store.sessions() as session:
        dana = session.scalars(select(User).where(User.username == "dana")).one()
    assert admin.post(f"/admin/users/{dana.id}", data={"role": "manager", "active": "true"}).status_code == 303
    assert admin.post(f"/admin/users/{dana.id}", data={"role": "manager"}).status_code == 303  # unchecked: inactive
    with store.sessions() as session:
        changed = session.get(User, dana.id)
        assert changed is not None and (changed.role, changed.active) == ("manager", False)
    reset = admin.post(f"/admin/users/{dana.id}/password", data={"password": "a new long password"})
    assert reset.status_code == 200
    assert {"user.created", "user.updated", "user.password_set"} <= set(_audit_actions(store))
    page = admin.get("/admin/users")
    assert 'data-testid="user-dana"' in page.text and "deactivated" in page.text


def test_an_admin_cannot_lock_themselves_out_and_bad_input_is_explained(admin: TestClient, store: Store) -> None:
    with store.sessions() as session:
        me = session.scalars(select(User).where(User.username == "root")).one()
    refused = admin.post(f"/admin/users/{me.id}", data={"role": "viewer", "active": "true"})
    assert refused.status_code == 409 and "your own role" in refused.text
    short = admin.post("/admin/users", data={"username": "eve", "role": "agent", "password": "short"})
    assert short.status_code == 422 and "at least" in short.text
    assert admin.post("/admin/users", data={"username": "root", "role": "agent"}).status_code == 409


def test_a_manager_sees_users_without_the_forms(make_user: Callable[..., WebUser], signed_in: Signed) -> None:
    manager = signed_in(make_user("manager"))
    page = manager.get("/admin/users")
    assert page.status_code == 200 and "New user" not in page.text and "Set password" not in page.text
    assert manager.post("/admin/users", data={"username": "x", "role": "agent"}).status_code == 403


def test_teams_and_people_with_skills_place_shift_leave_and_capacity(admin: TestClient, store: Store) -> None:
    made = admin.post("/admin/teams", data={"name": "care", "strategy": "round_robin", "place": "ORD",
                                            "calendar": 'timezone: UTC\nhours: {mon-fri: "09:00-17:00"}'})  # fmt: skip
    assert made.status_code == 303 and made.headers["location"] == "/admin/teams/care"
    person = admin.post("/admin/people", data={"handle": "sam", "role": "agent", "team": "care"})
    assert person.status_code == 303
    update = {
        "role": "agent", "max_open_cases": "4", "team": "care", "display_name": "Sam", "place": "LAX",
        "shift": 'timezone: America/Los_Angeles\nhours: {daily: "08:00-16:00"}',
        "skills_topics": "baggage, refunds", "skills_languages": "en,es", "trainee": "true",
    }  # fmt: skip
    assert admin.post("/admin/people/sam", data=update).status_code == 303
    assert admin.post("/admin/people/sam/leave", data={"on_leave": "true"}).status_code == 303
    with store.sessions() as session:
        sam = session.scalars(select(Employee).where(Employee.handle == "sam")).one()
        assert sam.skills["topics"] == ["baggage", "refunds"] and sam.skills["languages"] == ["en", "es"]
        assert sam.place == "LAX" and sam.latitude is not None and sam.max_open_cases == 4
        assert sam.shift is not None and sam.shift["timezone"] == "America/Los_Angeles"
        assert sam.on_leave and sam.trainee
    # The place text unchanged keeps the stored coordinates; a bad shift is refused with the reason.
    bad = admin.post("/admin/people/sam", data=update | {"shift": "hours: [nonsense"})
    assert bad.status_code == 422 and "not valid YAML" in bad.text
    assert admin.post("/admin/people/sam/active", data={"active": "false"}).status_code == 303
    assert "inactive" in admin.get("/admin/people?inactive=true").text
    team = admin.get("/admin/teams/care")
    assert 'data-testid="employee-sam"' in team.text and "0 / 4" in team.text
    assert admin.get("/admin/teams/nobody").status_code == 404
    assert {"team.create", "employee.create", "employee.update", "employee.leave", "employee.deactivate"} <= set(
        _audit_actions(store)
    )


CHANGED_RULES = RULES.replace("then: {team: ghosts}", "then: {team: care, priority: p1, tags: [spooky]}")


def test_rules_versions_validation_diff_activation_and_preview_that_writes_nothing(
    admin: TestClient, store: Store
) -> None:
    now = datetime.now(UTC)
    with write_transaction(store.sessions) as session:
        author = add_author(session, "alice")
        for minutes, text in enumerate(["a ghost in my suitcase", "free crypto giveaway", "where is my refund"]):
            add_post(session, author, text, at=now - timedelta(minutes=minutes))
    broken = admin.post("/admin/rules", data={"text": "rules: [{name: x, then: {team: nowhere}}]", "activate": "true"})
    assert broken.status_code == 422 and "Not saved" in broken.text and "nowhere" in broken.text
    assert admin.post("/admin/rules", data={"text": RULES, "activate": "true", "comment": "first"}).status_code == 303
    saved = admin.post("/admin/rules", data={"text": CHANGED_RULES, "comment": "ghosts to care"})
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/rules/2"
    version = admin.get("/admin/rules/2")
    assert "Activate version 2" in version.text and "diff-add" in version.text
    diff = admin.get("/admin/rules/diff?old=1&new=2")
    assert "+    then: {team: care, priority: p1, tags: [spooky]}" in diff.text.replace("&#39;", "'")

    audit_before = len(_audit_actions(store))
    preview = admin.post(
        "/admin/rules/preview", data={"text": CHANGED_RULES, "posts": "10"}, headers={"HX-Request": "true"}
    )
    assert preview.status_code == 200 and "<html" not in preview.text
    assert "3 newest posts routed" in preview.text
    assert "<strong>1</strong> would be routed differently than by active version 1" in preview.text
    assert "ghosts" in preview.text and "spooky" in preview.text and "suppressed" in preview.text
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert session.scalar(select(func.count()).select_from(SuppressedPost)) == 0
    assert len(_audit_actions(store)) == audit_before
    invalid = admin.post("/admin/rules/preview", data={"text": "rules: 3"}, headers={"HX-Request": "true"})
    assert invalid.status_code == 200 and "do not validate" in invalid.text, invalid.text

    assert admin.post("/admin/rules/2/activate").status_code == 303
    assert (
        'data-testid="rules-version-2"><th scope="row"><a href="/admin/rules/2">2</a> <span class="badge met">active'
        in (admin.get("/admin/rules").text)
    )
    assert admin.post("/admin/rules/9/activate").status_code == 404


def test_sla_policies_and_attainment(admin: TestClient, store: Store) -> None:
    assert admin.post("/admin/rules", data={"text": RULES, "activate": "true"}).status_code == 303
    now = datetime.now(UTC)
    with write_transaction(store.sessions) as session:
        author = add_author(session, "bob")
        team = add_team(session, "care-desk")
        for state in ("met", "met", "met", "breached", "running"):
            post = add_post(session, author, f"case {state}")
            case = Case(channel="x", status="open", team_id=team.id, opened_at=now, updated_at=now, subject=post.text)
            session.add(case)
            session.flush()
            clock = SlaClockRecord(
                case_id=case.id, clock="first_response", policy="standard", started_at=now, state=state,
                due_at=now + timedelta(hours=1), target_seconds=3600, calendar={},
            )  # fmt: skip
            session.add(clock)
    page = admin.get("/admin/sla?days=7")
    assert page.status_code == 200, page.text
    assert 'data-testid="sla-policy-standard"' in page.text
    row = page.text.split('data-testid="sla-standard-first_response"')[1].split("</tr>")[0]
    assert "<td>3</td><td>1</td><td>1</td>" in row and "75.0 %" in row


def test_templates_saved_checked_and_deleted(admin: TestClient, store: Store) -> None:
    saved = admin.post("/admin/templates", data={"name": "thanks", "language": "de", "text": "Danke, {customer_name}!"})
    assert saved.status_code == 303
    page = admin.get("/admin/templates?language=de")
    assert 'data-testid="template-thanks-de"' in page.text
    bad = admin.post("/admin/templates", data={"name": "thanks", "language": "de", "text": "Hallo {password}"})
    assert bad.status_code == 422 and "password" in bad.text
    assert admin.post("/admin/templates/delete", data={"name": "thanks", "language": "de"}).status_code == 303
    assert 'data-testid="template-thanks-de"' not in admin.get("/admin/templates").text
    assert admin.post("/admin/templates/delete", data={"name": "thanks", "language": "de"}).status_code == 404


def test_channel_check_talks_to_a_real_smtp_server_and_names_missing_settings(
    admin: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = admin.post("/admin/channels/check", data={"channel": "mastodon"})
    assert "fails" in missing.text and "GROUNDSWELL_MASTODON_ACCESS_TOKEN" in missing.text
    with smtp_server(tmp_path) as server:
        monkeypatch.setenv("GROUNDSWELL_SMTP_HOST", server.host)
        monkeypatch.setenv("GROUNDSWELL_SMTP_PORT", str(server.port))
        monkeypatch.setenv("GROUNDSWELL_SMTP_FROM", "care@example.com")
        monkeypatch.setenv("GROUNDSWELL_SMTP_STARTTLS", "false")
        get_settings.cache_clear()
        works = admin.post("/admin/channels/check", data={"channel": "email"})
        assert "email: works" in works.text and str(server.port) in works.text
        page = admin.get("/admin/channels")
        assert 'data-testid="channel-email"' in page.text
        assert "configured" in page.text.split('data-testid="channel-email"')[1].split("</tr>")[0]
    # The server is gone: the same check now fails and says why.
    assert "email: fails" in admin.post("/admin/channels/check", data={"channel": "email"}).text
    assert admin.post("/admin/channels/check", data={"channel": "pigeon"}).status_code == 422


def test_audit_search_pages_by_id_and_verifies_the_chain(admin: TestClient, store: Store) -> None:
    for number in range(55):
        admin.post("/admin/templates", data={"name": f"t{number}", "language": "en", "text": "Hi {customer_name}"})
    first = admin.get("/admin/audit?action=template.")
    assert first.status_code == 200
    ids = [int(i) for i in re.findall(r'data-testid="audit-(\d+)"', first.text)]
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)
    older = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert older
    second = admin.get(older.group(1).replace("&amp;", "&"))
    rest = [int(i) for i in re.findall(r'data-testid="audit-(\d+)"', second.text)]
    assert len(rest) == 5 and max(rest) < min(ids)
    assert len(re.findall(r'data-testid="audit-', admin.get("/admin/audit?q=t54").text)) == 1
    verified = admin.post("/admin/audit/verify", data={"run": "yes"})
    assert "is intact" in verified.text
    with write_transaction(store.sessions) as session:
        row = session.scalars(select(AuditEntry).order_by(AuditEntry.id).limit(1)).one()
        row.actor = "mallory"
    assert "The chain is broken" in admin.post("/admin/audit/verify", data={"run": "yes"}).text


def test_the_admin_home_lists_only_what_the_role_may_open(
    make_user: Callable[..., WebUser], signed_in: Signed, admin: TestClient
) -> None:
    agent = signed_in(make_user("agent")).get("/admin")
    assert "/admin/teams" in agent.text and "/admin/users" not in agent.text and "/admin/audit" not in agent.text
    assert "/admin/channels" in admin.get("/admin").text
