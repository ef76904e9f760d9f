"""Foundation: authors, conversations, posts with full-text search, quarantine, ingest runs, cursors.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from groundswell.db.dialect import create_fulltext, drop_fulltext
from groundswell.db.types import JsonDocument, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("handle", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=True),
        sa.Column("location", sa.String(255), nullable=True),
        sa.Column("followers", sa.Integer(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=True),
        sa.Column("url", sa.String(1024), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authors")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_authors_channel_external_id")),
    )
    op.create_index(op.f("ix_authors_handle"), "authors", ["handle"])

    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("root_external_id", sa.String(255), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("last_post_at", UTCDateTime(), nullable=False),
        sa.Column("post_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("channel", "root_external_id", name=op.f("uq_conversations_channel_root_external_id")),
    )
    op.create_index(op.f("ix_conversations_last_post_at"), "conversations", ["last_post_at"])

    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reply_to_external_id", sa.String(255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=True),
        sa.Column("brand", sa.String(255), nullable=True),
        sa.Column("product", sa.String(255), nullable=True),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("likes", sa.Integer(), nullable=True),
        sa.Column("reposts", sa.Integer(), nullable=True),
        sa.Column("replies", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(255), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("attributes", JsonDocument, nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(32), nullable=False),
        sa.Column("ingested_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name=op.f("fk_posts_author_id_authors")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_posts_conversation_id_conversations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_posts_channel_external_id")),
    )
    op.create_index(op.f("ix_posts_conversation_id"), "posts", ["conversation_id"])
    op.create_index(op.f("ix_posts_author_id"), "posts", ["author_id"])
    op.create_index(op.f("ix_posts_created_at"), "posts", ["created_at"])
    op.create_index("ix_posts_brand_created_at", "posts", ["brand", "created_at"])
    create_fulltext(op.get_bind())

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(1024), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(32), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_sha256", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("quarantined_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
        sa.UniqueConstraint("source", "position", "raw_sha256", name=op.f("uq_quarantine_source_position_raw_sha256")),
    )
    op.create_index(op.f("ix_quarantine_quarantined_at"), "quarantine", ["quarantined_at"])

    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(1024), nullable=False),
        sa.Column("source_format", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("read", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_runs")),
    )

    op.create_table(
        "channel_cursors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(1024), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_cursors")),
        sa.UniqueConstraint("source_key", name=op.f("uq_channel_cursors_source_key")),
    )


def downgrade() -> None:
    op.drop_table("channel_cursors")
    op.drop_table("ingest_runs")
    op.drop_table("quarantine")
    drop_fulltext(op.get_bind())
    op.drop_table("posts")
    op.drop_table("conversations")
    op.drop_table("authors")
