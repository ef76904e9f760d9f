"""`groundswell webhooks`: add (the secret printed once), list without secrets, pause, rotate, remove."""

from __future__ import annotations

import pytest

from groundswell.cli.common import Store
from groundswell.errors import InvalidInput, NotFound
from tests.support.cli import invoke, invoke_json


def test_add_list_pause_rotate_remove(store: Store) -> None:
    added = invoke_json("webhooks", "add", "crm", "https://crm.example.test/hook", "--by", "ops")
    assert added["events"] == ["case.created", "case.breached", "reply.sent"] and len(added["secret"]) >= 32
    only = invoke_json("webhooks", "add", "pager", "https://pager.example.test/x", "-e", "case.breached")
    assert only["events"] == ["case.breached"]
    listed = invoke_json("webhooks", "list")["subscriptions"]
    assert [s["name"] for s in listed] == ["crm", "pager"] and all("secret" not in s for s in listed)
    assert invoke_json("webhooks", "update", str(added["id"]), "--inactive")["active"] is False
    rotated = invoke_json("webhooks", "rotate-secret", str(added["id"]))
    assert rotated["secret"] != added["secret"]
    table = invoke("webhooks", "list")
    assert table.exit_code == 0 and "pager" in table.output and added["secret"] not in table.output
    assert invoke_json("webhooks", "remove", str(only["id"])) == {"id": only["id"], "removed": True}
    assert [s["name"] for s in invoke_json("webhooks", "list")["subscriptions"]] == ["crm"]
    with pytest.raises(NotFound):
        invoke("webhooks", "remove", str(only["id"]))
    with pytest.raises(InvalidInput, match=r"case\.exploded"):
        invoke("webhooks", "add", "bad", "https://x.example.test", "-e", "case.exploded")
