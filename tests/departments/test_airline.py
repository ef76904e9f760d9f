"""Department insights on the real airline tweets (Feb 2015), enriched with the fast tier's sentiment and the
airline topics (no human labels are used: the insights must come from what the product itself sees)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.departments.service import build_insights, import_departments
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.service import enrich_stored_posts
from groundswell.ingest.runner import Ingestor

ROOT = Path(__file__).resolve().parents[2]
START, END = datetime(2015, 2, 21, tzinfo=UTC), datetime(2015, 2, 25, tzinfo=UTC)


def test_pricing_and_support_insights_per_airline(store: Store, airline_file: Path) -> None:
    Ingestor(store.sessions).ingest_file(airline_file)
    spec = PipelineSpec(
        tier="fast", topics_path=str(ROOT / "examples/topics/airline.yaml"), only=("sentiment", "topics")
    )
    enrich_stored_posts(store.sessions, spec=spec)
    document = yaml.safe_load((ROOT / "examples/departments/airline.yaml").read_text(encoding="utf-8"))
    with write_transaction(store.sessions) as session:
        import_departments(session, document=document, actor="test", now=END)
        pricing = build_insights(session, department="pricing", period_start=START, period_end=END, now=END)
        support = build_insights(session, department="support", period_start=START, period_end=END, now=END)
    assert {i.details["group"] for i in pricing} == {"United", "Southwest", "Virgin America"}
    service = {(i.details["subject"], i.details["group"]): i for i in support}
    assert ("Customer Service Issue", "United") in service and ("Lost Luggage", "United") in service
    bags = service[("Lost Luggage", "United")]
    assert any(word in bags.title for word in ("bag", "luggage", "baggage"))
    for insight in [*pricing, *support]:
        assert 0 < insight.customers <= insight.details["posts"] == insight.trend["total"]
        assert abs(sum(insight.sentiment.values()) - 1) < 1e-9
        assert "reach unknown" in insight.summary  # the 2015 file carries no follower counts
    with write_transaction(store.sessions) as session:
        again = build_insights(session, department="support", period_start=START, period_end=END, now=END)
    assert [(i.id, i.customers) for i in again] == [(i.id, i.customers) for i in support]
