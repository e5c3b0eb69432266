"""groups: settings, members, followers, discussions and their comments, posts, resources

Revision ID: 0020_groups
Revises: 0004_identities, 0002_delivery
Create Date: 2026-11-26

A group is an actor (type Group); these tables hold what only groups have. Every row points at
the group's actor with ON DELETE CASCADE, so deleting a group removes all of it. This revision
also joins the two core heads that existed when it was written into one.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0020_groups"
down_revision = ("0004_identities", "0002_delivery")
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _actor_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["actors.id"], name=op.f(f"fk_{table}_{column}_actors"), ondelete=ondelete
    )


def _object(table: str) -> list[Any]:
    """id, uuid and url: what every addressable object of a group has."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("url", name=op.f(f"uq_{table}_url")),
        sa.UniqueConstraint("uuid", name=op.f(f"uq_{table}_uuid")),
    ]


def upgrade() -> None:
    op.create_table(
        "group_settings",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("show_member_count", sa.Boolean(), nullable=False),
        sa.Column("address_description", sa.String(length=500), nullable=True),
        sa.Column("street", sa.String(length=500), nullable=True),
        sa.Column("locality", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=50), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        *_timestamps(),
        _actor_fk("group_settings", "actor_id", "CASCADE"),
        sa.PrimaryKeyConstraint("actor_id", name=op.f("pk_group_settings")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        *_timestamps(),
        _actor_fk("members", "actor_id", "CASCADE"),
        _actor_fk("members", "group_id", "CASCADE"),
        _actor_fk("members", "invited_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("group_id", "actor_id", name="uq_members_group_actor"),
    )
    op.create_index(op.f("ix_members_actor_id"), "members", ["actor_id"], unique=False)
    op.create_index(op.f("ix_members_group_id"), "members", ["group_id"], unique=False)
    op.create_table(
        "followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_actor_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _actor_fk("followers", "actor_id", "CASCADE"),
        _actor_fk("followers", "target_actor_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followers")),
        sa.UniqueConstraint("target_actor_id", "actor_id", name="uq_followers_target_actor"),
    )
    op.create_index(op.f("ix_followers_actor_id"), "followers", ["actor_id"], unique=False)
    op.create_index(op.f("ix_followers_target_actor_id"), "followers", ["target_actor_id"], unique=False)
    op.create_table(
        "discussions",
        *_object("discussions"),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("last_comment_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        _actor_fk("discussions", "creator_id", "SET NULL"),
        _actor_fk("discussions", "group_id", "CASCADE"),
    )
    op.create_index("ix_discussions_group_last", "discussions", ["group_id", "last_comment_at"], unique=False)
    op.create_table(
        "group_comments",
        *_object("group_comments"),
        sa.Column("discussion_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("in_reply_to_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _actor_fk("group_comments", "actor_id", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["discussion_id"],
            ["discussions.id"],
            name=op.f("fk_group_comments_discussion_id_discussions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to_id"],
            ["group_comments.id"],
            name=op.f("fk_group_comments_in_reply_to_id_group_comments"),
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        op.f("ix_group_comments_discussion_id"), "group_comments", ["discussion_id"], unique=False
    )
    op.create_table(
        "posts",
        *_object("posts"),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("picture_url", sa.String(length=2000), nullable=True),
        sa.Column("draft", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _actor_fk("posts", "author_id", "SET NULL"),
        _actor_fk("posts", "group_id", "CASCADE"),
    )
    op.create_index("ix_posts_group_published", "posts", ["group_id", "published_at"], unique=False)
    op.create_table(
        "resources",
        *_object("resources"),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("creator_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("resource_url", sa.String(length=2000), nullable=True),
        sa.Column("preview", sa.JSON(), nullable=False),
        *_timestamps(),
        _actor_fk("resources", "creator_id", "SET NULL"),
        _actor_fk("resources", "group_id", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["resources.id"], name=op.f("fk_resources_parent_id_resources"), ondelete="CASCADE"
        ),
    )
    op.create_index("ix_resources_group_parent", "resources", ["group_id", "parent_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_resources_group_parent", table_name="resources")
    op.drop_table("resources")
    op.drop_index("ix_posts_group_published", table_name="posts")
    op.drop_table("posts")
    op.drop_index(op.f("ix_group_comments_discussion_id"), table_name="group_comments")
    op.drop_table("group_comments")
    op.drop_index("ix_discussions_group_last", table_name="discussions")
    op.drop_table("discussions")
    op.drop_index(op.f("ix_followers_target_actor_id"), table_name="followers")
    op.drop_index(op.f("ix_followers_actor_id"), table_name="followers")
    op.drop_table("followers")
    op.drop_index(op.f("ix_members_group_id"), table_name="members")
    op.drop_index(op.f("ix_members_actor_id"), table_name="members")
    op.drop_table("members")
    op.drop_table("group_settings")
