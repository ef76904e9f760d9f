"""Demo data: an invented brand's customer conversations, for trying groundswell without real data."""

from groundswell.demo.generator import DEFAULT_END, SCENARIOS, generate_demo_records

__all__ = ["DEFAULT_END", "SCENARIOS", "generate_demo_records"]
