"""Incident metrics per hour from a stored crisis, and the percentile they use."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.incidents import service
from groundswell.incidents.metrics import in_scope, metrics, percentile
from tests.incidents.world import T0, Crisis, outage_playbook


def test_hourly_volume_shares_reach_responses_and_alerts(store: Store, crisis: Crisis) -> None:
    with write_transaction(store.sessions) as session:
        incident = service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(),
                                         opened_by="sue", now=T0 + timedelta(minutes=25))  # fmt: skip
        figures = metrics(session, incident_id=incident.id, now=T0 + timedelta(hours=3))
    assert figures.start == T0  # the alert's start, before the incident was opened
    assert [h.posts for h in figures.hours] == [14, 4, 0]  # the other brand's post is not counted
    first, second, third = figures.hours
    assert (first.negative_share, first.anger_share) == (round(13 / 14, 4), round(12 / 14, 4))
    assert (second.negative_share, second.anger_share) == (0.5, 0.0)
    assert (third.negative_share, third.reach) == (None, 0)
    assert first.reach == sum(100 * (n + 1) for n in range(12)) + 2 * 50
    assert [h.alerts for h in figures.hours] == [1, 0, 0] and figures.alerts == 1
    assert (figures.posts, figures.authors, figures.reach) == (18, 18, 7800 + 6 * 50)
    responses = figures.responses
    assert (responses.cases, responses.answered, responses.median_minutes, responses.p90_minutes) == (2, 2, 30.0, 46.0)


def test_topic_and_location_scopes_read_the_enrichments() -> None:
    post = {"brand": "Voltline", "location": "Chicago, IL"}
    stored = {"topics": [{"name": "Refunds", "score": 0.8}], "locations": [{"name": "Denver", "code": "DEN"}]}
    assert in_scope("topic", "refunds", post, stored)
    assert not in_scope("topic", "billing", post, stored)
    assert in_scope("location", "den", post, stored) and in_scope("location", "chicago, il", post, {})
    assert in_scope("brand", "VOLTLINE", post, {}) and not in_scope(None, None, post, stored)


def test_percentile_examples() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0, 50.0], 90) == 46.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50), st.floats(min_value=0, max_value=100))
def test_percentile_lies_between_min_and_max_and_grows_with_q(values: list[float], q: float) -> None:
    value = percentile(values, q)
    assert value is not None and min(values) <= value <= max(values)
    higher = percentile(values, min(100.0, q + 10))
    assert higher is not None and higher >= value - 1e-9
