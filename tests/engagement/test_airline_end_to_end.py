"""The issue's end-to-end check: the real airline tweets are ingested, enriched, routed with the shipped
example (`examples/airline/`: baggage teams at named airports, bookings, customer care, and their shifts) and
worked in two-hour steps over the eight days they cover.

On PostgreSQL (CI's second pass) the same replay runs over the first two days only: the full replay takes
about three minutes a database, and every service it drives has its own PostgreSQL tests; the shorter replay
still checks the whole path and every invariant there. The thresholds are shares of the posts replayed.

The replay is what a live deployment does, in simulated time: every two hours the intake takes in the posts
written by then, the SLA sweep runs, queued cases are placed as shifts start, and agents answer and resolve
the cases they have held for an hour (otherwise capacity would fill up and stay full). After every step
nobody holds more open cases than their capacity; afterwards every assignment is checked against the
assignee's shift, every complaint case against its owner and deadline, and every bag case against the
nearest baggage office."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.service import enrich_stored_posts
from groundswell.inbox import repository as cases_repository
from groundswell.inbox import service as cases
from groundswell.inbox import sla_service
from groundswell.inbox.assignment import rebalance
from groundswell.inbox.intake import process_posts
from groundswell.inbox.post_input import stored_routing_input
from groundswell.ingest.runner import Ingestor
from groundswell.models import Author, Case, CaseEvent, CasePost, Employee, Post, SlaClockRecord, Team
from groundswell.people.service import import_people
from groundswell.people.snapshots import calendar_from_json, team_point
from groundswell.routing.calendar import is_open
from groundswell.routing.geo import haversine_km
from groundswell.routing_store.service import active_ruleset, save_rules

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "airline"
TOPICS = ROOT / "examples" / "topics" / "airline.yaml"
AIRPORT_DESKS = ("baggage-ord", "baggage-den", "baggage-jfk", "baggage-sfo")
NEAR_KM = 2500  # the example rules' nearest_team max_km
WORK_TIME = timedelta(hours=1)  # an agent answers and resolves a case this long after it reached them
AGENT = "e2e-agent"
STEP = timedelta(hours=2)  # how often the intake, sweep and rebalance run in the replay
PG_REPLAY = timedelta(days=2)


def steps(start: datetime, end: datetime) -> Iterator[datetime]:
    moment = start.replace(minute=0, second=0, microsecond=0) + STEP
    while moment <= end:
        yield moment
        moment += STEP


def work_assigned_cases(session: Session, now: datetime) -> int:
    """Agents answer and resolve every open case they have held for WORK_TIME."""
    held_since = (
        select(CaseEvent.case_id, func.max(CaseEvent.at).label("since"))
        .where(CaseEvent.kind == "assigned")
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    due = session.scalars(
        select(Case.id)
        .join(held_since, held_since.c.case_id == Case.id)
        .where(Case.status.in_(("new", "open")), Case.assignee_id.is_not(None), held_since.c.since <= now - WORK_TIME)
    ).all()
    for case_id in due:
        if session.get(Case, case_id).first_response_at is None:  # type: ignore[union-attr]
            cases.mark_responded(session, case_id=case_id, at=now, actor=AGENT)
        cases.change_status(session, case_id=case_id, status="resolved", actor=AGENT, now=now)
    return len(due)


def over_capacity(session: Session) -> list[str]:
    employees = session.scalars(select(Employee)).all()
    counts = cases_repository.open_case_counts(session, [e.id for e in employees])
    return [f"{e.handle}: {counts.get(e.id, 0)}/{e.max_open_cases}" for e in employees
            if counts.get(e.id, 0) > e.max_open_cases]  # fmt: skip


def replay(store: Store, first: datetime, last: datetime) -> Counter[str]:
    with store.sessions() as session:
        loaded = active_ruleset(session)
    assert loaded is not None
    version, ruleset = loaded
    totals: Counter[str] = Counter()
    for now in steps(first - STEP, last + timedelta(days=2)):
        report = process_posts(store.sessions, ruleset=ruleset, rules_version=version.version, now=now)
        totals["opened"] += report.opened
        totals["attached"] += report.attached
        with write_transaction(store.sessions) as session:
            sla_service.sweep(session, now=now)
            rebalance(session, now=now)
            totals["resolved"] += work_assigned_cases(session, now)
            problems = over_capacity(session)
            assert not problems, f"over capacity at {now}: {problems}"
        if now > last:
            with store.sessions() as session:
                if not cases_repository.queued_cases(session, limit=1):
                    break
    return totals


def posts_to_replay(airline_file: Path, folder: Path) -> Path:
    """The whole file on SQLite; on PostgreSQL the posts of its first two days (written to a temporary file)."""
    if not os.environ.get("GROUNDSWELL_TEST_PG"):
        return airline_file
    records = [(datetime.fromisoformat(orjson.loads(line)["created_at"]), line) for line in airline_file.open("rb")]
    cutoff = min(moment for moment, _ in records) + PG_REPLAY
    subset = folder / "first-days.jsonl"
    subset.write_bytes(b"".join(line for moment, line in records if moment < cutoff))
    return subset


def test_airline_tweets_are_routed_assigned_and_timed_end_to_end(
    store: Store, airline_file: Path, tmp_path: Path
) -> None:
    started = time.perf_counter()
    Ingestor(store.sessions).ingest_file(posts_to_replay(airline_file, tmp_path))
    enrich_stored_posts(
        store.sessions,
        spec=PipelineSpec(
            topics_path=str(TOPICS),
            only=("language", "sentiment", "emotion", "offensive", "intent", "topics", "urgency", "locations"),
        ),
    )
    with write_transaction(store.sessions) as session:
        import_people(session, document=yaml.safe_load((EXAMPLE / "people.yaml").read_text()), actor="e2e")
        save_rules(session, text=(EXAMPLE / "rules.yaml").read_text(), actor="e2e")
        first, last = session.execute(select(func.min(Post.created_at), func.max(Post.created_at))).one()
        posts = session.scalar(select(func.count()).select_from(Post)) or 0
    enriched = time.perf_counter()
    totals = replay(store, first, last)
    print(f"ingest+enrich {enriched - started:.0f} s, replay {time.perf_counter() - enriched:.0f} s: {dict(totals)}")

    with store.sessions() as session:
        check_every_assignment_was_on_shift(session, posts)
        check_complaint_cases_have_owners_and_deadlines(session, posts)
        check_bag_cases_reach_the_nearest_baggage_office(session)
    # Full file: 6,746 posts -> 3,959 cases opened, 1,941 follow-ups attached, 4,702 resolutions.
    assert totals["opened"] > 0.5 * posts and totals["resolved"] > 0.5 * posts, totals


def check_every_assignment_was_on_shift(session: Session, posts: int) -> None:
    employees = {e.handle: e for e in session.scalars(select(Employee))}
    assignments = session.scalars(select(CaseEvent).where(CaseEvent.kind == "assigned")).all()
    assert len(assignments) > 0.4 * posts
    off_shift = [
        (event.case_id, event.data["employee"], event.at.isoformat())
        for event in assignments
        if not is_open(calendar_from_json(employees[event.data["employee"]].shift), event.at)
        or employees[event.data["employee"]].on_leave
    ]
    assert off_shift == [], f"{len(off_shift)} assignments to people off shift or on leave, e.g. {off_shift[:5]}"


def first_posts(session: Session) -> dict[int, Post]:
    """Each case's first post."""
    rows = session.execute(
        select(CasePost.case_id, Post).join(Post, Post.id == CasePost.post_id).order_by(Post.created_at)
    )
    firsts: dict[int, Post] = {}
    for case_id, post in rows:
        firsts.setdefault(case_id, post)
    return firsts


def check_complaint_cases_have_owners_and_deadlines(session: Session, posts: int) -> None:
    firsts = first_posts(session)
    complaints = [
        case for case in session.scalars(select(Case).where(Case.merged_into_id.is_(None)))
        if firsts[case.id].attributes.get("label_sentiment") == "negative"
    ]  # fmt: skip
    assert len(complaints) > 0.25 * posts  # 63 % of the tweets are negative; follow-ups join their open case
    unowned = [case.id for case in complaints if case.assignee_id is None]
    assert unowned == [], f"{len(unowned)} complaint cases without an assignee"
    clocks = select(SlaClockRecord.case_id, SlaClockRecord.due_at).where(SlaClockRecord.clock == "first_response")
    deadlines = {case_id: due for case_id, due in session.execute(clocks)}
    undated = [case.id for case in complaints if deadlines.get(case.id) is None]
    assert undated == [], f"{len(undated)} complaint cases without a first-response deadline"


def check_bag_cases_reach_the_nearest_baggage_office(session: Session) -> None:
    teams = {t.id: t for t in session.scalars(select(Team))}
    desks = {t.name: point for t in teams.values() if t.name in AIRPORT_DESKS and (point := team_point(t))}
    assert len(desks) == len(AIRPORT_DESKS)
    firsts = first_posts(session)
    lost_luggage = bag_teams = 0
    wrong: list[str] = []
    for case in session.scalars(select(Case).where(Case.merged_into_id.is_(None))):
        post = firsts[case.id]
        team = teams[case.team_id].name if case.team_id else None
        if post.attributes.get("label_negative_reason") == "Lost Luggage":
            lost_luggage += 1
            bag_teams += bool(team and team.startswith("baggage"))
        if "baggage" not in case.tags:
            continue
        author = session.get(Author, post.author_id) if post.author_id else None
        enrichments = cases_repository.post_enrichments(session, [post.id])[post.id]
        positions = stored_routing_input(post, author, enrichments).positions()
        expected = "baggage-central"
        if positions:
            distance, nearest = min(
                (haversine_km(p.point, point), name) for name, point in desks.items() for p in positions
            )
            expected = nearest if distance <= NEAR_KM else "baggage-central"
        if team != expected:
            wrong.append(f"case {case.id} went to {team}, expected {expected}: {post.text[:80]!r}")
    assert wrong == [], f"{len(wrong)} bag cases reached the wrong baggage team: {wrong[:5]}"
    recall = bag_teams / lost_luggage
    print(f"Lost Luggage complaints routed to a baggage team: {bag_teams}/{lost_luggage} ({recall:.0%})")
    assert recall >= 0.75
