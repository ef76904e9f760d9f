"""Helpers for the web app's tests: sign in like a browser, and run the app on a real port (uvicorn)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient  # a client of its own (httpx2), not an httpx.Client

CSRF_META = re.compile(r'data-csrf="([^"]+)"')
LOGIN_CSRF = re.compile(r'name="login_csrf" value="([^"]+)"')


def sign_in(client: httpx.Client | TestClient, username: str, password: str) -> str:
    """Sign in through the form; the client then sends the session's CSRF token as a header. Returns it."""
    page = client.get("/login")
    token = LOGIN_CSRF.search(page.text)
    assert token, page.text
    answer = client.post(
        "/login", data={"username": username, "password": password, "login_csrf": token.group(1), "next": "/"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    home = client.get("/account")
    csrf = CSRF_META.search(home.text)
    assert csrf, f"no CSRF token on {home.url}: {home.text[:500]}"
    client.headers["X-CSRF-Token"] = csrf.group(1)
    return csrf.group(1)


@dataclass(frozen=True)
class LiveServer:
    url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    """The app on a real HTTP port in a background thread, for the browser and schemathesis."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
