"""`groundswell route`: add a routing decision to each line of an enriched JSON-lines file (no database).

Each output line is the input object plus `routing`: {team, priority, sla_policy, first_response_due,
requires_approval, approver_role, suppressed, tags, stopped_by, explanation}. The decision sits under one key
so that it never overwrites a field of the input record (records often carry their own `tags`).

It streams line by line in input order and reads no clock: the deadline is counted from the post's own
`created_at`, so the same input and config always give byte-identical output. A line that is not a JSON
object with a text goes to the rejects file with its line number and reason, and is counted.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from groundswell.cli.common import JsonOption, print_json, stderr
from groundswell.errors import InvalidInput
from groundswell.routing.enriched import read_enriched
from groundswell.routing.rules import route
from groundswell.routing.ruleset import RuleSet
from groundswell.routing.schemas import RoutingDecision
from groundswell.routing.sla import due_at, policy_calendar

NO_TEAM = "(no team)"


def route_command(
    config: Annotated[Path, typer.Option("--config", help="Routing config folder with a rules.yaml.")],
    input_path: Annotated[Path, typer.Option("--input", help="Enriched JSON lines (`groundswell enrich` output).")],
    output: Annotated[Path, typer.Option(help="Where to write the routed JSON lines.")],
    rejects: Annotated[
        Path | None, typer.Option(help="Where unreadable lines go (default: OUTPUT.rejected.jsonl).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Route an enriched JSON-lines file: each output line is the input object plus `routing` (team, priority,
    SLA policy, first-response deadline, approval, tags and the rules that fired, with why), in input order."""
    from groundswell.routing.config_dir import load_config_dir

    loaded = load_config_dir(config)
    if not input_path.is_file():
        raise InvalidInput(f"{input_path} not found")
    rejects_path = rejects or output.with_name(output.name + ".rejected.jsonl")
    read = routed = rejected = 0
    by_team: Counter[str] = Counter()
    with input_path.open("rb") as source, output.open("wb") as target, rejects_path.open("wb") as rejected_file:
        for number, raw in enumerate(source, 1):
            if not raw.strip():
                continue
            read += 1
            try:
                # Files saved by Windows tools often start with a byte-order mark.
                record = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                post = read_enriched(record)
            except (orjson.JSONDecodeError, ValueError) as exc:
                rejected += 1
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                rejected_file.write(orjson.dumps({"line": number, "reason": str(exc), "raw": line}) + b"\n")
                continue
            decision = route(post.routing, loaded.ruleset)
            due = first_response_due(decision, post.created_at, loaded.ruleset)
            target.write(orjson.dumps(record | {"routing": decision_dict(decision, due)}) + b"\n")
            routed += 1
            by_team[decision.team or NO_TEAM] += 1
    if not rejected:
        rejects_path.unlink()
    summary: dict[str, Any] = {
        "read": read,
        "routed": routed,
        "rejected": rejected,
        "by_team": dict(sorted(by_team.items())),
    }
    if as_json:
        print_json(summary)
    else:
        stderr.print(
            f"routed {routed:,} posts into {output}"
            + (f"; {rejected:,} unreadable lines in {rejects_path}" if rejected else "")
        )


def first_response_due(decision: RoutingDecision, created_at: datetime | None, ruleset: RuleSet) -> datetime | None:
    """created_at + the policy's first-response target on its calendar (the policy's own, else the team's).
    None without created_at or SLA policy, and for a business-hours policy when no team was chosen to take
    its calendar from (the config check makes sure every team has one)."""
    if created_at is None or decision.sla_policy is None:
        return None
    policy = ruleset.sla_policies[decision.sla_policy]
    team = ruleset.teams.get(decision.team) if decision.team else None
    if policy.business_hours and policy.calendar is None and (team is None or team.calendar is None):
        return None
    calendar = policy_calendar(policy, ruleset.calendars, team.calendar if team else None)
    return due_at(created_at, policy.first_response, calendar)


def decision_dict(decision: RoutingDecision, due: datetime | None) -> dict[str, Any]:
    return {
        "team": decision.team,
        "priority": decision.priority.value if decision.priority else None,
        "sla_policy": decision.sla_policy,
        "first_response_due": due.isoformat() if due else None,
        "requires_approval": decision.requires_approval,
        "approver_role": decision.approver_role,
        "suppressed": decision.suppressed,
        "tags": list(decision.tags),
        "stopped_by": decision.stopped_by,
        "explanation": [
            {"rule": fired.rule, "because": list(fired.conditions), "then": list(fired.actions)}
            for fired in decision.explanation
        ],
    }
