"""Done-when 2 of the ripple issue, end to end on a real database, the bundled models and local fake services:

customers suggest things on X, Mastodon and e-mail (some twice); the posts are ingested from a JSON-lines file
and enriched by the bundled intent and embedding models; `collect_ideas` clusters the suggestions into ideas,
two of which are the same wish in other words (a USB-C port; charging with the phone's cable). The duplicate
is planned first (its customers are told), then merged into the original, which is planned (only customers not
told yet are told) and shipped (everyone is told). The real outbox worker delivers through the real X,
Mastodon and SMTP senders; each customer receives exactly one reply per change, on their own channel, under
their own post, even though the worker runs twice and the status change is retried."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.config import Settings
from groundswell.db.engine import write_transaction
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.service import enrich_stored_posts
from groundswell.errors import Conflict
from groundswell.governance.audit_log import verify
from groundswell.ideas import notify, service, views
from groundswell.ideas.rules import IdeaStatus
from groundswell.models import Enrichment, OutboxMessage, Post
from groundswell.outbox.configured import configured_senders
from groundswell.outbox.worker import deliver_due
from tests.ideas.world import T0
from tests.support.cli import invoke
from tests.support.fake_channel_apis import FakeApiServer, fake_api_server
from tests.support.fake_channel_apis.mastodon import FakeMastodon
from tests.support.fake_channel_apis.x import FakeX
from tests.support.smtp_server import SmtpServer, smtp_server

# (id, channel, customer, text, minutes after T0)
POSTS = [
    ("1700000000000000001", "x", "ana_b", "@Voltline please add a USB-C port to the PulsePad, I'm tired of carrying "
     "the old cable", 0),
    ("1700000000000000002", "x", "ben_k", "@Voltline the PulsePad really needs a USB-C port, please add it in the "
     "next model", 10),
    ("111000000000000001", "mastodon", "cara@mastodon.social", "@Voltline please let me charge the PulsePad with "
     "the same cable as my phone and laptop", 20),
    ("<m1@mail.example>", "email", "dan@mail.example", "@Voltline please make the PulsePad charge from my laptop "
     "charger, one cable for everything", 30),
    ("111000000000000002", "mastodon", "cara@mastodon.social", "@Voltline I wish the PulsePad could charge with my "
     "phone cable instead of its own special one", 40),
    ("1700000000000000003", "x", "ana_b", "@Voltline would love USB-C on the PulsePad so I can drop the micro USB "
     "cable", 50),
    ("111000000000000003", "mastodon", "eli@mastodon.social", "@Voltline please add a dark mode to the PulsePad "
     "app", 60),
]  # fmt: skip
# The USB-C posts and the one-cable posts are about 0.7 apart: at 0.75 they start two ideas, the duplicate pair.
THRESHOLD = 0.75
NOW = T0 + timedelta(days=2)


@pytest.fixture
def api() -> Iterator[FakeApiServer]:
    with fake_api_server() as server:
        yield server
        assert server.problems == [], "the fake services refused requests:\n" + "\n".join(server.problems)


@pytest.fixture
def mail(tmp_path: Path) -> Iterator[SmtpServer]:
    with smtp_server(tmp_path) as server:
        yield server


def ingest(tmp_path: Path, x: FakeX, mastodon: FakeMastodon) -> None:
    rows = []
    for external_id, channel, customer, text, minutes in POSTS:
        rows.append({"id": external_id, "channel": channel, "text": text, "brand": "Voltline", "product": "PulsePad",
                     "created_at": (T0 + timedelta(minutes=minutes)).isoformat(), "language": "en",
                     "author": {"handle": customer, "id": customer, "followers": 100}})  # fmt: skip
        if channel == "x":  # the posts exist on the channels, so replies can answer them
            x.users.setdefault(customer, str(1600000000000000100 + len(x.users)))
            x.add_customer_tweet(external_id, text, username=customer)
        elif channel == "mastodon":
            mastodon.add_customer_status(external_id, text, acct=customer)
    path = tmp_path / "suggestions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert invoke("ingest", str(path)).exit_code == 0


def replies_per_customer(api: FakeApiServer, mail: SmtpServer) -> Counter[tuple[str, str, str]]:
    """(customer, channel, planned|shipped) -> replies the services received, counted from the requests."""
    by_post = {external_id: customer for external_id, _, customer, _, _ in POSTS}
    counts: Counter[tuple[str, str, str]] = Counter()

    def change(text: str) -> str:
        return "shipped" if "is now available" in text else "planned" if "on our plan" in text else "?"

    for call in api.calls("POST", "/2/tweets"):
        body = call.json()
        counts[(by_post[body["reply"]["in_reply_to_tweet_id"]], "x", change(body["text"]))] += 1
    for call in api.calls("POST", "/api/v1/statuses"):
        form = parse_qs(call.body.decode())
        counts[(by_post[form["in_reply_to_id"][0]], "mastodon", change(form["status"][0]))] += 1
    for received in mail.sink.received:
        text = " ".join(received.message.get_body(preferencelist=("plain",)).get_content().split())
        counts[(received.rcpt_tos[0], "email", change(text))] += 1
    return counts


def test_suggestions_become_ideas_and_each_customer_hears_once_per_change(
    store: Store, tmp_path: Path, api: FakeApiServer, mail: SmtpServer
) -> None:
    x, mastodon = FakeX(api), FakeMastodon(api)
    settings = Settings(x_base_url=api.url, x_user_token=x.token, mastodon_base_url=api.url,
                        mastodon_access_token=mastodon.token, smtp_host=mail.host, smtp_port=mail.port,
                        smtp_from="Voltline <ideas@voltline.example>", smtp_starttls=False)  # fmt: skip
    senders = configured_senders(settings, ["x", "mastodon", "email"])

    # 1. Ingest and enrich with the bundled models: every one of these posts is a suggestion.
    ingest(tmp_path, x, mastodon)
    enrich_stored_posts(store.sessions, spec=PipelineSpec(only=("intent", "embedding")))
    with store.sessions() as session:
        intents = session.scalars(select(Enrichment.value).where(Enrichment.enricher == "intent")).all()
        assert len(intents) == len(POSTS) and all("suggestion" in value for value in intents)

    # 2. Collect: three ideas, two of them the same wish (USB-C port; one cable for phone and PulsePad).
    with write_transaction(store.sessions) as session:
        report = service.collect_ideas(session, now=NOW, threshold=THRESHOLD)
        assert report.embedded == 0 and len(report.created) == 3
        usb, cable, dark = report.created
        post_ids = {p.external_id: p.id for p in session.scalars(select(Post))}
        members = {
            i: {p.post_id for p in views.show_idea(session, idea_id=i, now=NOW).posts_list} for i in report.created
        }
    assert members[usb] == {post_ids[POSTS[i][0]] for i in (0, 1, 5)}
    assert members[cable] == {post_ids[POSTS[i][0]] for i in (2, 3, 4)}
    with store.sessions() as session:
        assert "USB-C" in session.get_one(Post, post_ids[POSTS[0][0]]).text
        assert views.show_idea(session, idea_id=usb, now=NOW).customers == 2  # ana posted twice: counted once

    # 3. The duplicate is planned first: its customers (cara, dan) are told, once each.
    with write_transaction(store.sessions) as session:
        for status in ("under_review", "planned"):
            service.set_status(session, idea_id=cable, status=status, by="max", now=NOW)
    assert len(deliver_due(store.sessions, senders=senders, now=NOW).sent) == 2

    # 4. Merged into the original: customers and votes move; the original is planned, then shipped.
    with write_transaction(store.sessions) as session:
        merged = service.merge(session, idea_id=cable, into_id=usb, by="max", now=NOW)
        assert merged["posts"] == 3 and merged["loop"] is None  # the original is still new
        view = views.show_idea(session, idea_id=usb, now=NOW)
        assert (view.customers, view.votes, view.merged_from) == (4, 4, [cable])
        planned = service.set_status(session, idea_id=usb, status="under_review", by="max", now=NOW)
        planned = service.set_status(session, idea_id=usb, status="planned", by="max", now=NOW)
        assert planned.loop is not None
        assert sorted(n.customer for n in planned.loop.notified if n.outcome == "queued") == ["ana_b", "ben_k"]
        assert planned.loop.count("already_told") == 2  # cara and dan heard it about the duplicate
    later = NOW + timedelta(hours=1)
    with write_transaction(store.sessions) as session:
        service.set_status(session, idea_id=usb, status="in_progress", by="max", now=later)
        shipped = service.set_status(session, idea_id=usb, status="shipped", by="max", now=later)
        assert shipped.loop is not None and shipped.loop.count("queued") == 4
    with write_transaction(store.sessions) as session:  # a retried close-the-loop step queues nothing new
        retry = notify.close_the_loop(session, idea=service.get_idea(session, usb), status=IdeaStatus.shipped,
                                      by="max", now=later)  # fmt: skip
        assert retry.count("already_told") == 4 and retry.count("queued") == 0
        with pytest.raises(Conflict, match="shipped cannot become planned"):
            service.set_status(session, idea_id=usb, status="planned", by="max", now=later)

    # 5. The worker runs twice: every customer got one reply per change, on their channel, under their post.
    first = deliver_due(store.sessions, senders=senders, now=later)
    again = deliver_due(store.sessions, senders=senders, now=later + timedelta(minutes=5))
    assert len(first.sent) == 6 and again.claimed == 0
    # Planned once and shipped once each; eli's dark-mode idea was never touched.
    assert replies_per_customer(api, mail) == {
        (customer, channel, change): 1
        for customer, channel in (("ana_b", "x"), ("ben_k", "x"), ("cara@mastodon.social", "mastodon"),
                                  ("dan@mail.example", "email"))
        for change in ("planned", "shipped")
    }  # fmt: skip
    with store.sessions() as session:
        messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert {m.status for m in messages} == {"sent"} and len(messages) == 8
        assert len({m.idempotency_key for m in messages}) == 8
        shipped_texts = [m.text for m in messages if ":shipped:" in m.idempotency_key]
        assert all("is now available" in t and "PulsePad" in t for t in shipped_texts)
        ana_shipped = [m for m in messages if m.recipient == "ana_b" and ":shipped:" in m.idempotency_key]
        assert [m.in_reply_to for m in ana_shipped] == [POSTS[0][0]]  # her first post in the idea
        assert views.show_idea(session, idea_id=dark, now=NOW).status == "new"
        assert verify(session).ok
    mail_reply = mail.sink.received[0].message
    assert mail_reply["In-Reply-To"] == "<m1@mail.example>" and "dan" in mail_reply.get_body().get_content()
