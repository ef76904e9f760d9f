"""Turning form fields into the plain data the services validate (the services say what is wrong)."""

from __future__ import annotations

from typing import Any

import yaml

from groundswell.errors import InvalidInput


def names(text: str) -> list[str]:
    """'a, b ,c' -> ['a', 'b', 'c'] (commas or new lines)."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def yaml_mapping(text: str, label: str) -> dict[str, Any] | None:
    """A YAML mapping typed into a text area (None when left empty)."""
    if not text.strip():
        return None
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{label} is not valid YAML: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidInput(
            f'{label} must be a mapping, e.g. timezone: Europe/Berlin and hours: {{mon-fri: "09:00-17:00"}}'
        )
    return value


def yaml_text(value: Any) -> str:
    return "" if value is None else yaml.safe_dump(value, sort_keys=False, allow_unicode=True).strip()


def place(text: str, current_name: str | None, current: dict[str, Any] | None) -> Any:
    """The place as the people service reads it: unchanged text keeps the stored coordinates (a store's name
    need not be resolvable), new text is an airport code or a city, empty removes it."""
    text = text.strip()
    if not text:
        return None
    if current is not None and text == (current_name or ""):
        return current
    return text
