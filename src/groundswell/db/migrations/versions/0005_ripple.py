"""Ripple: departments and their insights; the ideas board (ideas, their posts, votes, comments) and the
customers told when an idea is planned or shipped.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from groundswell.db.types import JsonDocument, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("subscriptions", JsonDocument, nullable=False),
        sa.Column("digest_recipients", JsonDocument, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("name", name=op.f("uq_departments_name")),
    )
    op.create_table(
        "ideas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("key_phrases", JsonDocument, nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=True),
        sa.Column("product", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_department_id", sa.Integer(), nullable=True),
        sa.Column("centroid", JsonDocument, nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["ideas.id"], name=op.f("fk_ideas_merged_into_id_ideas"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_department_id"],
            ["departments.id"],
            name=op.f("fk_ideas_owner_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ideas")),
    )
    op.create_index(op.f("ix_ideas_status"), "ideas", ["status"], unique=False)
    op.create_table(
        "insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("trend", JsonDocument, nullable=False),
        sa.Column("post_ids", JsonDocument, nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("sentiment", JsonDocument, nullable=False),
        sa.Column("details", JsonDocument, nullable=False),
        sa.Column("period_start", UTCDateTime(), nullable=False),
        sa.Column("period_end", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_insights_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights")),
        sa.UniqueConstraint("department_id", "fingerprint", name=op.f("uq_insights_department_id_fingerprint")),
    )
    op.create_index(op.f("ix_insights_department_id"), "insights", ["department_id"], unique=False)
    op.create_index(op.f("ix_insights_period_end"), "insights", ["period_end"], unique=False)
    op.create_table(
        "idea_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_comments_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_comments")),
    )
    op.create_index(op.f("ix_idea_comments_idea_id"), "idea_comments", ["idea_id"], unique=False)
    op.create_table(
        "idea_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["authors.id"], name=op.f("fk_idea_posts_author_id_authors"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_posts_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_idea_posts_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_posts")),
        sa.UniqueConstraint("post_id", name=op.f("uq_idea_posts_post_id")),
    )
    op.create_index(op.f("ix_idea_posts_author_id"), "idea_posts", ["author_id"], unique=False)
    op.create_index(op.f("ix_idea_posts_idea_id"), "idea_posts", ["idea_id"], unique=False)
    op.create_table(
        "idea_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("voter_kind", sa.String(length=16), nullable=False),
        sa.Column("voter", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_votes_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_votes")),
        sa.UniqueConstraint("idea_id", "voter_kind", "voter", name=op.f("uq_idea_votes_idea_id_voter_kind_voter")),
    )
    op.create_index(op.f("ix_idea_votes_idea_id"), "idea_votes", ["idea_id"], unique=False)
    op.create_table(
        "idea_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("details", JsonDocument, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["authors.id"], name=op.f("fk_idea_notifications_author_id_authors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_notifications_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox.id"],
            name=op.f("fk_idea_notifications_outbox_message_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_notifications")),
        sa.UniqueConstraint(
            "idea_id", "author_id", "status", name=op.f("uq_idea_notifications_idea_id_author_id_status")
        ),
    )
    op.create_index(op.f("ix_idea_notifications_idea_id"), "idea_notifications", ["idea_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_idea_notifications_idea_id"), table_name="idea_notifications")
    op.drop_table("idea_notifications")
    op.drop_index(op.f("ix_idea_votes_idea_id"), table_name="idea_votes")
    op.drop_table("idea_votes")
    op.drop_index(op.f("ix_idea_posts_idea_id"), table_name="idea_posts")
    op.drop_index(op.f("ix_idea_posts_author_id"), table_name="idea_posts")
    op.drop_table("idea_posts")
    op.drop_index(op.f("ix_idea_comments_idea_id"), table_name="idea_comments")
    op.drop_table("idea_comments")
    op.drop_index(op.f("ix_insights_period_end"), table_name="insights")
    op.drop_index(op.f("ix_insights_department_id"), table_name="insights")
    op.drop_table("insights")
    op.drop_index(op.f("ix_ideas_status"), table_name="ideas")
    op.drop_table("ideas")
    op.drop_table("departments")
