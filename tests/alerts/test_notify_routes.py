"""The alert routing configuration: validation messages, the example file, and which routes match."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from groundswell.alerts.routes import SEVERITIES, load_routes, parse_routes
from groundswell.errors import ConfigurationError, InvalidInput

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "alerting" / "routes.yaml"


def config(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "targets": [
            {"name": "leads", "kind": "email", "addresses": ["lead@voltline.example"]},
            {"name": "pager", "kind": "webhook", "url": "https://hooks.example/gs", "secret": "s" * 32},
            {"name": "room", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/X"},
            {"name": "execs", "kind": "teams", "url": "https://example.webhook.office.com/webhookb2/x"},
        ],
        "routes": [{"name": "all", "levels": [{"targets": ["room"]}, {"after_minutes": 15, "targets": ["leads"]}]}],
    }
    document.update(overrides)
    return document


def test_a_valid_configuration_loads() -> None:
    routes = parse_routes(config())
    assert [t.kind for t in routes.targets] == ["email", "webhook", "slack", "teams"]
    assert routes.routes[0].levels[1].after_minutes == 15
    assert routes.webhook_secrets() == {"https://hooks.example/gs": "s" * 32}


def test_the_example_file_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = load_routes(EXAMPLE)
    monkeypatch.setenv("GS_PAGER_SECRET", "x" * 40)
    assert set(routes.webhook_secrets().values()) == {"x" * 40}
    assert {t.kind for t in routes.targets} == {"email", "webhook", "slack", "teams"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"routes": [{"name": "r", "levels": [{"targets": ["nobody"]}]}]}, "unknown targets nobody"),
        ({"routes": [{"name": "r", "levels": [{"after_minutes": 5, "targets": ["room"]}]}]}, "level 0 is notified"),
        ({"routes": [{"name": "r", "levels": [{"targets": ["room"]}, {"targets": ["leads"]}]}]}, "after_minutes > 0"),
        ({"routes": [{"name": "r", "min_severity": "severe", "levels": [{"targets": ["room"]}]}]}, "min_severity"),
        ({"routes": []}, "routes: List should have at least 1 item"),
        ({"targets": [{"name": "p", "kind": "webhook", "url": "https://h.example/x"}]}, "exactly one of `secret`"),
        ({"targets": [{"name": "p", "kind": "webhook", "url": "https://h.example/x", "secret": "short"}]}, "16 char"),
        ({"targets": [{"name": "room", "kind": "slack", "url": "hooks.slack.com/x"}]}, "not an http(s) URL"),
        ({"targets": [{"name": "m", "kind": "email", "addresses": ["not-an-address"]}]}, "not e-mail addresses"),
        ({"targets": [{"name": "m", "kind": "pager", "url": "https://x.example"}]}, "expected tags"),
        ({"targets": [{"name": "room", "kind": "slack", "url": "https://a.example/1"}] * 2}, "appear more than once"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_invalid_configurations_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match="is not a valid alert routing configuration") as caught:
        parse_routes(config(**change))
    assert message in caught.value.message


def test_two_webhooks_on_one_url_need_one_secret() -> None:
    hooks = [{"name": n, "kind": "webhook", "url": "https://h.example/x", "secret": n * 16} for n in "ab"]
    with pytest.raises(InvalidInput, match="share a URL but not a secret"):
        parse_routes(config(targets=hooks, routes=[{"name": "r", "levels": [{"targets": ["a"]}]}]))


def test_a_missing_secret_variable_is_a_configuration_error() -> None:
    hook = {"name": "p", "kind": "webhook", "url": "https://h.example/x", "secret_env": "GS_TEST_NOT_SET"}
    routes = parse_routes(config(targets=[hook], routes=[{"name": "r", "levels": [{"targets": ["p"]}]}]))
    with pytest.raises(ConfigurationError, match="set the environment variable GS_TEST_NOT_SET"):
        routes.webhook_secrets({})


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read the alert routes file"):
        load_routes(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets: [unclosed\n")
    with pytest.raises(InvalidInput, match="is not valid YAML"):
        load_routes(bad)
    bad.write_text("- a list\n")
    with pytest.raises(InvalidInput, match="must hold a mapping"):
        load_routes(bad)


SCOPED = config(
    routes=[
        {"name": "any-high", "min_severity": "high", "levels": [{"targets": ["execs"]}]},
        {"name": "voltline", "scope_kind": "brand", "scopes": ["Voltline"], "levels": [{"targets": ["room"]}]},
        {"name": "topic-medium", "min_severity": "medium", "scope_kind": "topic", "levels": [{"targets": ["leads"]}]},
        {"name": "anger", "kinds": ["anger_shift"], "min_severity": "critical", "levels": [{"targets": ["pager"]}]},
    ]
)


@pytest.mark.parametrize(
    ("severity", "scope_kind", "scope", "kind"),
    list(itertools.product(SEVERITIES, ["brand", "topic"], ["Voltline", "Other"], ["volume_spike", "anger_shift"])),
)
def test_routing_matrix(severity: str, scope_kind: str, scope: str, kind: str) -> None:
    routes = parse_routes(SCOPED)
    rank = SEVERITIES.index(severity)
    expected = set()
    if rank >= 2:
        expected.add("any-high")
    if scope_kind == "brand" and scope == "Voltline":
        expected.add("voltline")
    if scope_kind == "topic" and rank >= 1:
        expected.add("topic-medium")
    if kind == "anger_shift" and severity == "critical":
        expected.add("anger")
    got = routes.matching(severity=severity, scope_kind=scope_kind, scope=scope, kind=kind)
    assert {r.name for r in got} == expected
