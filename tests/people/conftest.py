from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """One write transaction for the test, committed when it ends."""
    with write_transaction(store.sessions) as opened:
        yield opened
