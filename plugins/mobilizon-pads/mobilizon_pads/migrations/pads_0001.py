"""pads: the pads and their revisions

Revision ID: pads_0001
Revises:
Create Date: 2026-11-26

The plugin's own branch (label ``pads``); it needs the core's resources table (0020_groups).
"""

import sqlalchemy as sa
from alembic import op

revision = "pads_0001"
down_revision = None
branch_labels = ("pads",)
depends_on = "0020_groups"


def upgrade() -> None:
    op.create_table(
        "pads_pads",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("external_url", sa.String(length=2000), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_pads_pads_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resource_id", name=op.f("pk_pads_pads")),
    )
    op.create_table(
        "pads_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["actors.id"], name=op.f("fk_pads_revisions_author_id_actors"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["pads_pads.resource_id"],
            name=op.f("fk_pads_revisions_resource_id_pads_pads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pads_revisions")),
        sa.UniqueConstraint("resource_id", "number", name="uq_pads_revisions_resource_number"),
    )
    op.create_index(op.f("ix_pads_revisions_resource_id"), "pads_revisions", ["resource_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pads_revisions_resource_id"), table_name="pads_revisions")
    op.drop_table("pads_revisions")
    op.drop_table("pads_pads")
