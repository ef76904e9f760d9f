"""The product catalogue: each product's names (as customers write them) and its intended uses, from a small
YAML file in the configuration. It tells an *unexpected use* (a purpose the company did not list) from an
intended one. Matching is by words, so it can be explained: a purpose is intended when it shares a content word
(lightly stemmed) with one of the product's intended uses or their listed keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from groundswell.alerts.phrases import STOP_WORDS
from groundswell.errors import InvalidInput

_WORD = re.compile(r"[a-z][a-z'-]+")


def stem(word: str) -> str:
    """A crude stem, enough to match `chargers`/`charging`/`charger` and `texting`/`texts`/`text`."""
    word = word.lower().strip("'-")
    for suffix in ("ings", "ing", "ers", "er", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def content_stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) >= 3)


@dataclass(frozen=True)
class Product:
    name: str
    aliases: tuple[str, ...]
    intended_uses: tuple[str, ...]
    keywords: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        names = sorted({self.name, *self.aliases}, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)

    @property
    def intended_stems(self) -> frozenset[str]:
        found: set[str] = set()
        for text in (*self.intended_uses, *self.keywords):
            found |= content_stems(text)
        return frozenset(found) - content_stems(" ".join((self.name, *self.aliases)))

    def intended(self, purpose: str) -> bool | None:
        """True when the purpose shares a word with an intended use, False when it has words and shares none,
        None when it has no content words to judge."""
        words = content_stems(purpose)
        if not words:
            return None
        return bool(words & self.intended_stems)


@dataclass(frozen=True)
class Catalogue:
    products: tuple[Product, ...]

    def mentioned(self, text: str) -> list[tuple[Product, re.Match[str]]]:
        return [(p, m) for p in self.products for m in p.pattern.finditer(text)]


def load_catalogue(path: Path) -> Catalogue:
    """Read a catalogue YAML: `products: [{name, aliases: [...], intended_uses: [...], keywords: [...]}]`."""
    if not path.is_file():
        raise InvalidInput(f"catalogue {path} not found; give --catalogue a YAML file of products and intended uses")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput(f"catalogue {path} is not valid YAML: {exc}") from exc
    return parse_catalogue(document, source=str(path))


def parse_catalogue(document: Any, *, source: str = "catalogue") -> Catalogue:
    rows = document.get("products") if isinstance(document, dict) else None
    if not isinstance(rows, list) or not rows:
        raise InvalidInput(f"{source}: expected `products:` with a list of products (name, intended_uses)")
    products = []
    for index, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not row["name"].strip():
            raise InvalidInput(f"{source}: product {index} needs a `name`")
        uses = _strings(row.get("intended_uses"), f"{source}: product {row['name']!r} `intended_uses`")
        if not uses:
            raise InvalidInput(f"{source}: product {row['name']!r} needs at least one of its `intended_uses`")
        aliases = _strings(row.get("aliases"), f"{source}: product {row['name']!r} `aliases`")
        keywords = _strings(row.get("keywords"), f"{source}: product {row['name']!r} `keywords`")
        products.append(Product(row["name"].strip(), aliases, uses, keywords))
    return Catalogue(tuple(products))


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInput(f"{what} must be a list of texts")
    return tuple(v.strip() for v in value)
