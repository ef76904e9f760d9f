"""Dashboard rollup: posts per (hour, channel, brand, dimension, label), filled from the posts and enrichments
already stored (`groundswell db rollup --rebuild` does the same later; ingest and enrichment keep it exact).

The fill is frozen SQL rather than a call into the application, so this revision keeps meaning what it meant
when written; it spells exactly what `groundswell.analytics.rollup.source` computes today.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Per dialect: the UTC hour of a post, a single label, the unnested list items (intent, topics), their label.
_SPELLING = {
    "postgresql": {
        "hour": "to_char(timezone('UTC', p.created_at), 'YYYY-MM-DD HH24')",
        "label": "coalesce(e.value ->> 'label', '')",
        "intent_items": "jsonb_array_elements_text(e.value) AS i(value)",
        "intent": "i.value",
        "topic_items": "jsonb_array_elements(e.value) AS i(value)",
        "topic": "i.value ->> 'name'",
        "is_list": "jsonb_typeof(e.value) = 'array'",
    },
    "sqlite": {
        "hour": "substr(p.created_at, 1, 13)",
        "label": "coalesce(CAST(json_extract(e.value, '$.\"label\"') AS VARCHAR), '')",
        "intent_items": "json_each(e.value) AS i",
        "intent": "i.value",
        "topic_items": "json_each(e.value) AS i",
        "topic": "json_extract(i.value, '$.name')",
        "is_list": "json_type(e.value) = 'array'",
    },
}
_INSERT = "INSERT INTO dashboard_rollup (hour, channel, brand, dimension, label, posts) "


def _fill_statements(dialect: str) -> list[str]:
    s = _SPELLING[dialect]
    statements = [
        _INSERT + f"SELECT {s['hour']}, p.channel, p.brand, 'volume', '', count(*) FROM posts p "
        f"GROUP BY {s['hour']}, p.channel, p.brand"
    ]
    for dimension in ("sentiment", "emotion"):
        statements.append(
            _INSERT + f"SELECT {s['hour']}, p.channel, p.brand, '{dimension}', {s['label']}, count(*) FROM posts p "
            f"JOIN enrichments e ON e.post_id = p.id AND e.enricher = '{dimension}' "
            f"GROUP BY {s['hour']}, p.channel, p.brand, {s['label']}"
        )
    for dimension, enricher in (("intent", "intent"), ("topic", "topics")):
        label = s[dimension]
        statements.append(
            _INSERT + f"SELECT {s['hour']}, p.channel, p.brand, '{dimension}', {label}, count(*) FROM posts p "
            f"JOIN enrichments e ON e.post_id = p.id AND e.enricher = '{enricher}' "
            f"JOIN {s[dimension + '_items']} ON 1 = 1 "
            f"WHERE {s['is_list']} AND {label} IS NOT NULL AND {label} != '' "
            f"GROUP BY {s['hour']}, p.channel, p.brand, {label}"
        )
    return statements


def upgrade() -> None:
    op.create_table(
        "dashboard_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.String(length=13), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("brand", sa.String(length=255), nullable=True),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_rollup")),
    )
    op.create_index("ix_dashboard_rollup_dimension_hour", "dashboard_rollup", ["dimension", "hour"], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect in _SPELLING:
        for statement in _fill_statements(dialect):
            op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_dashboard_rollup_dimension_hour", table_name="dashboard_rollup")
    op.drop_table("dashboard_rollup")
