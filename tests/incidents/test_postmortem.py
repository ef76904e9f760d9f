"""Post-mortems: Markdown and one self-contained HTML page with inline SVG charts, user text escaped."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.incidents import charts, postmortem, service, statements
from tests.incidents.world import T0, Crisis, outage_playbook

NOTE = "<script>alert('x')</script> | *bold* [link](http://evil.example)"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs


def worked_incident(store: Store, crisis: Crisis) -> int:
    with write_transaction(store.sessions) as session:
        incident = service.open_incident(session, alert_id=crisis.alert_id, playbook=outage_playbook(),
                                         opened_by="sue", now=T0 + timedelta(minutes=25))  # fmt: skip
        service.assign_role(session, incident_id=incident.id, role="spokesperson", employee="max", by="sue",
                            now=T0 + timedelta(minutes=26))  # fmt: skip
        service.complete_task(session, incident_id=incident.id, number=2, by="max", now=T0 + timedelta(minutes=40))
        service.add_note(session, incident_id=incident.id, text=NOTE, by="bob", now=T0 + timedelta(minutes=41))
        row = statements.draft_statement(session, incident_id=incident.id, author="max", holding="first-response",
                                         now=T0 + timedelta(minutes=30))  # fmt: skip
        statements.send_statement(session, statement_id=row.id, by="max", now=T0 + timedelta(minutes=31))
        service.resolve(session, incident_id=incident.id, by="sue", now=T0 + timedelta(hours=3))
        return incident.id


def test_html_is_self_contained_with_charts_and_escapes_user_text(store: Store, crisis: Crisis) -> None:
    incident_id = worked_incident(store, crisis)
    with store.sessions() as session:
        page = postmortem.render(session, incident_id=incident_id, format="html")
    parser = Tags()
    parser.feed(page)
    assert parser.tags.count("svg") == 2 and "rect" in parser.tags and "polyline" in parser.tags
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert not [name for name, _ in parser.attributes if name in ("src", "href")]  # nothing fetched
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    for heading in ("Timeline", "Roles", "Checklist", "Public statements", "Alerts", "Key phrases", "Lessons learned"):
        assert f"<h2>{heading}</h2>" in page
    assert "We know that many Voltline customers" in page and "pre-approved by playbook service-outage" in page
    assert "app down (1)" in page and "30 min / 46 min" in page
    assert "Send the first holding statement" in page and "done by max" in page


def test_markdown_has_every_section_and_escapes_user_text(store: Store, crisis: Crisis) -> None:
    incident_id = worked_incident(store, crisis)
    with store.sessions() as session:
        text = postmortem.render(session, incident_id=incident_id, format="md")
    assert text.startswith(f"# Post-mortem: incident {incident_id}: Voltline: ")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert r"\| \*bold\* \[link\](http://evil.example)" in text  # cannot break the table or format
    for heading in ("## Timeline", "## Roles", "## Checklist", "## Public statements", "## Lessons learned"):
        assert heading in text
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| 2026-03-02 ", line)]
    assert [row.split(" | ")[2] for row in rows] == ["14", "4", "0"]  # posts per hour, until resolution
    assert "| spokesperson | max |" in text and "| incident\\_lead | (unfilled) |" in text


def test_charts_escape_labels_and_scale() -> None:
    svg = charts.bar_chart(["<b>"], [3], title="a & b")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a &amp; b" in svg
    flat = charts.bar_chart(["x", "y"], [0, 0], title="zero")
    assert 'height="0.0"' in flat
    line = charts.line_chart(["a", "b", "c"], [0.5, None, 1.0], title="neg")
    assert line.count("<polyline") == 2  # the unknown hour leaves a gap
