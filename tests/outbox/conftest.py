from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_channel_apis import FakeApiServer, fake_api_server


@pytest.fixture
def fake_api() -> Iterator[FakeApiServer]:
    """A local fake of the channel APIs; every request a sender made must have passed its checks."""
    with fake_api_server() as server:
        yield server
        assert server.problems == [], "the fake API refused requests:\n" + "\n".join(server.problems)
