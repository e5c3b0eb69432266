"""identities: deleted profiles kept anonymised, retired usernames

Revision ID: 0004_identities
Revises: 0003_account_tokens
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_identities"
down_revision = "0003_account_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN: a batch copy of actors on SQLite would lose its expression index
    op.add_column("actors", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "retired_usernames",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_retired_usernames")),
    )


def downgrade() -> None:
    op.drop_table("retired_usernames")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE actors DROP COLUMN deleted_at")  # SQLite >= 3.35, no table copy
    else:
        op.drop_column("actors", "deleted_at")
