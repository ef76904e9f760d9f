"""The `escalate:` section of an SLA policy in the routing rules file."""

from __future__ import annotations

import pytest

from groundswell.errors import InvalidInput
from groundswell.routing import load_rules
from groundswell.routing.schemas import Priority
from groundswell.routing.sla import SlaClock, SlaEscalation, SlaPolicy, SlaState

RULES = """
sla_policies:
  urgent: {first_response: 15m, escalate: {on: breach, priority: p1, add_tags: [sla-breach]}}
  standard:
    first_response: 4h
    resolution: 24h
    escalate:
      - {on: warning, notify_role: lead, clocks: [resolution]}
      - on: breach
        notify: [duty-manager]
        reassign: true
  quiet: {first_response: 1h}
rules: [{name: all, then: {sla_policy: standard}}]
"""


def test_escalate_reads_one_mapping_or_a_list_and_yaml_bare_on_key() -> None:
    policies = load_rules(RULES).sla_policies
    (urgent,) = policies["urgent"].escalate
    assert urgent.on is SlaState.BREACHED and urgent.priority is Priority.P1
    assert urgent.add_tags == ("sla-breach",) and urgent.notify_role == "manager"
    warning, breach = policies["standard"].escalate
    assert warning.on is SlaState.WARNING and warning.clocks == (SlaClock.RESOLUTION,)
    assert breach.reassign and breach.notify == ("duty-manager",)
    assert policies["quiet"].escalate == ()


def test_escalations_pick_the_steps_for_a_clock_and_state() -> None:
    standard = load_rules(RULES).sla_policies["standard"]
    assert standard.escalations(SlaClock.FIRST_RESPONSE, SlaState.WARNING) == ()
    assert [s.notify_role for s in standard.escalations(SlaClock.RESOLUTION, SlaState.WARNING)] == ["lead"]
    assert len(standard.escalations(SlaClock.FIRST_RESPONSE, SlaState.BREACHED)) == 1


@pytest.mark.parametrize(
    ("escalate", "message"),
    [
        ("{on: later}", "escalate.0.on: 'later' is not a trigger"),
        ("{on: breach, priority: p9}", "escalate.0.priority"),
        ("{on: breach, page: everyone}", "escalate.0.page"),
        ("[{on: warning, clocks: [lunch]}]", "escalate.0.clocks.0"),
    ],
)
def test_bad_escalations_name_the_field(escalate: str, message: str) -> None:
    with pytest.raises(InvalidInput, match="SLA policy 'p'") as caught:
        load_rules(f"sla_policies: {{p: {{first_response: 1h, escalate: {escalate}}}}}")
    assert message in caught.value.message


def test_policy_built_in_code_accepts_models() -> None:
    step = SlaEscalation(on=SlaState.WARNING)
    policy = SlaPolicy(name="x", first_response="1h", escalate=step)  # type: ignore[arg-type]
    assert policy.escalate == (step,)
