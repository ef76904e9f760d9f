"""The demo data (src/groundswell/demo) tells of customers using the PulsePad, a music gadget, to trigger a camera
for time-lapses, catching on over the last two weeks: `find_themes` with the Voltline catalogue finds it and
flags it as an unexpected use of the PulsePad. The baseline ends two weeks before the demo's end, where the
generator starts the ramp; the ChargeDock overheating crisis of the same days is a new theme but no use."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from groundswell.demo.generator import DEFAULT_END, generate_demo_records
from groundswell.enrich.jsonl import post_input
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.insights.catalogue import load_catalogue
from groundswell.insights.theme_files import theme_post
from groundswell.insights.themes import ThemePost, find_themes

CATALOGUE = Path(__file__).parents[2] / "examples" / "catalogue" / "voltline.yaml"


def test_the_pulsepad_time_lapse_cluster_is_an_unexpected_use() -> None:
    records = [r for r in generate_demo_records() if r.get("text")]
    outputs = Pipeline(PipelineSpec(tier="fast", only=("sentiment", "embedding"))).run([post_input(r) for r in records])
    posts = [theme_post(r | o) for r, o in zip(records, outputs, strict=True)]
    assert all(isinstance(p, ThemePost) for p in posts)

    until = DEFAULT_END - timedelta(days=14)
    themes = find_themes([p for p in posts if isinstance(p, ThemePost)], baseline_until=until,
                         catalogue=load_catalogue(CATALOGUE))  # fmt: skip

    flagged = [t for t in themes if t.unexpected_use]
    assert flagged, [t.label for t in themes]
    theme = flagged[0]
    assert theme.product == "PulsePad"
    lapse = {str(r["id"]) for r in records if r.get("scenario") == "unexpected_use"}
    assert len(lapse & set(theme.post_ids)) / theme.size >= 0.8
    assert not [t for t in themes if t.unexpected_use and t.product != "PulsePad"]
