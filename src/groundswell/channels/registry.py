"""Finds connectors through the `groundswell.channels` entry point group, built-in and third-party alike,
and picks the one for a file when the format is `auto`."""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from groundswell.channels.base import Connector
from groundswell.errors import UnknownFormat

# Sniffing order: the generic formats first, because they only claim records that carry the generic
# core fields (id, channel, text, created_at), which no platform's API payload has at its top level;
# then the platform formats, which look for their own markers anywhere in the head of the file.
_SNIFF_ORDER = ("jsonl", "csv", "x", "mastodon", "bluesky", "reddit", "reviews", "rss", "email")
_HEAD_BYTES = 16_384
log = logging.getLogger(__name__)


@cache
def connectors() -> dict[str, Connector]:
    found: dict[str, Connector] = {}
    for entry in entry_points(group="groundswell.channels"):
        try:
            connector_class = entry.load()
        except Exception as exc:
            if entry.value.startswith("groundswell."):
                raise  # a broken built-in connector is a bug to see at once, not a missing format
            # A broken third-party plugin must not take the built-in channels down with it.
            log.warning("channel connector %s (%s) failed to load: %s", entry.name, entry.value, exc)
            continue
        found[entry.name] = connector_class()
    if not found:
        raise UnknownFormat(
            "no channel connectors are installed: reinstall groundswell with `pip install .` "
            "so its entry points are registered"
        )
    return found


def format_names() -> list[str]:
    return sorted(connectors())


def get_connector(name: str) -> Connector:
    available = connectors()
    if name not in available:
        raise UnknownFormat(f"unknown format {name!r}: use auto or one of {', '.join(sorted(available))}")
    return available[name]


def detect_connector(path: Path) -> Connector:
    """The connector for a file: by content first (a .json file can be X, Mastodon or Reddit),
    then by suffix."""
    head = _read_head(path)
    available = connectors()
    ordered = [available[n] for n in _SNIFF_ORDER if n in available]
    ordered += [c for n, c in sorted(available.items()) if n not in _SNIFF_ORDER]
    for connector in ordered:
        if connector.sniff(head):
            return connector
    suffix = "".join(path.suffixes[-1:]).lower()
    for connector in ordered:
        if suffix and suffix in connector.suffixes:
            return connector
    raise UnknownFormat(f"cannot tell the format of {path}: pass --format with one of {', '.join(format_names())}")


def _read_head(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")
