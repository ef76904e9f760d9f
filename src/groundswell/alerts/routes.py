"""Who hears about an alert, and when: the routing configuration (YAML), validated with pydantic.

```yaml
base_url: https://groundswell.example      # optional: links in Slack/Teams messages
targets:
  - {name: care-leads, kind: email, addresses: [lead@voltline.example]}
  - {name: pager, kind: webhook, url: https://hooks.example/gs, secret_env: GS_PAGER_SECRET}
  - {name: war-room, kind: slack, url: https://hooks.slack.com/services/T/B/X}
  - {name: execs, kind: teams, url: https://example.webhook.office.com/webhookb2/x}
routes:
  - name: brands
    min_severity: medium          # low < medium < high < critical
    scope_kind: brand             # or "*"
    scopes: ["*"]                 # scope names, or "*"
    kinds: ["*"]                  # alert kinds (volume_spike, negative_shift...), or "*"
    levels:
      - targets: [war-room, pager]              # level 0: at once
      - after_minutes: 15, targets: [care-leads] # level 1: 15 minutes after level 0, if unacknowledged
      - after_minutes: 30, targets: [execs]      # level 2: 30 more minutes after level 1
```

A webhook's signing secret is given inline (`secret`) or, better, as the name of an environment variable
(`secret_env`) read when the configuration is loaded; it never goes into the database.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from groundswell.errors import ConfigurationError, InvalidInput

SEVERITIES = ("low", "medium", "high", "critical")
Severity = Literal["low", "medium", "high", "critical"]
ANY = "*"


def severity_rank(severity: str) -> int:
    """0 for low up to 3 for critical; an unknown severity ranks below low."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _http_url(value: str) -> str:
    value = value.strip()
    if not value.startswith(("https://", "http://")) or len(value) < 10:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


class EmailTarget(_Strict):
    kind: Literal["email"]
    name: str = Field(min_length=1, max_length=40, pattern=r"^[\w.-]+$")
    addresses: list[str] = Field(min_length=1)

    @field_validator("addresses")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if "@" not in a or a.strip() != a or " " in a]
        if bad:
            raise ValueError(f"not e-mail addresses: {', '.join(map(repr, bad))}")
        return value


class WebhookTarget(_Strict):
    kind: Literal["webhook"]
    name: str = Field(min_length=1, max_length=40, pattern=r"^[\w.-]+$")
    url: str
    secret: str | None = Field(default=None, min_length=16)
    secret_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")

    _url = field_validator("url")(_http_url)

    @model_validator(mode="after")
    def _one_secret(self) -> WebhookTarget:
        if (self.secret is None) == (self.secret_env is None):
            raise ValueError(
                "a webhook target needs exactly one of `secret` (at least 16 characters) or `secret_env` "
                "(the name of an environment variable holding it)"
            )
        return self

    def signing_secret(self, environ: Mapping[str, str]) -> str:
        if self.secret is not None:
            return self.secret
        value = environ.get(self.secret_env or "", "")
        if len(value) < 16:
            raise ConfigurationError(
                f"webhook target {self.name!r}: set the environment variable {self.secret_env} to its signing "
                "secret (at least 16 characters)"
            )
        return value


class SlackTarget(_Strict):
    kind: Literal["slack"]
    name: str = Field(min_length=1, max_length=40, pattern=r"^[\w.-]+$")
    url: str

    _url = field_validator("url")(_http_url)


class TeamsTarget(_Strict):
    kind: Literal["teams"]
    name: str = Field(min_length=1, max_length=40, pattern=r"^[\w.-]+$")
    url: str

    _url = field_validator("url")(_http_url)


Target = Annotated[EmailTarget | WebhookTarget | SlackTarget | TeamsTarget, Field(discriminator="kind")]


class Level(_Strict):
    after_minutes: float = Field(default=0, ge=0, le=7 * 24 * 60)
    targets: list[str] = Field(min_length=1)


class Route(_Strict):
    name: str = Field(min_length=1, max_length=60)
    min_severity: Severity = "low"
    scope_kind: str = ANY
    scopes: list[str] = Field(default_factory=lambda: [ANY], min_length=1)
    kinds: list[str] = Field(default_factory=lambda: [ANY], min_length=1)
    levels: list[Level] = Field(min_length=1)

    @model_validator(mode="after")
    def _level_zero_at_once(self) -> Route:
        if self.levels[0].after_minutes != 0:
            raise ValueError("level 0 is notified at once: leave out its after_minutes (or set 0)")
        late = [i for i, level in enumerate(self.levels) if i and level.after_minutes <= 0]
        if late:
            raise ValueError(f"escalation levels {late} need after_minutes > 0 (minutes after the level before)")
        return self

    def matches(self, *, severity: str, scope_kind: str, scope: str, kind: str) -> bool:
        return (
            severity_rank(severity) >= severity_rank(self.min_severity)
            and self.scope_kind in (ANY, scope_kind)
            and (ANY in self.scopes or scope in self.scopes)
            and (ANY in self.kinds or kind in self.kinds)
        )


class RoutesConfig(_Strict):
    base_url: str | None = None
    targets: list[Target] = Field(min_length=1)
    routes: list[Route] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RoutesConfig:
        names = [t.name for t in self.targets]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"target names must be unique: {', '.join(duplicated)} appear more than once")
        for route in self.routes:
            unknown = sorted({t for level in route.levels for t in level.targets} - set(names))
            if unknown:
                raise ValueError(f"route {route.name!r} names unknown targets {', '.join(unknown)}: "
                                 f"define them under `targets` (known: {', '.join(names)})")  # fmt: skip
        by_url: dict[str, WebhookTarget] = {}
        for target in self.targets:
            if isinstance(target, WebhookTarget):
                other = by_url.setdefault(target.url, target)
                if other is not target and (other.secret, other.secret_env) != (target.secret, target.secret_env):
                    raise ValueError(f"webhook targets {other.name!r} and {target.name!r} share a URL but not "
                                     "a secret: a receiver checks one secret per URL")  # fmt: skip
        return self

    def target(self, name: str) -> Target:
        return next(t for t in self.targets if t.name == name)

    def matching(self, *, severity: str, scope_kind: str, scope: str, kind: str) -> list[Route]:
        return [r for r in self.routes if r.matches(severity=severity, scope_kind=scope_kind, scope=scope, kind=kind)]

    def webhook_secrets(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """URL -> signing secret for every webhook target (secret_env read from `environ`, default the
        process environment)."""
        env = os.environ if environ is None else environ
        return {t.url: t.signing_secret(env) for t in self.targets if isinstance(t, WebhookTarget)}


def parse_routes(document: Any, *, source: str = "routes") -> RoutesConfig:
    try:
        return RoutesConfig.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput(f"{source} is not a valid alert routing configuration:\n{_explain(exc)}") from exc


def load_routes(path: Path) -> RoutesConfig:
    """Read and validate a routes YAML file; every problem is reported with where it is."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read the alert routes file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidInput(f"{path} must hold a mapping with `targets` and `routes`")
    return parse_routes(document, source=str(path))


def _explain(exc: ValidationError) -> str:
    lines: Sequence[str] = [
        f"  - {'.'.join(str(p) for p in error['loc']) or '(top level)'}: {error['msg']}" for error in exc.errors()
    ]
    return "\n".join(lines)
