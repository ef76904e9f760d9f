from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.models import Reply
from groundswell.replies.schemas import ReplyView
from tests.replies.world import World, add_case, add_staff

Act = Callable[..., ReplyView]


@pytest.fixture
def world(store: Store) -> World:
    with write_transaction(store.sessions) as session:
        add_staff(session)
        return add_case(session)


@pytest.fixture
def act(store: Store) -> Act:
    """Run one reply service function in its own transaction, as a command would, and return the view."""

    def run(function: Callable[..., Reply], **kwargs: Any) -> ReplyView:
        with write_transaction(store.sessions) as session:
            return ReplyView.of(function(session, **kwargs))

    return run
