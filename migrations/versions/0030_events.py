"""events: events, tags, contacts, participants, comments, private calendar feed tokens

Revision ID: 0030_events
Revises: 0020_groups
Create Date: 2026-11-26

Everything an event owns points at it with ON DELETE CASCADE; what a profile wrote or joined
goes with the profile when it is removed (ON DELETE CASCADE on the actor).
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_events"
down_revision = "0020_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=40), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("slug", name=op.f("uq_tags_slug")),
    )
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_feed_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_tokens_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_feed_tokens_user_id")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("organizer_actor_id", sa.Integer(), nullable=False),
        sa.Column("attributed_to_id", sa.Integer(), nullable=True),
        sa.Column("creator_actor_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("begins_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("draft", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("join_mode", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("picture_url", sa.String(length=2000), nullable=True),
        sa.Column("picture_alt", sa.String(length=500), nullable=True),
        sa.Column("online_address", sa.String(length=2000), nullable=True),
        sa.Column("address_description", sa.String(length=500), nullable=True),
        sa.Column("street", sa.String(length=500), nullable=True),
        sa.Column("locality", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=50), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("origin_id", sa.String(length=200), nullable=True),
        sa.Column("anonymous_participation", sa.Boolean(), nullable=False),
        sa.Column("comment_moderation", sa.String(length=20), nullable=False),
        sa.Column("show_remaining_seats", sa.Boolean(), nullable=False),
        sa.Column("show_participants", sa.Boolean(), nullable=False),
        sa.Column("participation_message", sa.String(length=500), nullable=True),
        sa.Column("online_address_participants_only", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attributed_to_id"],
            ["actors.id"],
            name=op.f("fk_events_attributed_to_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["creator_actor_id"],
            ["actors.id"],
            name=op.f("fk_events_creator_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organizer_actor_id"],
            ["actors.id"],
            name=op.f("fk_events_organizer_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("url", name=op.f("uq_events_url")),
        sa.UniqueConstraint("uuid", name=op.f("uq_events_uuid")),
    )
    op.create_index(op.f("ix_events_attributed_to_id"), "events", ["attributed_to_id"], unique=False)
    op.create_index(op.f("ix_events_begins_on"), "events", ["begins_on"], unique=False)
    op.create_index("ix_events_listing", "events", ["visibility", "draft", "begins_on"], unique=False)
    op.create_index(op.f("ix_events_organizer_actor_id"), "events", ["organizer_actor_id"], unique=False)
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("in_reply_to_id", sa.Integer(), nullable=True),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_comments_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_comments_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to_id"],
            ["comments.id"],
            name=op.f("fk_comments_in_reply_to_id_comments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["origin_id"], ["comments.id"], name=op.f("fk_comments_origin_id_comments"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("url", name=op.f("uq_comments_url")),
        sa.UniqueConstraint("uuid", name=op.f("uq_comments_uuid")),
    )
    op.create_index(op.f("ix_comments_actor_id"), "comments", ["actor_id"], unique=False)
    op.create_index(op.f("ix_comments_event_id"), "comments", ["event_id"], unique=False)
    op.create_index(op.f("ix_comments_origin_id"), "comments", ["origin_id"], unique=False)
    op.create_table(
        "event_contacts",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_event_contacts_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_contacts_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "actor_id", name=op.f("pk_event_contacts")),
    )
    op.create_index(op.f("ix_event_contacts_actor_id"), "event_contacts", ["actor_id"], unique=False)
    op.create_table(
        "event_tags",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_tags_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_event_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "tag_id", name=op.f("pk_event_tags")),
    )
    op.create_index(op.f("ix_event_tags_tag_id"), "event_tags", ["tag_id"], unique=False)
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("confirmation_token_hash", sa.String(length=64), nullable=True),
        sa.Column("confirmation_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancellation_token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_participants_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_participants_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("cancellation_token_hash", name=op.f("uq_participants_cancellation_token_hash")),
        sa.UniqueConstraint("confirmation_token_hash", name=op.f("uq_participants_confirmation_token_hash")),
        sa.UniqueConstraint("event_id", "actor_id", name="uq_participants_event_actor"),
        sa.UniqueConstraint("event_id", "email", name="uq_participants_event_email"),
    )
    op.create_index(op.f("ix_participants_actor_id"), "participants", ["actor_id"], unique=False)
    op.create_index(op.f("ix_participants_event_id"), "participants", ["event_id"], unique=False)


def downgrade() -> None:
    for table in (
        "participants",
        "event_tags",
        "event_contacts",
        "comments",
        "events",
        "feed_tokens",
        "tags",
    ):
        op.drop_table(table)
