from __future__ import annotations

from pathlib import Path

import pytest

from groundswell.routing import RuleSet, load_rules

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def airline() -> RuleSet:
    return load_rules((FIXTURES / "airline_rules.yaml").read_text(encoding="utf-8"))
