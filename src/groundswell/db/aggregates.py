"""Dialect-specific SQL for aggregate queries (dashboards): grouping by time, reading labels out of JSON
enrichments, and durations, each spelt once per dialect so analytics queries stay plain SQLAlchemy and
GROUP BY runs in the database. (Kept beside `dialect.py`, which holds full-text search and bulk inserts.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, SQLColumnExpression, func

Column = SQLColumnExpression[Any]

_BUCKET_FORMATS = {"hour": ("YYYY-MM-DD HH24", 13), "day": ("YYYY-MM-DD", 10)}


def time_bucket(dialect: str, column: Column, unit: str) -> ColumnElement[str]:
    """The UTC hour ("2025-03-14 21") or day ("2025-03-14") of a UTCDateTime column, as text. SQLite stores
    those columns as ISO text, so a prefix is the bucket; PostgreSQL formats the timestamptz in UTC."""
    pg_format, length = _BUCKET_FORMATS[unit]
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), pg_format)
    return func.substr(column, 1, length)


def seconds_between(dialect: str, start: Column, end: Column) -> ColumnElement[float]:
    """`end - start` in seconds, for two UTCDateTime columns."""
    if dialect == "postgresql":
        return func.extract("epoch", end - start).cast(Float)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def json_array_labels(dialect: str, column: Column, key: str | None) -> tuple[Any, ColumnElement[str]]:
    """(table-valued function, label) that unnest a JSON array column into one row per element: the element
    itself when it is a string (`key` None), else its `key` field. Join the function to the column's table."""
    if dialect == "postgresql":
        if key is None:
            items = func.jsonb_array_elements_text(column).table_valued("value")
            return items, items.c.value
        items = func.jsonb_array_elements(column).table_valued("value")
        return items, items.c.value.op("->>")(key)
    items = func.json_each(column).table_valued("value")
    return items, (items.c.value if key is None else func.json_extract(items.c.value, f"$.{key}"))
