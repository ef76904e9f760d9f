from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.replay_server import ReplayServer, replay_server


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with replay_server() as server:
        yield server
