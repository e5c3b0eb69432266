"""remote instances for delivery

Revision ID: 0002_delivery
Revises: 0002_auth_tokens
Create Date: 2026-11-26

One row per remote domain: delivery failures (to stop delivering to a dead instance), whether
the domain is blocked, and the software it runs.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_delivery"
down_revision = "0002_auth_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instances",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("software", sa.String(length=100), nullable=True),
        sa.Column("blocked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_instances")),
    )


def downgrade() -> None:
    op.drop_table("instances")
