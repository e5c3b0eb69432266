"""core tables

Revision ID: 0001_core
Revises:
Create Date: 2026-11-26

Users, actors (profiles, groups, the instance; local and remote) and the instance's own
settings. users.default_actor_id and actors.user_id point at each other, so the foreign key
from users to actors is added once both tables exist.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_instance_settings")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("auth_epoch", sa.Integer(), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("default_actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("preferred_username", sa.String(length=100), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("avatar_url", sa.String(length=2000), nullable=True),
        sa.Column("banner_url", sa.String(length=2000), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("private_key", sa.Text(), nullable=True),
        sa.Column("inbox_url", sa.String(length=2000), nullable=True),
        sa.Column("outbox_url", sa.String(length=2000), nullable=True),
        sa.Column("shared_inbox_url", sa.String(length=2000), nullable=True),
        sa.Column("followers_url", sa.String(length=2000), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("openness", sa.String(length=20), nullable=True),
        sa.Column("manually_approves_followers", sa.Boolean(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("last_refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_actors_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("url", name=op.f("uq_actors_url")),
        sa.UniqueConstraint("uuid", name=op.f("uq_actors_uuid")),
    )
    op.create_index(op.f("ix_actors_domain"), "actors", ["domain"], unique=False)
    op.create_index(op.f("ix_actors_user_id"), "actors", ["user_id"], unique=False)
    # usernames are unique per domain whatever their case; local actors have no domain
    op.create_index(
        "uq_actors_username_domain",
        "actors",
        [sa.text("lower(preferred_username)"), sa.text("coalesce(domain, '')")],
        unique=True,
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_users_default_actor_id_actors"),
            "actors",
            ["default_actor_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops the constraint with its table
        op.drop_constraint(op.f("fk_users_default_actor_id_actors"), "users", type_="foreignkey")
    op.drop_index("uq_actors_username_domain", table_name="actors")
    op.drop_index(op.f("ix_actors_user_id"), table_name="actors")
    op.drop_index(op.f("ix_actors_domain"), table_name="actors")
    op.drop_table("actors")
    op.drop_table("users")
    op.drop_table("instance_settings")
