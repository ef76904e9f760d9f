"""Crisis playbooks in YAML: what triggers them, the roles to fill, the checklist, the pre-approved holding
statements and whether to pause marketing. Pure apart from reading the file.

    name: service-outage
    description: The service is down or badly degraded for many customers.
    trigger: {kinds: [volume_spike, negative_shift], scope_kind: brand, scopes: ["*"], min_severity: medium}
    roles:
      - {name: incident_lead, title: Incident lead, allowed: [manager, admin]}
      - {name: spokesperson, allowed: [manager, admin]}
    tasks:
      - {title: Confirm the outage with engineering, owner: incident_lead, due_after: 15m}
    holding_statements:
      - name: first-response
        language: en
        channel: mastodon
        text: "We know some {brand} customers cannot ... We will post an update within the hour."
    pause_marketing: true

"Pre-approved" means the holding statements passed approval when the playbook was written. The policy checks
still run when a playbook is loaded, and a holding statement with a block or require-approval finding is
refused with the finding explained: a pre-approved text must be one that would need no approval.

`match(playbooks, alert)` picks the playbook for an alert: among those whose trigger accepts it, the most
specific (named scopes over a scope kind over any scope; named alert kinds over any kind; then the higher
minimum severity), ties broken by name, so the choice never depends on file order.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from groundswell.errors import InvalidInput
from groundswell.governance.policy import check_draft
from groundswell.governance.schemas import Finding, PolicyContext, Severity, Visibility
from groundswell.outbox.rules import REPLY_CHANNELS
from groundswell.people.schemas import describe_errors

SEVERITIES = ("low", "medium", "high", "critical")
SCOPE_KINDS = ("brand", "product", "topic", "location")
EMPLOYEE_ROLES = ("admin", "manager", "agent", "analyst")
ANY = "*"
_NAME = r"^[a-z0-9][a-z0-9_.-]*$"
_DURATION = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")


def parse_duration(value: str) -> timedelta:
    """'15m', '2h', '1h30m', '1d' -> timedelta."""
    match = _DURATION.match(value.strip())
    if not value.strip() or match is None:
        raise ValueError(f"{value!r} is not a duration: write it like 15m, 2h, 1h30m or 1d")
    days, hours, minutes = (int(match.group(g) or 0) for g in ("d", "h", "m"))
    return timedelta(days=days, hours=hours, minutes=minutes)


def template_variables(text: str) -> list[str]:
    """The {names} a template uses, in order of first use. Refuses positional {} and format specs."""
    names: list[str] = []
    for _, field, spec, conversion in string.Formatter().parse(text):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"{{{field}}} is not a plain variable: use names such as {{brand}} or {{scope}}")
        if field not in names:
            names.append(field)
    return names


class Trigger(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: tuple[str, ...] = (ANY,)
    scope_kind: str = ANY
    scopes: tuple[str, ...] = (ANY,)
    min_severity: str = "low"

    @field_validator("scope_kind")
    @classmethod
    def _scope_kind(cls, value: str) -> str:
        if value != ANY and value not in SCOPE_KINDS:
            raise ValueError(f"unknown scope kind {value!r}: use one of {', '.join(SCOPE_KINDS)} or '*'")
        return value

    @field_validator("min_severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        if value not in SEVERITIES:
            raise ValueError(f"unknown severity {value!r}: use one of {', '.join(SEVERITIES)}")
        return value

    @field_validator("kinds", "scopes")
    @classmethod
    def _not_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("list at least one name, or '*' for any")
        return value

    def accepts(self, alert: AlertLike) -> bool:
        return (
            (ANY in self.kinds or alert.kind in self.kinds)
            and (self.scope_kind in (ANY, alert.scope_kind))
            and (ANY in self.scopes or alert.scope.casefold() in {s.casefold() for s in self.scopes})
            and severity_rank(alert.severity) >= severity_rank(self.min_severity)
        )

    def specificity(self) -> tuple[int, int, int, int]:
        return (
            int(ANY not in self.scopes),
            int(self.scope_kind != ANY),
            int(ANY not in self.kinds),
            severity_rank(self.min_severity),
        )


class PlaybookRole(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=_NAME)
    title: str = ""
    allowed: tuple[str, ...] = ("manager", "admin")

    @field_validator("allowed")
    @classmethod
    def _allowed(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [role for role in value if role not in EMPLOYEE_ROLES]
        if unknown or not value:
            raise ValueError(f"allowed must list employee roles among {', '.join(EMPLOYEE_ROLES)}, got {list(value)}")
        return value


class PlaybookTask(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1)
    owner: str
    due_after: str | None = None

    @field_validator("due_after")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value


class HoldingStatement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=_NAME)
    language: str = "en"
    channel: str | None = None
    text: str = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _variables(cls, value: str) -> str:
        template_variables(value)
        return value

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and value not in REPLY_CHANNELS:
            raise ValueError(f"unknown channel {value!r}: statements go out on {', '.join(REPLY_CHANNELS)}")
        return value

    def render(self, variables: Mapping[str, str]) -> str:
        missing = [name for name in template_variables(self.text) if name not in variables]
        if missing:
            raise InvalidInput(
                f"holding statement {self.name!r} needs {', '.join(missing)}: pass them as variables "
                f"(e.g. --var {missing[0]}=...)"
            )
        return self.text.format_map(dict(variables))


class Playbook(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=_NAME)
    description: str = ""
    trigger: Trigger = Trigger()
    roles: tuple[PlaybookRole, ...] = ()
    tasks: tuple[PlaybookTask, ...] = ()
    holding_statements: tuple[HoldingStatement, ...] = ()
    default_channel: str = "mastodon"
    pause_marketing: bool = False

    @model_validator(mode="after")
    def _references(self) -> Playbook:
        roles = [r.name for r in self.roles]
        if len(set(roles)) != len(roles):
            raise ValueError(f"role names must be unique, got {roles}")
        for number, task in enumerate(self.tasks, start=1):
            if task.owner not in roles:
                raise ValueError(f"task {number} ({task.title!r}) is owned by {task.owner!r}, which is not a role "
                                 f"of this playbook; roles: {', '.join(roles) or 'none'}")  # fmt: skip
        keys = [(h.name, h.language) for h in self.holding_statements]
        if len(set(keys)) != len(keys):
            raise ValueError("each holding statement needs a unique name and language")
        if self.default_channel not in REPLY_CHANNELS:
            raise ValueError(f"default_channel {self.default_channel!r} is not one of {', '.join(REPLY_CHANNELS)}")
        return self

    def holding(self, name: str, language: str | None = None) -> HoldingStatement:
        found = [h for h in self.holding_statements if h.name == name]
        chosen = next((h for h in found if h.language == language), None) if language else None
        if chosen is None and found:
            chosen = next((h for h in found if h.language == "en"), found[0])
        if chosen is None:
            known = ", ".join(sorted({h.name for h in self.holding_statements})) or "none"
            raise InvalidInput(f"playbook {self.name!r} has no holding statement {name!r}; it has: {known}")
        return chosen

    def role(self, name: str) -> PlaybookRole:
        for role in self.roles:
            if role.name == name:
                return role
        raise InvalidInput(
            f"playbook {self.name!r} has no role {name!r}; its roles: {', '.join(r.name for r in self.roles) or 'none'}"
        )


class AlertLike(Protocol):
    kind: str
    scope_kind: str
    scope: str
    severity: str


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def statement_findings(text: str) -> list[Finding]:
    """Policy findings that would keep a public statement from going out without approval."""
    findings = check_draft(text, PolicyContext(visibility=Visibility.PUBLIC))
    return [f for f in findings if f.severity in (Severity.BLOCK, Severity.REQUIRE_APPROVAL)]


def parse_playbook(document: Any, *, source: str = "playbook") -> Playbook:
    if not isinstance(document, Mapping):
        raise InvalidInput(f"{source}: a playbook is a YAML mapping with name, trigger, roles, tasks, ...")
    try:
        playbook = Playbook.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput(f"{source}: {describe_errors(exc)}") from None
    for holding in playbook.holding_statements:
        if findings := statement_findings(holding.text):
            explained = "; ".join(
                f"{f.severity.value} {f.code} at {f.span.excerpt!r}: {f.why} {f.what_to_do}" for f in findings
            )
            raise InvalidInput(
                f"{source}: holding statement {holding.name!r} ({holding.language}) cannot be pre-approved: "
                f"{explained}. Reword it so that it needs no approval, or draft it as a statement during the incident"
            )
    return playbook


def load_playbook(path: Path) -> Playbook:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read playbook {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not valid YAML: {exc}") from None
    return parse_playbook(document, source=str(path))


def load_playbooks(folder: Path) -> list[Playbook]:
    """Every *.yaml / *.yml playbook in a folder, sorted by name; two with one name are refused."""
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder of playbooks")
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    playbooks = [load_playbook(path) for path in paths]
    names = [p.name for p in playbooks]
    if duplicated := sorted({n for n in names if names.count(n) > 1}):
        raise InvalidInput(f"{folder}: more than one playbook is named {', '.join(duplicated)}")
    if not playbooks:
        raise InvalidInput(f"{folder} holds no playbooks (*.yaml)")
    return sorted(playbooks, key=lambda p: p.name)


def match(playbooks: Iterable[Playbook], alert: AlertLike) -> Playbook | None:
    """The most specific playbook whose trigger accepts the alert; ties go to the first name."""
    accepting = [p for p in playbooks if p.trigger.accepts(alert)]
    if not accepting:
        return None
    return min(accepting, key=lambda p: (tuple(-x for x in p.trigger.specificity()), p.name))
