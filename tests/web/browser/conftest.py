"""A real browser for the web app's tests: Debian's chromium (/usr/bin/chromium, installed by .ci/run with apt)
driven by Playwright. Screenshots go to test-artifacts/screenshots/<test name>/.

Without chromium these tests skip, unless GROUNDSWELL_REQUIRE_BROWSER=1 (as in CI), where they fail."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("GROUNDSWELL_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"no chromium at {CHROMIUM}: apt-get install chromium (or set GROUNDSWELL_CHROMIUM)"
        if os.environ.get("GROUNDSWELL_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


class Screenshots:
    """Numbered screenshots of one test, in the order taken."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def take(self, page: object, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name))
