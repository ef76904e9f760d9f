"""Canned responses: one template name, a text per language, {variables} filled in at render time.

Rendering falls back from a regional language to its base language and then to English (pt-BR -> pt -> en),
first among the templates stored in the database, then among the defaults shipped in
`default_templates.yaml`, so a fresh install can already answer. Variables are checked strictly: a template
may only use the known variables, and rendering needs a value for every variable the text uses; both errors
name the variable and list the known ones. Only plain `{name}` fields are allowed (no attribute access,
indexing or format specs), so a template cannot reach into the values it is given.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.errors import InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.models.reply import ResponseTemplate

DEFAULT_LANGUAGE = "en"
KNOWN_VARIABLES: dict[str, str] = {
    "customer_name": "the customer's display name (or handle)",
    "customer_handle": "the customer's handle on the channel",
    "case_number": "the case's number",
    "agent_name": "the name of the employee who answers",
    "brand": "the brand the customer wrote to",
    "location": "a place: an airport, a store, a city",
    "item": "a lost item as the customer described it",
    "lost_on": "when the item was lost, as the customer said it",
    "flight": "a flight number",
    "status": "a status, e.g. of a lost item",
    "note": "a free-text note from the team",
    "link": "a link to more information",
    "idea": "an idea from the ideas board, by its title",
    "product": "the product an idea or post is about",
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,127}$")
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z0-9]{2,8}))*$")


@dataclass(frozen=True, slots=True)
class TemplateText:
    """One language version of a template, from the database or the shipped defaults."""

    name: str
    language: str
    text: str
    description: str
    source: str  # "database" or "default"


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def normalise_language(language: str) -> str:
    """ "pt_br" -> "pt-BR", "EN" -> "en"; InvalidInput for anything that is not a language tag."""
    match = _LANGUAGE.match(language.strip())
    if match is None:
        raise InvalidInput(f"{language!r} is not a language tag; write e.g. 'en', 'pt' or 'pt-BR'")
    parts = re.split(r"[-_]", language.strip())
    rest = [part.upper() if len(part) == 2 else part for part in parts[1:]]
    return "-".join([parts[0].lower(), *rest])


def language_chain(language: str) -> list[str]:
    """The languages to try, most specific first, ending with English: pt-BR -> [pt-BR, pt, en]."""
    parts = normalise_language(language).split("-")
    chain = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return chain + ([DEFAULT_LANGUAGE] if DEFAULT_LANGUAGE not in chain else [])


def variables_in(text: str) -> list[str]:
    """The {variables} a template uses, in order, each once. InvalidInput for malformed or complex fields."""
    found: list[str] = []
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise InvalidInput(f"template text is malformed ({exc}); write {{{{ and }}}} for literal braces") from exc
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise InvalidInput(
                f"template field {{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} "
                f"is not a plain variable; use {{name}} with one of: {_known()}"
            )
        if field not in found:
            found.append(field)
    return found


def check_text(text: str) -> list[str]:
    """The text's variables, after checking that each is known."""
    if not text.strip():
        raise InvalidInput("a template needs some text")
    used = variables_in(text)
    unknown = [name for name in used if name not in KNOWN_VARIABLES]
    if unknown:
        raise InvalidInput(f"unknown template variable(s) {', '.join(unknown)}; known variables: {_known()}")
    return used


def fill(text: str, variables: Mapping[str, str]) -> str:
    """The text with its variables replaced (strictly: unknown or missing variables are errors)."""
    unknown = sorted(name for name in variables if name not in KNOWN_VARIABLES)
    if unknown:
        raise InvalidInput(f"unknown template variable(s) {', '.join(unknown)}; known variables: {_known()}")
    missing = [name for name in check_text(text) if name not in variables]
    if missing:
        raise InvalidInput(f"template needs a value for {', '.join(missing)}; known variables: {_known()}")
    pieces = []
    for literal, field, _, _ in string.Formatter().parse(text):
        pieces.append(literal)
        if field is not None:
            pieces.append(str(variables[field]))
    # An empty optional value ({note}) must not leave a double space behind.
    return re.sub(r"[ \t]{2,}", " ", "".join(pieces)).strip()


def save_template(
    session: Session,
    *,
    name: str,
    language: str,
    text: str,
    actor: str,
    description: str | None = None,
    now: datetime | None = None,
) -> ResponseTemplate:
    """Create or replace one language version of a template (audited)."""
    name, language = _check_name(name), normalise_language(language)
    check_text(text)
    now = now or datetime.now(UTC)
    row = _row(session, name, language)
    before = None if row is None else {"text": row.text, "description": row.description}
    if row is None:
        row = ResponseTemplate(name=name, language=language, text=text, description=description or "", updated_at=now)
        session.add(row)
    else:
        row.text, row.updated_at = text, now
        row.description = row.description if description is None else description
    session.flush()
    audit_log.append(
        session, actor=actor, action="template.save", entity="response_template", entity_id=f"{name}:{language}",
        before=before, after={"text": row.text, "description": row.description}, at=now,
    )  # fmt: skip
    return row


def delete_template(session: Session, *, name: str, language: str, actor: str, now: datetime | None = None) -> None:
    language = normalise_language(language)
    row = _row(session, name, language)
    if row is None:
        raise NotFound(f"no template {name!r} in language {language!r}; see `groundswell templates list`")
    before = {"text": row.text, "description": row.description}
    session.delete(row)
    session.flush()
    audit_log.append(
        session, actor=actor, action="template.delete", entity="response_template", entity_id=f"{name}:{language}",
        before=before, at=now or datetime.now(UTC),
    )  # fmt: skip


def list_templates(session: Session, *, name: str | None = None, language: str | None = None) -> list[ResponseTemplate]:
    query = select(ResponseTemplate).order_by(ResponseTemplate.name, ResponseTemplate.language)
    if name is not None:
        query = query.where(ResponseTemplate.name == name)
    if language is not None:
        query = query.where(ResponseTemplate.language == normalise_language(language))
    return list(session.scalars(query))


def find_template(session: Session, *, name: str, language: str) -> TemplateText:
    """The version to use for `language`, following the fallback chain (database first, then defaults)."""
    chain = language_chain(language)
    stored = {row.language: row for row in list_templates(session, name=name) if row.language in chain}
    defaults = default_templates().get(name, {})
    for lang in chain:
        if lang in stored:
            row = stored[lang]
            return TemplateText(name, lang, row.text, row.description, "database")
        if lang in defaults:
            return defaults[lang]
    known = sorted({row.name for row in list_templates(session)} | set(default_templates()))
    raise NotFound(
        f"no template {name!r} in {' or '.join(chain)}; known templates: {', '.join(known) or 'none'} "
        "(add one with `groundswell templates add`)"
    )


def render(session: Session, *, name: str, language: str, variables: Mapping[str, str]) -> str:
    return fill(find_template(session, name=name, language=language).text, variables)


def import_defaults(
    session: Session, *, actor: str, overwrite: bool = False, now: datetime | None = None
) -> ImportResult:
    """Copy the shipped templates into the database. Existing versions are kept unless `overwrite`."""
    result = ImportResult([], [], [])
    for name, versions in default_templates().items():
        for language, version in versions.items():
            row = _row(session, name, language)
            label = f"{name}:{language}"
            if row is not None and (row.text == version.text or not overwrite):
                result.unchanged.append(label)
                continue
            (result.created if row is None else result.updated).append(label)
            save_template(
                session, name=name, language=language, text=version.text, actor=actor,
                description=version.description, now=now,
            )  # fmt: skip
    return result


@cache
def default_templates() -> dict[str, dict[str, TemplateText]]:
    """The shipped templates: name -> language -> text. Checked like saved ones, so a bad edit fails loudly."""
    raw = yaml.safe_load(resources.files("groundswell.inbox").joinpath("default_templates.yaml").read_text("utf-8"))
    templates: dict[str, dict[str, TemplateText]] = {}
    for name, entry in raw.items():
        entry = dict(entry)
        description = str(entry.pop("description", ""))
        versions = {}
        for language, text in entry.items():
            check_text(str(text))
            lang = normalise_language(str(language))
            versions[lang] = TemplateText(name, lang, " ".join(str(text).split()), description, "default")
        templates[str(name)] = versions
    return templates


def _row(session: Session, name: str, language: str) -> ResponseTemplate | None:
    query = select(ResponseTemplate).where(ResponseTemplate.name == name, ResponseTemplate.language == language)
    return session.scalars(query).first()


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidInput(
            f"{name!r} is not a template name; use lower-case letters, digits, '.', '_' or '-' (e.g. lost_item.found)"
        )
    return name


def _known() -> str:
    return ", ".join(sorted(KNOWN_VARIABLES))
