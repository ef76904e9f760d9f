"""The web app over the test database: an in-process client, users of every role, and a real server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.users import service as users
from groundswell.users.permissions import Role
from groundswell.web.app import create_app
from tests.support.web import LiveServer, live_server, sign_in

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class WebUser:
    username: str
    password: str
    role: str
    token: str  # an API token with read and write scopes


@pytest.fixture
def app(store: Store) -> FastAPI:
    return create_app(store)


@pytest.fixture
def make_user(store: Store) -> Callable[..., WebUser]:
    def make(role: str, *, username: str | None = None, employee: str | None = None) -> WebUser:
        name = username or f"{role}-user"
        with write_transaction(store.sessions) as session:
            created = users.create_user(session, username=name, role=role, password=PASSWORD, employee_handle=employee)
            token = users.create_token(
                session, user_id=created.user.id, name="tests", scopes=["read", "write"], actor="tests"
            )
        return WebUser(username=name, password=PASSWORD, role=role, token=token.token)

    return make


@pytest.fixture
def role_users(make_user: Callable[..., WebUser]) -> dict[str, WebUser]:
    return {role.value: make_user(role.value) for role in Role}


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def signed_in(app: FastAPI) -> Callable[[WebUser], TestClient]:
    """A browser-like client signed in as a user, sending the session's CSRF token on every request."""

    def make(user: WebUser) -> TestClient:
        test_client = TestClient(app, base_url="http://testserver")
        sign_in(test_client, user.username, user.password)
        return test_client

    return make


@pytest.fixture
def server(app: FastAPI) -> Iterator[LiveServer]:
    with live_server(app) as running:
        yield running
