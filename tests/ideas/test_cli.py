from __future__ import annotations

from pathlib import Path

import pytest

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import Conflict
from tests.ideas.world import ingest, post, seed, vector
from tests.support.cli import invoke, invoke_json

AT = "2026-03-03T09:00:00Z"


def test_the_ideas_board_from_the_command_line(store: Store, tmp_path: Path) -> None:
    ids = ingest(store, tmp_path, [
        post("1801", "ana", "please add a USB-C port to the PulsePad", followers=50),
        post("1802", "ben", "USB-C on the PulsePad please", minutes=1, followers=5000),
        post("1803", "cara", "a dark mode for the PulsePad app", minutes=2, followers=10),
        post("1804", "dan", "the PulsePad app needs dark mode", minutes=3, followers=10),
        post("1805", "eve", "dark mode, PulsePad app", minutes=4, followers=10),
        post("1806", "fay", "PulsePad with a USB-C charger", minutes=5, followers=20),
    ])  # fmt: skip
    with write_transaction(store.sessions) as session:
        for key, axis in (("1801", 0), ("1802", 0), ("1803", 2), ("1804", 2), ("1805", 2), ("1806", 5)):
            seed(session, ids[key], embedding=vector(axis))
    collected = invoke_json("ideas", "collect", "--now", AT)
    assert collected["posts"] == 6 and len(collected["created"]) == 3
    usb, dark, charger = collected["created"]

    by_customers = invoke_json("ideas", "list", "--now", AT)["ideas"]
    assert [i["id"] for i in by_customers] == [dark, usb, charger]
    by_reach = invoke_json("ideas", "list", "--sort", "reach", "--now", AT)["ideas"]
    assert [i["id"] for i in by_reach] == [usb, dark, charger] and by_reach[0]["reach"] == 5050

    assert invoke_json("ideas", "vote", str(usb), "--by", "max", "--now", AT)["voter"] == "max"
    assert invoke_json("ideas", "comment", str(usb), "looks doable", "--by", "max", "--now", AT)["author"] == "max"
    assert invoke_json("ideas", "owner", str(usb), "Product design", "--by", "max")["department"] == "Product design"
    merged = invoke_json("ideas", "merge", str(charger), str(usb), "--by", "max", "--now", AT)
    assert (merged["posts"], merged["loop"]) == (1, None)
    invoke_json("ideas", "status", str(usb), "under_review", "--by", "max", "--now", AT)
    planned = invoke_json("ideas", "status", str(usb), "planned", "--by", "max", "--now", AT)
    assert sorted(n["customer"] for n in planned["loop"]["notified"] if n["outcome"] == "queued") == [
        "ana", "ben", "fay"
    ]  # fmt: skip

    shown = invoke_json("ideas", "show", str(usb), "--now", AT)
    assert (shown["status"], shown["owner"], shown["customers"], shown["votes"]) == ("planned", "Product design", 3, 4)
    assert shown["merged_from"] == [charger] and len(shown["notifications"]) == 3
    assert [c["text"] for c in shown["comments"]] == ["looks doable"]
    human = invoke("ideas", "show", str(usb), "--now", AT)
    assert human.exit_code == 0 and "Product design" in human.stdout and "queued" in human.stdout
    table = invoke("ideas", "list", "--status", "planned", "--now", AT)
    assert table.exit_code == 0 and str(usb) in table.stdout and "planned" in table.stdout
    assert invoke_json("ideas", "list", "--status", "new", "--now", AT)["ideas"][0]["id"] == dark

    with pytest.raises(Conflict, match="cannot become shipped"):
        invoke("ideas", "status", str(usb), "shipped", "--by", "max")
