"""The dashboard in a real browser: every chart is drawn by Chart.js from its JSON (so the CSP, the script and
the data endpoints work together), the range picker changes the data, and a chart's CSV downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from groundswell.analytics.dashboard import CHARTS
from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from tests.support import dashboard_data
from tests.support.web import LiveServer
from tests.web.browser.conftest import Screenshots
from tests.web.conftest import WebUser


def test_dashboard_draws_every_chart_and_follows_the_range(
    store: Store, server: LiveServer, browser: Any, make_user: Callable[..., WebUser], screenshots: Screenshots
) -> None:
    with write_transaction(store.sessions) as session:
        dashboard_data.load(session)
    user = make_user("viewer")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    # Script errors and failed requests (the browser's own favicon request aside) would leave charts undrawn.
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    page.goto(f"{server.url}/login?next=/dashboard")
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard")
    for name in CHARTS:
        page.wait_for_selector(f'canvas#chart-{name}[data-rendered="true"]')
    assert page.locator("#chart-volume").get_attribute("data-points") == "8"  # days of the 7-day range
    assert page.evaluate("Object.keys(Chart.instances).length") == len(CHARTS)
    screenshots.take(page, "dashboard-7-days")

    page.select_option("#range", "24h")
    page.click("#range-apply")
    page.wait_for_url("**/dashboard?range=24h*")
    page.wait_for_selector('canvas#chart-volume[data-rendered="true"]')
    assert page.locator("#chart-volume").get_attribute("data-points") == "25"  # hours
    assert page.locator("#posts-in-range").inner_text() == "3"

    page.select_option("#range", "custom")
    page.fill("#range-from", "2025-03-12")
    page.fill("#range-to", "2025-03-14")
    page.click("#range-apply")
    page.wait_for_url("**/dashboard?range=custom*")
    page.wait_for_selector('canvas#chart-volume[data-rendered="true"]')
    assert page.locator("#chart-volume").get_attribute("data-points") == "3"  # days
    with page.expect_download() as download:
        page.click("#csv-intents")
    assert download.value.suggested_filename == "intents-202503120000-202503150000.csv"
    with open(download.value.path(), encoding="utf-8") as saved:
        assert saved.readline().strip() == "intent,posts"
    screenshots.take(page, "dashboard-custom-range")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.reload()
    page.wait_for_selector('canvas#chart-employees[data-rendered="true"]')
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 1).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    screenshots.take(page, "dashboard-phone")
    assert not errors, errors
