"""The demo's topics go in the database, as a company's would: Voltline's topics file is imported and, when the
demo enriches, retrained, so enrichment uses the stored active version and the admin screen shows its figures."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.models import TopicSetVersion
from groundswell.topics import service
from groundswell.topics.retrain import retrain

ACTOR = "demo"


def store_demo_topics(store: Store, topics_file: Path, *, tier: str, train: bool) -> TopicSetVersion | None:
    """Import the topics (and retrain them when `train`); the trained version, or None when not trained."""
    with write_transaction(store.sessions) as session:
        service.import_topics(session, text=topics_file.read_text("utf-8"), actor=ACTOR, source=topics_file.name)
        if not train:
            return None
        version = retrain(session, actor=ACTOR, tier=tier, comment="Voltline demo topics").version
        session.expunge(version)
    return version


def print_demo_topics(console: Console, version: TopicSetVersion | None) -> None:
    if version is None:
        console.print("Voltline's topics are stored (not trained: retrain them under Administration > Topics).")
        return
    held_out = version.metrics["cross_validation"]
    console.print(
        f"Voltline's {version.metrics['topics']} topics are stored and trained (version {version.version}): "
        f"on held-out examples the best topic is right {held_out['top1_accuracy']:.0%} of the time "
        f"(macro-F1 {held_out['macro_f1']:.2f}); edit and retrain them under Administration > Topics."
    )
