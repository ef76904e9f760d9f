from __future__ import annotations

import pytest

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from tests.incidents.world import Crisis, add_crisis


@pytest.fixture
def crisis(store: Store) -> Crisis:
    with write_transaction(store.sessions) as session:
        return add_crisis(session)
