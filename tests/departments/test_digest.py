"""The weekly digest: well-formed self-contained HTML that escapes customers' words, a plain-text alternative,
and one e-mail per recipient through the outbox to a real SMTP server, however often the worker runs."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from groundswell.cli.common import Store
from groundswell.departments.digest import last_full_week, render_digest, send_digest, week_bounds
from groundswell.departments.service import import_departments
from groundswell.errors import InvalidInput
from groundswell.outbox.alert_email import NotificationSmtpSender
from groundswell.outbox.worker import deliver_due
from tests.departments.world import DOCUMENT, WEEK, World
from tests.support.smtp_server import smtp_server

NOW = WEEK + timedelta(days=7, hours=8)  # the Monday after
VOID = {"meta", "br", "img", "hr", "input", "link"}


class Balanced(HTMLParser):
    """Checks that every opened element is closed in order and counts script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.scripts = 0
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _seed(store: Store) -> None:
    with store.sessions.begin() as session:
        import_departments(session, document=DOCUMENT, actor="dana", now=WEEK)
        w = World(session)
        for i in range(4):
            w.post(f"c{i}", WEEK + timedelta(days=i), "<script>alert(1)</script> the card payment failed twice",
                   topics={"Billing & Payments": 0.9}, sentiment="negative", followers=10 * (i + 1),
                   url=f"https://social.example/@c{i}/1?a=1&b=2")  # fmt: skip


def test_week_bounds_and_errors() -> None:
    assert week_bounds("2026-W10") == (WEEK, WEEK + timedelta(days=7))
    assert last_full_week(NOW) == "2026-W10"
    with pytest.raises(InvalidInput, match="2026-W10"):
        week_bounds("March")


def test_digest_html_is_well_formed_and_escapes_user_text(store: Store, tmp_path: Path) -> None:
    _seed(store)
    out = tmp_path / "pricing.html"
    with store.sessions.begin() as session:
        digest = render_digest(session, department="pricing", week="2026-W10", now=NOW, path=out)
    page = out.read_text(encoding="utf-8")
    parser = Balanced()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == [] and parser.scripts == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert page.count("<svg") == 2 and 'href="https://social.example/@c3/1?a=1&amp;b=2"' in page
    assert "4 customers · reach 100" in page and "<link" not in page and "http://" not in page.split("<body")[0]
    assert "<script>alert(1)</script> the card payment failed twice" in digest.text  # plain text stays as said
    assert digest.subject == "Pricing digest 2026-W10: 1 insight"


def test_digest_goes_out_once_per_recipient_through_the_outbox(store: Store, tmp_path: Path) -> None:
    _seed(store)
    with store.sessions.begin() as session:
        _, queued = send_digest(session, department="pricing", week="2026-W10", now=NOW)
        keys = [m.idempotency_key for m in queued]
        assert keys == [f"digest:pricing:2026-W10:{who}@voltline.example" for who in ("pricing", "cfo")]
    with store.sessions.begin() as session:  # sent again (a second cron run, new posts since): nothing new
        World(session).post("late", WEEK + timedelta(days=5), "fees are too high", topics={"Billing & Payments": 0.8})
        _, again = send_digest(session, department="pricing", week="2026-W10", now=NOW)
        assert [m.id for m in again] == [m.id for m in queued]
    with smtp_server(tmp_path) as server:
        sender = NotificationSmtpSender(server.host, server.port, from_address="insights@voltline.example",
                                        starttls=False)  # fmt: skip
        first = deliver_due(store.sessions, senders={"email": sender}, now=NOW)
        second = deliver_due(store.sessions, senders={"email": sender}, now=NOW + timedelta(minutes=5))
    assert len(first.sent) == 2 and second.sent == [] and second.claimed == 0
    assert sorted(r.rcpt_tos[0] for r in server.sink.received) == ["cfo@voltline.example", "pricing@voltline.example"]
    mail = server.sink.received[0].message
    assert mail["Subject"] == "Pricing digest 2026-W10: 1 insight" and mail["In-Reply-To"] is None
    html = mail.get_body(preferencelist=("html",))
    plain = mail.get_body(preferencelist=("plain",))
    assert html is not None and plain is not None
    assert "&lt;script&gt;" in html.get_content() and "<svg" in html.get_content()
    assert "4 posts from 4 distinct customers" in plain.get_content()
