"""Departments (imported from YAML) and the insights built for them from stored, enriched posts.

Both operations flush and never commit: the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from groundswell.departments import repository
from groundswell.departments.new_themes import theme_drafts
from groundswell.departments.rules import (
    InsightDraft,
    PostFacts,
    Subject,
    concerns,
    draft_insight,
    groups,
    previous_period,
    sentiment_change,
)
from groundswell.departments.schemas import DepartmentSpec, parse_departments, spec_of, stored_settings
from groundswell.errors import InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.insights.catalogue import Catalogue, load_catalogue
from groundswell.models import Department, Insight

ENTITY = "department"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _row_state(row: Department) -> dict[str, Any]:
    return {"description": row.description, "recipients": list(row.digest_recipients),
            "settings": dict(row.subscriptions)}  # fmt: skip


def _with_catalogue(spec: DepartmentSpec, base_dir: Path | None, source: str) -> DepartmentSpec:
    """The spec with its new-themes catalogue path made absolute (relative to `base_dir`, the departments file's
    folder) and checked, so a wrong path is reported at import rather than when insights are built."""
    watch = spec.subscriptions.new_themes
    if watch is None or watch.catalogue is None:
        return spec
    path = Path(watch.catalogue).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        load_catalogue(path)
    except InvalidInput as exc:
        raise InvalidInput(f"{source}: department {spec.name!r} new_themes.catalogue: {exc}") from None
    watch = watch.model_copy(update={"catalogue": str(path.resolve())})
    return spec.model_copy(update={"subscriptions": spec.subscriptions.model_copy(update={"new_themes": watch})})


def import_departments(
    session: Session, *, document: Any, actor: str, now: datetime, source: str = "departments file",
    base_dir: Path | None = None,
) -> ImportReport:  # fmt: skip
    """Create or update the departments of a YAML document (parsed); the same document again changes nothing.
    Departments missing from the document are kept. A new-themes `catalogue` path is read relative to
    `base_dir` (the file's folder; the working directory when None) and stored absolute."""
    parsed = parse_departments(document, source=source)
    report = ImportReport()
    for spec in (_with_catalogue(s, base_dir, source) for s in parsed.departments):
        wanted: dict[str, Any] = {
            "description": spec.description,
            "recipients": spec.recipients,
            "settings": stored_settings(spec),
        }
        row = repository.department_by_name(session, spec.name)
        if row is None:
            row = Department(name=spec.name, description=spec.description, subscriptions=wanted["settings"],
                             digest_recipients=spec.recipients, created_at=now, updated_at=now)  # fmt: skip
            session.add(row)
            session.flush()
            before = None
            report.created.append(spec.name)
        elif _row_state(row) == wanted:
            report.unchanged.append(spec.name)
            continue
        else:
            before = _row_state(row)
            row.description, row.digest_recipients = spec.description, spec.recipients
            row.subscriptions, row.updated_at = wanted["settings"], now
            session.flush()
            report.updated.append(spec.name)
        audit_log.append(session, actor=actor, action="department.import", entity=ENTITY, entity_id=row.id,
                         before=before, after={"name": spec.name, **wanted}, at=now)  # fmt: skip
    return report


def department_spec(session: Session, name: str) -> tuple[Department, DepartmentSpec]:
    row = repository.department_by_name(session, name)
    if row is None:
        known = ", ".join(d.name for d in repository.departments(session)) or "none yet"
        raise NotFound(
            f"no department named {name!r} (known: {known}); `groundswell departments import FILE` adds them"
        )
    spec = spec_of(name=row.name, description=row.description, recipients=row.digest_recipients,
                   stored=row.subscriptions)  # fmt: skip
    return row, spec


def _check_period(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("the period needs time zones (e.g. 2026-03-02T00:00:00Z)")
    if end <= start:
        raise InvalidInput(f"the period ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})")
    if end - start > timedelta(days=366):
        raise InvalidInput("the period is longer than a year: build insights for shorter periods")


def drafts_for(
    spec: DepartmentSpec, current: list[PostFacts], previous: list[PostFacts], *, start: datetime, end: datetime
) -> list[InsightDraft]:
    """One draft per subscribed subject (and group) with posts in the period; sentiment changes only when
    significant."""
    subs = spec.subscriptions
    subjects = [Subject("intent", name, g) for name in subs.intents for g in groups(current, spec.split_by)]
    subjects += [Subject("topic", t.name, g, t.min_score) for t in subs.topics for g in groups(current, spec.split_by)]
    drafts = []
    for subject in subjects:
        mine = [p for p in current if concerns(subject, p)]
        if not mine:
            continue
        chosen = {p.id for p in mine}
        before = [p for p in previous if concerns(subject, p)]
        background = [p for p in current if p.id not in chosen]
        drafts.append(draft_insight(subject, mine, before, background=background, start=start, end=end))
    for watch in subs.sentiment_changes:
        subject = Subject("sentiment_change", watch.subject)
        mine, before = [p for p in current if concerns(subject, p)], [p for p in previous if concerns(subject, p)]
        change = sentiment_change(mine, before, min_posts=watch.min_posts, min_change=watch.min_change,
                                  alpha=watch.alpha)  # fmt: skip
        if change is not None and change.significant:
            chosen = {p.id for p in mine}
            background = [p for p in current if p.id not in chosen]
            drafts.append(draft_insight(subject, mine, before, background=background, start=start, end=end,
                                        change=change))  # fmt: skip
    return drafts


def build_insights(
    session: Session, *, department: str, period_start: datetime, period_end: datetime, now: datetime,
    actor: str = "system",
) -> list[Insight]:  # fmt: skip
    """Build (or rebuild) the department's insights for a period from the stored posts and enrichments. A
    re-run updates the same rows (by fingerprint) and removes those of the period that no longer hold."""
    _check_period(period_start, period_end)
    row, spec = department_spec(session, department)
    before_start, _ = previous_period(period_start, period_end)
    watch = spec.subscriptions.new_themes
    catalogue = _catalogue(spec)
    if watch is not None:
        before_start = min(before_start, period_start - timedelta(weeks=watch.baseline_weeks))
    facts = repository.post_facts(session, before_start, period_end, brands=spec.brands)
    current = [p for p in facts if p.created_at >= period_start]
    previous = [p for p in facts if previous_start(period_start, period_end) <= p.created_at < period_start]
    drafts = drafts_for(spec, current, previous, start=period_start, end=period_end)
    if watch is not None:
        drafts += theme_drafts(watch, _in_theme_space(facts), start=period_start, end=period_end, catalogue=catalogue)
    kept = {d.fingerprint for d in drafts}
    stale = [
        i.id for i in repository.insights_of(session, row.id, period_start, period_end) if i.fingerprint not in kept
    ]
    repository.delete_insights(session, stale)
    for draft in drafts:
        _upsert(session, row.id, draft, period_start, period_end, now)
    session.flush()
    audit_log.append(session, actor=actor, action="department.insights", entity=ENTITY, entity_id=row.id, at=now,
                     after={"period_start": period_start.isoformat(), "period_end": period_end.isoformat(),
                            "insights": len(drafts), "removed": len(stale), "posts": len(current)})  # fmt: skip
    return repository.insights_of(session, row.id, period_start, period_end)


def _in_theme_space(facts: list[PostFacts]) -> list[PostFacts]:
    """The posts with the vectors themes are found in (see `groundswell.insights.theme_vectors`)."""
    from groundswell.insights.theme_vectors import theme_vectors

    with_text = [p for p in facts if p.text.strip()]
    vectors = theme_vectors([p.text for p in with_text])
    return [replace(p, embedding=tuple(v)) for p, v in zip(with_text, vectors, strict=True)]


def previous_start(start: datetime, end: datetime) -> datetime:
    return previous_period(start, end)[0]


def _catalogue(spec: DepartmentSpec) -> Catalogue | None:
    watch = spec.subscriptions.new_themes
    if watch is None or watch.catalogue is None:
        return None
    try:
        return load_catalogue(Path(watch.catalogue))
    except InvalidInput as exc:
        raise InvalidInput(
            f"department {spec.name!r}: {exc}; fix new_themes.catalogue in the departments file and import it again"
        ) from None


def _upsert(session: Session, department_id: int, draft: InsightDraft, start: datetime, end: datetime,
            now: datetime) -> None:  # fmt: skip
    insight = repository.insight_by_fingerprint(session, department_id, draft.fingerprint)
    if insight is None:
        insight = Insight(department_id=department_id, fingerprint=draft.fingerprint, created_at=now)
        session.add(insight)
    insight.kind, insight.title, insight.summary = draft.kind, draft.title, draft.summary
    insight.trend, insight.post_ids, insight.details = draft.trend, draft.post_ids, draft.details
    insight.customers, insight.reach, insight.sentiment = draft.customers, draft.reach, draft.sentiment
    insight.period_start, insight.period_end = start, end
