"""`groundswell departments import/list/insights/digest` as a user types them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from groundswell.cli.common import Store
from groundswell.errors import InvalidInput, NotFound
from tests.departments.world import DOCUMENT, WEEK, World
from tests.support.cli import invoke, invoke_json

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "departments"


def test_import_list_insights_and_digest(store: Store, tmp_path: Path) -> None:
    file = tmp_path / "departments.yaml"
    file.write_text(yaml.safe_dump(DOCUMENT), encoding="utf-8")
    assert invoke_json("departments", "import", str(file))["created"] == ["product design", "pricing", "marketing"]
    assert invoke_json("departments", "import", str(file))["unchanged"] == ["product design", "pricing", "marketing"]
    listed = invoke_json("departments", "list")["departments"]
    assert [d["name"] for d in listed] == ["marketing", "pricing", "product design"]
    with store.sessions.begin() as session:
        w = World(session)
        for i in range(3):
            w.post(f"c{i}", WEEK + timedelta(days=i), "the subscription price doubled", sentiment="negative",
                   topics={"Billing & Payments": 0.9})  # fmt: skip
    found = invoke_json("departments", "insights", "pricing", "--since", "2026-03-02", "--until", "2026-03-09")
    (insight,) = found["insights"]
    assert insight["customers"] == 3 and insight["sentiment"] == {"negative": 1.0}
    assert [d["count"] for d in insight["trend"]["per_day"]][:4] == [1, 1, 1, 0]
    page = tmp_path / "digest.html"
    sent = invoke_json("departments", "digest", "pricing", "--week", "2026-W10", "--output", str(page), "--send",
                       "--now", "2026-03-09T08:00:00Z")  # fmt: skip
    assert sent["insights"] == 1 and len(sent["queued"]) == 2 and page.read_text().startswith("<!DOCTYPE html>")
    text = invoke("departments", "digest", "pricing", "--week", "2026-W10")
    assert text.exit_code == 0 and "3 posts from 3 distinct customers" in text.stdout


def test_user_errors_are_explained(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("departments:\n  - name: pricing\n    subscriptions: {intents: [haggling]}\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bad.yaml: departments.0.subscriptions.intents: unknown intent\(s\) hag"):
        invoke("departments", "import", str(bad))
    with pytest.raises(NotFound, match="departments import FILE"):
        invoke("departments", "insights", "legal")
    with pytest.raises(InvalidInput, match="2026-W10"):
        invoke("departments", "digest", "pricing", "--week", "W10")


def test_the_examples_import(store: Store) -> None:
    voltline = invoke_json("departments", "import", str(EXAMPLES / "voltline.yaml"))
    assert voltline["created"] == ["product design", "marketing", "pricing", "support", "leadership"]
    listed = {d["name"]: d for d in invoke_json("departments", "list")["departments"]}
    catalogue = (EXAMPLES.parent / "catalogue" / "voltline.yaml").resolve()
    assert listed["product design"]["subscriptions"]["new_themes"]["catalogue"] == str(catalogue)  # file-relative
    assert listed["marketing"]["subscriptions"]["new_themes"]["brands"] == ["Voltline"]
    airline = invoke_json("departments", "import", str(EXAMPLES / "airline.yaml"))
    assert airline["created"] == ["operations"] and airline["updated"] == ["support", "pricing", "leadership"]
