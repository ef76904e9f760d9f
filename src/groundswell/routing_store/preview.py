""" "Test these rules on recent posts": route the newest stored posts with a rules text (saved or not) and set
each decision beside the one the active rules give, without writing anything.

The posts are read newest first through the index on `posts.created_at`, with their authors and enrichments
in two bulk queries, so a preview costs the same with a million posts stored as with a hundred."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.inbox import repository as inbox_repository
from groundswell.inbox.post_input import stored_routing_input
from groundswell.models import Post
from groundswell.people import repository as people_repository
from groundswell.people.snapshots import team_point
from groundswell.routing.rules import route
from groundswell.routing.ruleset import RuleSet
from groundswell.routing.schemas import RoutingDecision
from groundswell.routing.schemas import Team as RoutingTeam
from groundswell.routing_store import repository
from groundswell.routing_store.service import check_rules

MAX_POSTS = 500
SNIPPET_CHARS = 160


@dataclass(frozen=True, slots=True)
class PreviewRow:
    post_id: int
    channel: str
    created_at: datetime
    snippet: str
    decision: RoutingDecision
    active: RoutingDecision | None  # what the active rules decide, when some are active

    @property
    def changed(self) -> bool:
        if self.active is None:
            return True
        keys = ("team", "priority", "sla_policy", "tags", "suppressed", "requires_approval")
        return any(getattr(self.decision, k) != getattr(self.active, k) for k in keys)


@dataclass
class RulesPreview:
    rows: list[PreviewRow] = field(default_factory=list)
    active_version: int | None = None
    by_team: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0
    changed: int = 0
    fired: dict[str, int] = field(default_factory=dict)  # how many posts each rule fired on


def _route_teams(session: Session, ruleset: RuleSet) -> dict[str, RoutingTeam]:
    # As intake does: the rules' own teams win, stored teams join them so nearest_team can see them.
    stored = {
        name: RoutingTeam(name=name, location=team_point(row))
        for name, row in people_repository.teams_by_name(session).items()
    }
    return stored | dict(ruleset.teams)


def recent_posts(session: Session, *, limit: int) -> list[Post]:
    stmt = select(Post).order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def preview_rules(session: Session, *, text: str, limit: int = 50) -> RulesPreview:
    """Route the `limit` newest posts with `text` (InvalidInput when the rules do not validate)."""
    ruleset = check_rules(session, text)
    active_row = repository.active_version(session)
    active = check_rules(session, active_row.text, allow_own_teams=True) if active_row is not None else None
    posts = recent_posts(session, limit=max(1, min(limit, MAX_POSTS)))
    authors = inbox_repository.authors_by_id(session, [p.author_id for p in posts if p.author_id is not None])
    enrichments = inbox_repository.post_enrichments(session, [p.id for p in posts])
    teams = _route_teams(session, ruleset)
    active_teams = _route_teams(session, active) if active is not None else {}
    preview = RulesPreview(active_version=active_row.version if active_row is not None else None)
    for post in posts:
        author = authors.get(post.author_id) if post.author_id is not None else None
        signals = stored_routing_input(post, author, enrichments[post.id])
        decision = route(signals, ruleset, teams)
        current = route(signals, active, active_teams) if active is not None else None
        row = PreviewRow(post.id, post.channel, post.created_at, post.text[:SNIPPET_CHARS], decision, current)
        preview.rows.append(row)
        if decision.suppressed:
            preview.suppressed += 1
        else:
            team = decision.team or "(no team)"
            preview.by_team[team] = preview.by_team.get(team, 0) + 1
        preview.changed += row.changed
        for rule in decision.fired_rules:
            preview.fired[rule] = preview.fired.get(rule, 0) + 1
    return preview
