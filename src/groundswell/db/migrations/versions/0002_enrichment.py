"""Enrichment: each enricher's result per post (with its version), and employees' label corrections.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from groundswell.db.types import JsonDocument, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrichments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("enricher", sa.String(64), nullable=False),
        sa.Column("version", sa.String(128), nullable=False),
        sa.Column("value", JsonDocument, nullable=False),
        sa.Column("enriched_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_enrichments_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrichments")),
        sa.UniqueConstraint("post_id", "enricher", name=op.f("uq_enrichments_post_id_enricher")),
    )
    op.create_index("ix_enrichments_enricher_version", "enrichments", ["enricher", "version"])

    op.create_table(
        "label_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("task", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("labels", JsonDocument, nullable=False),
        sa.Column("previous", JsonDocument, nullable=True),
        sa.Column("corrected_by", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_label_corrections_post_id_posts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_corrections")),
    )
    op.create_index(op.f("ix_label_corrections_task"), "label_corrections", ["task"])


def downgrade() -> None:
    op.drop_index(op.f("ix_label_corrections_task"), table_name="label_corrections")
    op.drop_table("label_corrections")
    op.drop_index("ix_enrichments_enricher_version", table_name="enrichments")
    op.drop_table("enrichments")
