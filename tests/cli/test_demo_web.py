"""`groundswell demo` opens a working product (issue 5): Voltline's people, rules and templates are imported,
the demo's last days become cases, an admin, an agent and a manager may sign in (printed passwords, or
GROUNDSWELL_DEMO_PASSWORD), and the web app is served on --host/--port unless --no-serve."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.cli.demo_workplace import INTAKE_DAYS
from groundswell.db.engine import make_engine, make_session_factory
from groundswell.models import Case, CasePost, Post
from groundswell.models.team import Employee, RoutingRulesVersion, Team
from groundswell.models.user import User
from groundswell.users import service as users
from tests.support.cli import invoke
from tests.support.web import _free_port, sign_in

PASSWORD = "voltline demo password"
ACCOUNT_ROW = re.compile(r"│ (admin|agent|manager) +│ \w+ +│ (\S+) +│")


@contextmanager
def database(url: str) -> Iterator[Session]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def test_the_demo_fills_the_inbox_and_signs_in_its_accounts(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROUNDSWELL_DEMO_PASSWORD", PASSWORD)
    result = invoke("demo", "--volume", "400", "--seed", "5", "--no-serve")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Voltline at work: 12 teams and 30 employees" in out, out
    assert "Sign in to the web app (password from GROUNDSWELL_DEMO_PASSWORD)" in out
    assert PASSWORD not in out, "a password the user chose is not echoed"
    assert "groundswell serve --db" in out

    with database(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Team)) == 12
        assert session.scalar(select(func.count()).select_from(RoutingRulesVersion)) == 1
        cases = session.scalars(select(Case)).all()
        assert len(cases) >= 5, "the inbox has demo cases"
        # Only the demo's last days are taken in; every case starts with a post from them.
        newest = session.scalar(select(func.max(Post.created_at)))
        assert newest is not None
        first_posts = session.scalars(select(func.min(Post.created_at)).join(CasePost).group_by(CasePost.case_id))
        assert min(first_posts) >= newest - timedelta(days=INTAKE_DAYS, hours=1)
        sam = session.scalar(select(Employee).where(Employee.handle == "sam.okafor"))
        assert sam is not None and any(case.assignee_id == sam.id for case in cases), "the demo agent has cases"
        accounts = {u.username: u for u in session.scalars(select(User))}
        assert {name: u.role for name, u in accounts.items()} == {"admin": "admin", "agent": "agent",
                                                                   "manager": "manager"}  # fmt: skip
        handles = {e.id: e.handle for e in session.scalars(select(Employee))}
        assert handles[accounts["agent"].employee_id] == "sam.okafor"  # type: ignore[index]
        assert handles[accounts["manager"].employee_id] == "dana.reyes"  # type: ignore[index]
        for name in accounts:
            assert users.authenticate(session, username=name, password=PASSWORD).username == name


def test_without_a_demo_password_each_account_gets_a_printed_one(database_url: str) -> None:
    result = invoke("demo", "--volume", "100", "--no-enrich", "--no-serve")
    assert result.exit_code == 0, result.output
    printed = dict(ACCOUNT_ROW.findall(result.stdout))
    assert set(printed) == {"admin", "agent", "manager"}, result.stdout
    assert len(set(printed.values())) == 3, "three different passwords"
    with database(database_url) as session:
        for name, password in printed.items():
            assert users.authenticate(session, username=name, password=password).username == name
        # Without enrichment no post can be routed, so the inbox stays empty.
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_demo_serves_the_app_on_the_port_it_is_given(database_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "GROUNDSWELL_DEMO_PASSWORD": PASSWORD, "GROUNDSWELL_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "groundswell", "demo", "--volume", "100", "--no-enrich", "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    log = (tmp_path / "demo.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp_path / "demo.log").read_text()
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the demo never served"
            time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=10) as client:
            sign_in(client, "manager", PASSWORD)
            assert client.get("/account").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
