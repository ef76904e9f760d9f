from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from tests.web.conftest import WebUser
from tests.web.ui_cases.world import InboxWorld, build


@pytest.fixture
def world(store: Store) -> InboxWorld:
    with write_transaction(store.sessions) as session:
        return build(session)


@pytest.fixture
def ana(world: InboxWorld, make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]) -> TestClient:
    """An agent, linked to employee ana."""
    return signed_in(make_user("agent", username="ana", employee="ana"))


@pytest.fixture
def sue(world: InboxWorld, make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]) -> TestClient:
    """A manager, linked to employee sue."""
    return signed_in(make_user("manager", username="sue", employee="sue"))
