"""nominatim cache table

Revision ID: nominatim_0001
Revises:
Create Date: 2026-11-27

The plugin's own branch (label ``nominatim``): it starts from nothing and needs only the core's
first revision to exist, so ``upgrade heads`` applies it next to the core's branch.
"""

import sqlalchemy as sa
from alembic import op

revision = "nominatim_0001"
down_revision = None
branch_labels = ("nominatim",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "nominatim_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("query", sa.String(length=300), nullable=False),
        sa.Column("locale", sa.String(length=20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_nominatim_cache"),
    )


def downgrade() -> None:
    op.drop_table("nominatim_cache")
