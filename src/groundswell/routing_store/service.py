"""Routing rules in the database: save (validated, versioned), activate (also to roll back), read the active set.

The text is stored as written, so comments survive and `rules diff` shows what a person changed. Teams are
not part of the stored rules once teams are kept in the people tables: there they are one definition, and
the rules are checked against them on save and activation (`groundswell people import` checks the other
way round, with `check_active_rules`). While no team is stored, the rules define their own teams, as a rules
file for `groundswell route` may. Saving and activating write audit lines `routing_rules.save` and
`routing_rules.activate` (entity id: the version number). Services flush, never commit.
"""

from __future__ import annotations

import difflib
import hashlib
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.models.team import RoutingRulesVersion
from groundswell.people import repository as people_repository
from groundswell.people.snapshots import routing_teams_of_rows
from groundswell.routing.config_dir import checked_ruleset
from groundswell.routing.ruleset import RuleSet
from groundswell.routing_store import repository

TEAMS_FROM = "the people tables (`groundswell people import`)"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_rules(session: Session, text: str, *, allow_own_teams: bool = False) -> RuleSet:
    """The rules as routing will use them: with the stored teams (and their hours) when any are stored.
    `allow_own_teams` lets a version saved before the teams were imported keep its `teams:`, replaced by the
    stored ones; a new save may not define teams that the people tables define. Raises InvalidInput."""
    rows = people_repository.all_teams(session)
    if not rows:
        return checked_ruleset(text)
    teams, calendars = routing_teams_of_rows(rows)
    return checked_ruleset(
        text, teams=teams, team_calendars=calendars, teams_from=TEAMS_FROM, replace_own_teams=allow_own_teams
    )


def _version_dict(row: RoutingRulesVersion) -> dict[str, object]:
    return {"version": row.version, "sha256": row.sha256, "active": row.active, "comment": row.comment}


def save_rules(
    session: Session,
    *,
    text: str,
    actor: str,
    comment: str = "",
    activate: bool = True,
    now: datetime | None = None,
) -> RoutingRulesVersion:
    """Validate and store a new version (active unless `activate=False`). Saving the text of the active
    version again is a no-op that returns the active version (no new version, no audit line)."""
    digest = text_sha256(text)
    active = repository.active_version(session)
    if active is not None and active.sha256 == digest:
        return active
    try:
        check_rules(session, text)
    except InvalidInput as exc:
        raise InvalidInput(f"routing rules not saved: {exc.message}") from exc
    when = now or datetime.now(UTC)
    if activate:
        repository.deactivate_all(session)
    row = RoutingRulesVersion(
        version=repository.latest_number(session) + 1, text=text, sha256=digest, active=activate,
        comment=comment, created_by=actor, created_at=when,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_log.append(
        session, actor=actor, action="routing_rules.save", entity="routing_rules", entity_id=row.version,
        before={"active_version": active.version if active else None}, after=_version_dict(row), at=when,
    )  # fmt: skip
    return row


def activate_version(session: Session, *, version: int, actor: str, now: datetime | None = None) -> RoutingRulesVersion:
    """Make a saved version the active one (rolling back is activating an older one). It is checked against
    the teams stored now, which may differ from those when it was saved. Already active: a no-op."""
    row = repository.version_by_number(session, version)
    active = repository.active_version(session)
    if row.active:
        return row
    try:
        check_rules(session, row.text, allow_own_teams=True)
    except InvalidInput as exc:
        raise InvalidInput(f"routing rules version {version} cannot be activated: {exc.message}") from exc
    repository.deactivate_all(session)
    row.active = True
    session.flush()
    audit_log.append(
        session, actor=actor, action="routing_rules.activate", entity="routing_rules", entity_id=row.version,
        before={"active_version": active.version if active else None}, after={"active_version": row.version},
        at=now or datetime.now(UTC),
    )  # fmt: skip
    return row


def active_ruleset(session: Session) -> tuple[RoutingRulesVersion, RuleSet] | None:
    """The active version and its rules with the stored teams merged in, or None when none was saved."""
    row = repository.active_version(session)
    if row is None:
        return None
    return row, check_rules(session, row.text, allow_own_teams=True)


def check_active_rules(session: Session) -> None:
    """After the teams changed: the active rules must still find every team they name."""
    row = repository.active_version(session)
    if row is None:
        return
    try:
        check_rules(session, row.text, allow_own_teams=True)
    except InvalidInput as exc:
        raise InvalidInput(
            f"the active routing rules (version {row.version}) would break: {exc.message}. Keep the teams the "
            "rules name, or first save rules that do not name them (`groundswell rules save`)"
        ) from exc


def list_versions(session: Session) -> list[RoutingRulesVersion]:
    """Every saved version, newest first."""
    return repository.all_versions(session)


def get_version(session: Session, version: int | None = None) -> RoutingRulesVersion:
    """A version by number, or the active one (NotFound when nothing is saved)."""
    if version is not None:
        return repository.version_by_number(session, version)
    active = repository.active_version(session)
    if active is None:
        raise NotFound("no routing rules are active; save some with `groundswell rules save --config DIR`")
    return active


def diff_versions(session: Session, *, old: int, new: int) -> str:
    """A unified diff of two versions' texts (empty when they are the same)."""
    a, b = repository.version_by_number(session, old), repository.version_by_number(session, new)
    return unified_diff(a.text, b.text, f"version {a.version}", f"version {b.version}")


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=old_label, tofile=new_label
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
