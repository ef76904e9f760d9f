"""`groundswell demo` opens a working product (issue 5): each account gets a printed password unless
GROUNDSWELL_DEMO_PASSWORD is set, and the web app is served on --host/--port unless --no-serve. What the demo
stores (people, rules, cases, accounts) is checked by tests/web/browser/test_demo_in_browser.py, which runs it
once for the browser too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.db.engine import make_engine, make_session_factory
from groundswell.models import Case
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


def test_without_a_demo_password_each_account_gets_a_printed_one(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GROUNDSWELL_DEMO_PASSWORD", raising=False)
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
