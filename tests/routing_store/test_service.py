"""Routing rules stored in the database: versions, validation against the stored teams, rollback, audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput, NotFound
from groundswell.people import service as people
from groundswell.routing.config_dir import load_config_dir
from groundswell.routing.enriched import read_enriched
from groundswell.routing.rules import route
from groundswell.routing.sla import due_at, policy_calendar
from groundswell.routing_store import service
from tests.people.helpers import audit_count, audit_lines, roster

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "airline"
ENRICHED = Path(__file__).resolve().parents[1] / "routing" / "fixtures" / "enriched_airline.jsonl"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
RULES = """\
sla_policies:
  standard: {first_response: 4h, business_hours: true}
rules:
  - name: bags
    when: {nearest_team: {teams: [bags-ord], max_km: 100}}
    then: {team: bags-ord}
  - name: default
    fallback: true
    then: {team: care, sla_policy: standard}
"""


def import_example(session: Session) -> None:
    document = yaml.safe_load((EXAMPLE / "people.yaml").read_text(encoding="utf-8"))
    people.import_people(session, document=document, actor="hr", now=T0)


def test_save_versions_and_activates(session: Session) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    first = service.save_rules(session, text=RULES, actor="lead", comment="first", now=T0)
    assert (first.version, first.active, first.comment, first.created_by) == (1, True, "first", "lead")
    assert first.sha256 == service.text_sha256(RULES)
    second = service.save_rules(session, text=RULES.replace("4h", "2h"), actor="lead", now=T0)
    assert (second.version, second.active, first.active) == (2, True, False)
    line = audit_lines(session)[-1]
    assert (line.action, line.entity, line.entity_id) == ("routing_rules.save", "routing_rules", "2")
    assert line.before == {"active_version": 1} and (line.after or {})["active"] is True
    assert [v.version for v in service.list_versions(session)] == [2, 1]


def test_saving_the_active_text_again_is_a_no_op(session: Session) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    saved = service.save_rules(session, text=RULES, actor="lead")
    lines = audit_count(session)
    assert service.save_rules(session, text=RULES, actor="someone else", comment="again") is saved
    assert audit_count(session) == lines and len(service.list_versions(session)) == 1


def test_an_inactive_save_keeps_the_active_version(session: Session) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    service.save_rules(session, text=RULES, actor="lead")
    draft = service.save_rules(session, text=RULES + "# draft\n", actor="lead", activate=False)
    assert not draft.active and service.get_version(session).version == 1


def test_rollback_is_activating_an_older_version(session: Session) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    service.save_rules(session, text=RULES, actor="lead")
    service.save_rules(session, text=RULES.replace("4h", "2h"), actor="lead")
    older = service.activate_version(session, version=1, actor="lead", now=T0)
    assert older.active and not service.get_version(session, 2).active
    line = audit_lines(session)[-1]
    assert (line.action, line.before, line.after) == (
        "routing_rules.activate", {"active_version": 2}, {"active_version": 1},
    )  # fmt: skip
    lines = audit_count(session)
    service.activate_version(session, version=1, actor="lead")  # already active
    assert audit_count(session) == lines
    with pytest.raises(NotFound, match="routing rules version 7 not found"):
        service.activate_version(session, version=7, actor="lead")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RULES.replace("then: {team: care,", "then: {team: sales,"), "then.team 'sales' is not a defined team"),
        (RULES.replace("teams: [bags-ord]", "teams: [bags-den]"), "nearest_team names 'bags-den'"),
        (RULES.replace("sla_policy: standard", "sla_policy: fast"), "then.sla_policy 'fast' is not defined"),
        ("teams: {care: {}}\n" + RULES, "the rules define teams (care) but teams come from the people tables"),
        ("sla_policies: {}\nrules: []\n", "no rules; add a `rules:` list"),
        ("rules: [\n", "not valid YAML"),
    ],
)
def test_invalid_rules_are_refused_with_the_reason(session: Session, text: str, message: str) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    with pytest.raises(InvalidInput) as raised:
        service.save_rules(session, text=text, actor="lead")
    assert raised.value.message.startswith("routing rules not saved: ") and message in raised.value.message
    assert service.list_versions(session) == []


def test_without_stored_teams_the_rules_bring_their_own(session: Session) -> None:
    with pytest.raises(InvalidInput, match=r"no teams are defined: add `teams:` to the rules, a people\.yaml"):
        service.save_rules(session, text=RULES, actor="lead")
    own = "teams: {care: {calendar: office}, bags-ord: {location: ORD, calendar: office}}\n"
    own += "calendars: {office: {timezone: UTC, hours: 24/7}}\n" + RULES
    version = service.save_rules(session, text=own, actor="lead")
    loaded = service.active_ruleset(session)
    assert loaded is not None and loaded[0] is version and set(loaded[1].teams) == {"care", "bags-ord"}
    # Once teams are imported they are the only definition: the old version still routes, with them.
    people.import_people(session, document=roster(), actor="hr", now=T0)
    _, ruleset = service.active_ruleset(session) or pytest.fail("no active rules")
    assert ruleset.teams["care"].calendar == "team:care" and "team:bags-ord" in ruleset.calendars


def test_an_import_may_not_break_the_active_rules(session: Session) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    service.save_rules(session, text=RULES, actor="lead")
    unplaced = roster()
    unplaced["teams"]["bags-ord"].pop("place")  # nearest_team needs the team's place
    with pytest.raises(InvalidInput, match=r"active routing rules \(version 1\) would break: .*'bags-ord'"):
        people.import_people(session, document=unplaced, actor="hr")


def test_a_team_left_out_of_the_file_is_kept_for_the_rules(session: Session) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    service.save_rules(session, text=RULES, actor="lead")
    without = roster()
    without["teams"].pop("care")
    without["employees"] = [e for e in without["employees"] if e["team"] != "care"]
    report = people.import_people(session, document=without, actor="hr")
    assert report.teams_not_in_file == ["care"] and service.active_ruleset(session) is not None


def test_show_and_diff(session: Session) -> None:
    people.import_people(session, document=roster(), actor="hr", now=T0)
    service.save_rules(session, text=RULES, actor="lead")
    service.save_rules(session, text=RULES.replace("4h", "2h"), actor="lead")
    assert service.get_version(session).text == RULES.replace("4h", "2h")
    diff = service.diff_versions(session, old=1, new=2)
    assert diff.splitlines()[:2] == ["--- version 1", "+++ version 2"]
    assert "-  standard: {first_response: 4h, business_hours: true}" in diff.splitlines()
    assert "+  standard: {first_response: 2h, business_hours: true}" in diff.splitlines()
    assert service.diff_versions(session, old=2, new=2) == ""
    with pytest.raises(NotFound, match="version 3 not found"):
        service.diff_versions(session, old=1, new=3)


def test_no_active_rules(session: Session) -> None:
    assert service.active_ruleset(session) is None
    with pytest.raises(NotFound, match="no routing rules are active"):
        service.get_version(session)


def test_the_stored_example_routes_like_the_example_folder(session: Session) -> None:
    """The database path (people import + rules save) and `route --config` give the same decisions."""
    import_example(session)
    service.save_rules(session, text=(EXAMPLE / "rules.yaml").read_text(encoding="utf-8"), actor="lead")
    _, stored = service.active_ruleset(session) or pytest.fail("no active rules")
    folder = load_config_dir(EXAMPLE).ruleset
    for line in ENRICHED.read_text(encoding="utf-8").splitlines():
        post = read_enriched(json.loads(line))
        a, b = route(post.routing, stored), route(post.routing, folder)
        assert a == b
        if a.sla_policy and a.team and post.created_at:
            policy = stored.sla_policies[a.sla_policy]
            due = [
                due_at(
                    post.created_at,
                    policy.first_response,
                    policy_calendar(policy, rs.calendars, rs.teams[a.team].calendar),
                )
                for rs in (stored, folder)
            ]
            assert due[0] == due[1]
