"""federation: the log of incoming and outgoing activities

Revision ID: 0040_federation
Revises: 0030_events
Create Date: 2026-11-26

One row per ActivityPub activity, unique by its id: the inbox stores each activity once (the
basis of idempotence), and outgoing rows remember where they went and make up the outboxes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0040_federation"
down_revision = "0030_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ap_id", sa.String(length=2000), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("actor_url", sa.String(length=2000), nullable=False),
        sa.Column("object_url", sa.String(length=2000), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("ap_id", name=op.f("uq_activities_ap_id")),
    )
    op.create_index(op.f("ix_activities_actor_url"), "activities", ["actor_url"], unique=False)
    op.create_index(op.f("ix_activities_object_url"), "activities", ["object_url"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_activities_object_url"), table_name="activities")
    op.drop_index(op.f("ix_activities_actor_url"), table_name="activities")
    op.drop_table("activities")
