"""Rule conditions: the tree a `when:` block becomes, and the parser that builds it with precise errors.

A `when:` mapping holds tests that must all hold. Keys are post fields, `keywords`, geography tests
(`within_km`, `nearest_team`, `region`) or combinators (`all`, `any`, `not`) that nest further mappings.

    field: value            text: equals; list field (intent, topics): contains it; number: equals
    field: [a, b]           text: in; list field: contains any
    field: {op: value, ...} explicit operators, all must hold (urgency: {gte: 0.5, lte: 0.9})

Text comparisons ignore case, so `channel: X` and `channel: x` are the same test.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FieldKind(StrEnum):
    TEXT = "text"
    LIST = "list"
    NUMBER = "number"
    BOOL = "bool"


FIELD_KINDS: Mapping[str, FieldKind] = {
    "channel": FieldKind.TEXT,
    "brand": FieldKind.TEXT,
    "language": FieldKind.TEXT,
    "sentiment": FieldKind.TEXT,
    "emotion": FieldKind.TEXT,
    "author_tier": FieldKind.TEXT,
    "location": FieldKind.TEXT,
    "author_location": FieldKind.TEXT,
    "intent": FieldKind.LIST,
    "topics": FieldKind.LIST,
    "sentiment_score": FieldKind.NUMBER,
    "urgency": FieldKind.NUMBER,
    "reach": FieldKind.NUMBER,
    "offensive": FieldKind.BOOL,
}

OPERATORS: Mapping[FieldKind, frozenset[str]] = {
    FieldKind.TEXT: frozenset({"equals", "in", "not_in", "contains_any"}),
    FieldKind.LIST: frozenset({"contains_any", "contains_all", "not_in"}),
    FieldKind.NUMBER: frozenset({"equals", "gte", "lte", "gt", "lt"}),
    FieldKind.BOOL: frozenset({"equals"}),
}
_LIST_OPERATORS = frozenset({"in", "not_in", "contains_any", "contains_all"})
COMBINATORS = ("all", "any", "not")
SPECIAL_KEYS = ("keywords", "within_km", "nearest_team", "region")


@dataclass(frozen=True, slots=True)
class FieldTest:
    field: str
    op: str
    value: str | float | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeywordTest:
    phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WithinKm:
    of: str
    km: float


@dataclass(frozen=True, slots=True)
class NearestTeam:
    teams: tuple[str, ...]
    max_km: float


@dataclass(frozen=True, slots=True)
class InRegion:
    region: str


@dataclass(frozen=True, slots=True)
class AllOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Condition


Condition = FieldTest | KeywordTest | WithinKm | NearestTeam | InRegion | AllOf | AnyOf | Not
CONDITION_TYPES = (FieldTest, KeywordTest, WithinKm, NearestTeam, InRegion, AllOf, AnyOf, Not)


class ConditionError(ValueError):
    """A `when:` block that cannot be understood; `path` points into it, e.g. when.any[1].urgency."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def parse_condition(raw: Any, path: str = "when") -> Condition:
    """Build the condition tree for a `when:` mapping; None or {} is a condition that always holds."""
    if raw is None:
        return AllOf(())
    if not isinstance(raw, dict):
        raise ConditionError(path, f"expected a mapping of conditions, got {_show(raw)}")
    parts: list[Condition] = []
    for key, value in raw.items():
        parts.extend(_parse_entry(str(key), value, f"{path}.{key}"))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _parse_entry(key: str, value: Any, path: str) -> list[Condition]:
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(path, f"expected a non-empty list of condition mappings, got {_show(value)}")
        children = tuple(parse_condition(item, f"{path}[{i}]") for i, item in enumerate(value))
        return [AllOf(children) if key == "all" else AnyOf(children)]
    if key == "not":
        if not isinstance(value, dict) or not value:
            raise ConditionError(path, f"expected a mapping of conditions to negate, got {_show(value)}")
        return [Not(parse_condition(value, path))]
    if key == "keywords":
        return [KeywordTest(_parse_keywords(value, path))]
    if key == "within_km":
        spec = _expect_keys(value, path, required=("of", "km"))
        return [WithinKm(of=_text(spec["of"], f"{path}.of"), km=_positive(spec["km"], f"{path}.km"))]
    if key == "nearest_team":
        spec = _expect_keys(value, path, required=("teams", "max_km"))
        teams = _text_list(spec["teams"], f"{path}.teams")
        return [NearestTeam(teams=teams, max_km=_positive(spec["max_km"], f"{path}.max_km"))]
    if key == "region":
        return [InRegion(_text(value, path))]
    if key in FIELD_KINDS:
        return _parse_field(key, FIELD_KINDS[key], value, path)
    known = [*FIELD_KINDS, *SPECIAL_KEYS, *COMBINATORS]
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ConditionError(path, f"unknown condition {key!r}; {hint}known: {', '.join(sorted(known))}")


def _parse_field(field: str, kind: FieldKind, value: Any, path: str) -> list[Condition]:
    if isinstance(value, dict):
        if not value:
            raise ConditionError(path, "empty operator mapping")
        tests: list[Condition] = []
        for op, operand in value.items():
            if op not in OPERATORS[kind]:
                allowed = ", ".join(sorted(OPERATORS[kind]))
                raise ConditionError(
                    f"{path}.{op}", f"operator {op!r} does not apply to {kind} field {field!r}; use {allowed}"
                )
            tests.append(FieldTest(field, str(op), _operand(kind, str(op), operand, f"{path}.{op}")))
        return tests
    if isinstance(value, list):
        if kind not in (FieldKind.TEXT, FieldKind.LIST):
            raise ConditionError(path, f"a list only applies to text or list fields; {field!r} is a {kind} field")
        op = "in" if kind is FieldKind.TEXT else "contains_any"
        return [FieldTest(field, op, _operand(kind, op, value, path))]
    op = "contains_any" if kind is FieldKind.LIST else "equals"
    operand = [value] if kind is FieldKind.LIST else value
    return [FieldTest(field, op, _operand(kind, op, operand, path))]


def _operand(kind: FieldKind, op: str, value: Any, path: str) -> str | float | bool | tuple[str, ...]:
    if op in _LIST_OPERATORS:
        return tuple(v.casefold() for v in _text_list(value, path))
    if kind is FieldKind.NUMBER:
        return _number(value, path)
    if kind is FieldKind.BOOL:
        if not isinstance(value, bool):
            raise ConditionError(path, f"expected true or false, got {_show(value)}")
        return value
    return _text(value, path).casefold()


def _parse_keywords(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, dict):
        spec = _expect_keys(value, path, required=("contains_any",))
        value, path = spec["contains_any"], f"{path}.contains_any"
    return _text_list([value] if isinstance(value, str) else value, path)


def _expect_keys(value: Any, path: str, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConditionError(path, f"expected a mapping with {', '.join(required)}, got {_show(value)}")
    missing = [k for k in required if k not in value]
    extra = [str(k) for k in value if k not in required]
    if missing or extra:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unexpected {', '.join(extra)}"] if extra else []
        raise ConditionError(path, f"{'; '.join(problems)} (expected exactly: {', '.join(required)})")
    return value


def _text(value: Any, path: str) -> str:
    if isinstance(value, str) and not value.strip():
        raise ConditionError(path, "must not be blank")
    if not isinstance(value, str):
        # YAML reads unquoted no/yes/on/off as booleans (`language: no` is Norwegian), hence the hint.
        raise ConditionError(path, f"expected text, got {_show(value)}; quote values YAML may read otherwise")
    return value


def _text_list(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ConditionError(path, f"expected a non-empty list of text values, got {_show(value)}")
    return tuple(_text(item, f"{path}[{i}]") for i, item in enumerate(value))


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConditionError(path, f"expected a number, got {_show(value)}")
    return float(value)


def _positive(value: Any, path: str) -> float:
    number = _number(value, path)
    if number <= 0:
        raise ConditionError(path, f"expected a positive number, got {_show(value)}")
    return number


def _show(value: Any) -> str:
    return f"{type(value).__name__} {value!r}" if value is not None else "nothing"


def describe(condition: Condition) -> str:
    """A short human-readable form of a condition, used when explaining `not:` and failed tests."""
    match condition:
        case FieldTest(field, op, value):
            shown = ", ".join(value) if isinstance(value, tuple) else str(value).lower()
            return f"{field} {op.replace('_', ' ')} {shown}"
        case KeywordTest(phrases):
            return f"keywords any of {', '.join(repr(p) for p in phrases)}"
        case WithinKm(of, km):
            return f"within {km:g} km of {of}"
        case NearestTeam(teams, max_km):
            return f"nearest of {', '.join(teams)} within {max_km:g} km"
        case InRegion(region):
            return f"in region {region}"
        case AllOf(children):
            return "always" if not children else " and ".join(f"({describe(c)})" for c in children)
        case AnyOf(children):
            return " or ".join(f"({describe(c)})" for c in children)
        case Not(child):
            return f"not ({describe(child)})"
    raise AssertionError(f"unhandled condition {condition!r}")  # pragma: no cover


def referenced_places(condition: Condition) -> tuple[list[str], list[str], list[str]]:
    """(places in within_km, teams in nearest_team, regions) named anywhere in the tree, for reference checks."""
    places: list[str] = []
    teams: list[str] = []
    regions: list[str] = []
    stack: list[Condition] = [condition]
    while stack:
        node = stack.pop()
        match node:
            case WithinKm(of, _):
                places.append(of)
            case NearestTeam(names, _):
                teams.extend(names)
            case InRegion(region):
                regions.append(region)
            case AllOf(children) | AnyOf(children):
                stack.extend(children)
            case Not(child):
                stack.append(child)
    return places, teams, regions
