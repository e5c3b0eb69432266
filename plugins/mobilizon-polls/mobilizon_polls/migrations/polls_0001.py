"""polls: polls, their options and votes

Revision ID: polls_0001
Revises:
Create Date: 2026-11-26

The plugin's own branch (label ``polls``); it needs the core's resources table (0020_groups).
"""

import sqlalchemy as sa
from alembic import op

revision = "polls_0001"
down_revision = None
branch_labels = ("polls",)
depends_on = "0020_groups"


def upgrade() -> None:
    op.create_table(
        "polls_polls",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_polls_polls_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resource_id", name=op.f("pk_polls_polls")),
    )
    op.create_table(
        "polls_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["polls_polls.resource_id"],
            name=op.f("fk_polls_options_resource_id_polls_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls_options")),
    )
    op.create_index(op.f("ix_polls_options_resource_id"), "polls_options", ["resource_id"], unique=False)
    op.create_table(
        "polls_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["polls_options.id"],
            name=op.f("fk_polls_votes_option_id_polls_options"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["polls_polls.resource_id"],
            name=op.f("fk_polls_votes_resource_id_polls_polls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["actors.id"], name=op.f("fk_polls_votes_voter_id_actors"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls_votes")),
        sa.UniqueConstraint("option_id", "voter_id", name="uq_polls_votes_option_voter"),
    )
    op.create_index(op.f("ix_polls_votes_resource_id"), "polls_votes", ["resource_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_polls_votes_resource_id"), table_name="polls_votes")
    op.drop_table("polls_votes")
    op.drop_index(op.f("ix_polls_options_resource_id"), table_name="polls_options")
    op.drop_table("polls_options")
    op.drop_table("polls_polls")
