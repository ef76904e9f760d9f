"""The ideas board: collect suggestions into ideas, and work the ideas (status, owner, votes, comments, merges).

Services take the session first and flush, never commit: the caller owns the transaction. Every change writes an
audit line. A status change to planned or shipped closes the loop with the customers (`ideas.notify`) in the
same transaction, so the status and the queued replies commit together or not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.ideas import repository
from groundswell.ideas.notify import close_the_loop
from groundswell.ideas.rules import (
    DEFAULT_THRESHOLD,
    NOTIFY_STATUSES,
    Candidate,
    IdeaStatus,
    add_to_centroid,
    check_transition,
    clean_text,
    closest_idea,
    idea_title,
    key_phrases,
    normalised,
    parse_status,
)
from groundswell.ideas.schemas import CollectReport, LoopReport, StatusChange
from groundswell.models import Post
from groundswell.models.idea import Idea, IdeaComment, IdeaPost, IdeaVote
from groundswell.models.insight import Department

Encoder = Callable[[Sequence[str]], list[list[float]]]
ENTITY = "idea"


def bundled_encoder(texts: Sequence[str]) -> list[list[float]]:
    """Unit vectors from the bundled sentence encoder (the `embedding` enricher)."""
    from groundswell.enrich.base import PostInput
    from groundswell.enrich.pipeline import Pipeline, PipelineSpec

    results = Pipeline(PipelineSpec(only=("embedding",))).run([PostInput(text=t) for t in texts])
    return [list(r["embedding"]) for r in results]


def collect_ideas(
    session: Session,
    *,
    now: datetime,
    threshold: float = DEFAULT_THRESHOLD,
    encoder: Encoder | None = None,
    actor: str = "ideas",
) -> CollectReport:
    """Put every stored suggestion that is in no idea yet into the closest active idea (cosine similarity to
    its centroid at least `threshold`, topics agreeing), or start a new idea, oldest post first."""
    if not 0 < threshold <= 1:
        raise InvalidInput(f"the similarity threshold must be in (0, 1], got {threshold}")
    posts = repository.unclustered_suggestions(session)
    report = CollectReport(posts=len(posts))
    if not posts:
        return report
    vectors, report.embedded = _vectors(session, posts, encoder or bundled_encoder)
    topics = repository.enrichment_values(session, [p.id for p in posts], "topics")
    ideas = {idea.id: idea for idea in repository.active_ideas(session)}
    counts = repository.post_counts(session, list(ideas))
    touched: dict[int, int] = Counter()
    for post in posts:
        vector, topic = vectors[post.id], _top_topic(topics.get(post.id))
        candidates = (Candidate(i.id, i.centroid, i.topic) for i in ideas.values())
        hit = closest_idea(vector, topic, candidates, threshold=threshold)
        if hit is None:
            idea = _new_idea(session, post, topic, vector, now)
            ideas[idea.id], similarity = idea, 1.0
            report.created.append(idea.id)
        else:
            idea, similarity = ideas[hit[0]], hit[1]
        idea.centroid = add_to_centroid(idea.centroid, counts.get(idea.id, 0), vector)
        counts[idea.id] = counts.get(idea.id, 0) + 1
        session.add(IdeaPost(idea_id=idea.id, post_id=post.id, author_id=post.author_id,
                             similarity=round(similarity, 6), added_at=now))  # fmt: skip
        if post.author_id is not None:
            _add_vote(session, idea.id, "customer", str(post.author_id), now)
        touched[idea.id] += 1
    session.flush()
    for idea_id, added in touched.items():
        idea = ideas[idea_id]
        retitle(session, idea, now=now)
        if idea_id not in report.created:
            report.joined[idea_id] = added
        audit_log.append(
            session, actor=actor, action="idea.collect", entity=ENTITY, entity_id=idea_id, at=now,
            after={"posts_added": added, "title": idea.title, "new": idea_id in report.created},
        )  # fmt: skip
    return report


def _vectors(session: Session, posts: list[Post], encoder: Encoder) -> tuple[dict[int, list[float]], int]:
    stored = repository.enrichment_values(session, [p.id for p in posts], "embedding")
    vectors = {pid: normalised(v) for pid, v in stored.items() if isinstance(v, list) and v}
    missing = [p for p in posts if p.id not in vectors]
    if missing:
        for post, vector in zip(missing, encoder([p.text for p in missing]), strict=True):
            vectors[post.id] = normalised(vector)
    return vectors, len(missing)


def _top_topic(value: Any) -> str | None:
    if not isinstance(value, list):
        return None
    scored = [(float(t.get("score") or 0), str(t["name"])) for t in value if isinstance(t, dict) and t.get("name")]
    return max(scored)[1] if scored else None


def _new_idea(session: Session, post: Post, topic: str | None, vector: list[float], now: datetime) -> Idea:
    idea = Idea(title=clean_text(post.text), key_phrases=[], topic=topic, product=post.product, status=IdeaStatus.new,
                centroid=vector, created_at=now, updated_at=now)  # fmt: skip
    session.add(idea)
    session.flush()
    return idea


def retitle(session: Session, idea: Idea, *, now: datetime) -> None:
    """Key phrases, title and product from the idea's posts."""
    rows = repository.posts_of(session, [idea.id])
    texts = [post.text for _, post, _ in rows]
    idea.key_phrases = key_phrases(texts)
    idea.title = idea_title(texts, idea.key_phrases)
    products = Counter(post.product for _, post, _ in rows if post.product)
    if products:
        idea.product = products.most_common(1)[0][0]
    idea.updated_at = now


def _add_vote(session: Session, idea_id: int, kind: str, voter: str, now: datetime) -> bool:
    exists = session.scalars(
        select(IdeaVote.id).where(IdeaVote.idea_id == idea_id, IdeaVote.voter_kind == kind, IdeaVote.voter == voter)
    ).first()
    if exists is not None:
        return False
    session.add(IdeaVote(idea_id=idea_id, voter_kind=kind, voter=voter, created_at=now))
    session.flush()
    return True


def get_idea(session: Session, idea_id: int) -> Idea:
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise NotFound(f"no idea with id {idea_id}: `groundswell ideas list` shows them")
    return idea


def _active(session: Session, idea_id: int) -> Idea:
    idea = get_idea(session, idea_id)
    if idea.merged_into_id is not None:
        root = repository.root_of(session, idea)
        raise Conflict(f"idea {idea_id} was merged into idea {root.id}: work on idea {root.id} instead")
    return idea


def set_status(session: Session, *, idea_id: int, status: str, by: str, now: datetime) -> StatusChange:
    """Move an idea to `status` (see `rules.allowed_next`); planned and shipped tell its customers."""
    idea = _active(session, idea_id)
    wanted, current = parse_status(status), IdeaStatus(idea.status)
    check_transition(current, wanted)
    idea.status, idea.status_changed_at, idea.updated_at = wanted, now, now
    session.flush()
    audit_log.append(session, actor=by, action="idea.status", entity=ENTITY, entity_id=idea.id, at=now,
                     before={"status": current}, after={"status": wanted})  # fmt: skip
    loop = close_the_loop(session, idea=idea, status=wanted, by=by, now=now) if wanted in NOTIFY_STATUSES else None
    return StatusChange(idea_id=idea.id, before=current, after=wanted, loop=loop)


def merge(session: Session, *, idea_id: int, into_id: int, by: str, now: datetime) -> dict[str, Any]:
    """Merge the duplicate `idea_id` into the original `into_id`: its posts (customers), votes (each voter
    once) and comments move to the original, which keeps its status. Customers told about a status of either
    idea are not told about it again; if the original is planned or shipped, the duplicate's customers who
    were not told yet are told now."""
    duplicate = _active(session, idea_id)
    original = _active(session, into_id)
    if duplicate.id == original.id:
        raise InvalidInput(f"idea {idea_id} cannot be merged into itself")
    moved = _move_members(session, duplicate, original)
    duplicate.merged_into_id, duplicate.updated_at = original.id, now
    session.flush()
    total = repository.post_counts(session, [original.id]).get(original.id, 0)
    if original.centroid and duplicate.centroid and total:
        share = moved["posts"]
        original.centroid = normalised(
            [o * (total - share) + d * share for o, d in zip(original.centroid, duplicate.centroid, strict=True)]
        )
    retitle(session, original, now=now)
    audit_log.append(session, actor=by, action="idea.merge", entity=ENTITY, entity_id=duplicate.id, at=now,
                     before={"status": duplicate.status}, after={"merged_into": original.id, **moved})  # fmt: skip
    loop: LoopReport | None = None
    if original.status in NOTIFY_STATUSES:
        loop = close_the_loop(session, idea=original, status=IdeaStatus(original.status), by=by, now=now)
    return {"idea_id": duplicate.id, "into_id": original.id, **moved,
            "loop": loop.model_dump() if loop else None}  # fmt: skip


def _move_members(session: Session, duplicate: Idea, original: Idea) -> dict[str, int]:
    posts = list(session.scalars(select(IdeaPost).where(IdeaPost.idea_id == duplicate.id)))
    for row in posts:
        row.idea_id = original.id
    kept = {(v.voter_kind, v.voter) for v in repository.votes_of(session, original.id)}
    moved_votes = dropped = 0
    for vote in repository.votes_of(session, duplicate.id):
        if (vote.voter_kind, vote.voter) in kept:
            session.delete(vote)
            dropped += 1
        else:
            vote.idea_id, moved_votes = original.id, moved_votes + 1
            kept.add((vote.voter_kind, vote.voter))
    for comment in repository.comments_of(session, duplicate.id):
        comment.idea_id = original.id
    session.flush()
    return {"posts": len(posts), "votes": moved_votes, "duplicate_votes": dropped}


def vote(session: Session, *, idea_id: int, by: str, now: datetime) -> IdeaVote:
    """An employee's vote for an idea (once per employee)."""
    idea = _active(session, idea_id)
    voter = _person(by)
    if not _add_vote(session, idea.id, "employee", voter, now):
        raise Conflict(f"{voter} already voted for idea {idea.id}")
    row = session.scalars(
        select(IdeaVote).where(IdeaVote.idea_id == idea.id, IdeaVote.voter_kind == "employee", IdeaVote.voter == voter)
    ).one()
    audit_log.append(session, actor=voter, action="idea.vote", entity=ENTITY, entity_id=idea.id, at=now,
                     after={"voter": voter})  # fmt: skip
    return row


def comment(session: Session, *, idea_id: int, text: str, by: str, now: datetime) -> IdeaComment:
    idea = _active(session, idea_id)
    if not text.strip():
        raise InvalidInput("a comment needs some text")
    row = IdeaComment(idea_id=idea.id, author=_person(by), text=text.strip(), created_at=now)
    session.add(row)
    session.flush()
    audit_log.append(session, actor=row.author, action="idea.comment", entity=ENTITY, entity_id=idea.id, at=now,
                     after={"comment_id": row.id, "chars": len(row.text)})  # fmt: skip
    return row


def set_owner(session: Session, *, idea_id: int, department: str, by: str, now: datetime) -> Department:
    """Make a department the idea's owner. A department not defined yet is created with that name (the
    departments' own commands add its subscriptions and digest recipients)."""
    idea = _active(session, idea_id)
    name = department.strip()
    if not name:
        raise InvalidInput("name the owner department, e.g. 'product design'")
    row = repository.department_by_name(session, name)
    if row is None:
        row = Department(name=name, description="", subscriptions={}, digest_recipients=[], created_at=now,
                         updated_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        audit_log.append(session, actor=_person(by), action="department.create", entity="department",
                         entity_id=row.id, at=now, after={"name": name, "from": f"idea {idea.id} owner"})  # fmt: skip
    before = idea.owner_department_id
    idea.owner_department_id, idea.updated_at = row.id, now
    session.flush()
    audit_log.append(session, actor=_person(by), action="idea.owner", entity=ENTITY, entity_id=idea.id, at=now,
                     before={"department_id": before}, after={"department_id": row.id, "name": row.name})  # fmt: skip
    return row


def _person(by: str) -> str:
    cleaned = by.strip()
    if not cleaned:
        raise InvalidInput("say who does this (--by HANDLE)")
    return cleaned
