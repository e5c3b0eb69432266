"""Groups: memberships and their roles, followers, discussions, posts and resources.

A group is an ``Actor`` of type Group (its key pair, URLs and WebFinger answer come from
identities); what only groups have lives here. Every row that belongs to a group points at its
actor with ``ON DELETE CASCADE``, so deleting a group removes all of it in one statement.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mobilizon.models.meta import Base, Timestamped, new_uuid, utcnow

if TYPE_CHECKING:
    from mobilizon.identities.models import Actor

VISIBILITIES = ("public", "unlisted")
OPENNESS = ("invite_only", "moderated", "open")
ROLES = ("administrator", "moderator", "member", "invited", "not_approved", "rejected")
# the roles that are "in" the group: they see the members' area
MEMBER_ROLES = ("administrator", "moderator", "member")
POST_VISIBILITIES = ("public", "members")


class GroupSettings(Timestamped, Base):
    """What a group has besides its actor row: its address and what its admins show publicly."""

    __tablename__ = "group_settings"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True)
    show_member_count: Mapped[bool] = mapped_column(default=False)
    address_description: Mapped[str | None] = mapped_column(String(500))
    street: Mapped[str | None] = mapped_column(String(500))
    locality: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(50))
    region: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    @property
    def has_address(self) -> bool:
        return bool(self.address_description or self.street or self.locality or self.country)

    @property
    def address_line(self) -> str:
        parts = [
            self.address_description,
            self.street,
            " ".join(filter(None, [self.postal_code, self.locality])),
        ]
        parts += [self.region, self.country]
        return ", ".join(dict.fromkeys(part for part in parts if part))


class Member(Timestamped, Base):
    """One profile's place in one group; ``id`` is also the invitation's id."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("group_id", "actor_id", name="uq_members_group_actor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(Text)  # a join request's words, plain text

    group: Mapped[Actor] = relationship(foreign_keys=[group_id])
    actor: Mapped[Actor] = relationship(foreign_keys=[actor_id], lazy="joined")
    invited_by: Mapped[Actor | None] = relationship(foreign_keys=[invited_by_id])


class Follower(Base):
    """An actor following another (a group now; the instance later) without being a member."""

    __tablename__ = "followers"
    __table_args__ = (UniqueConstraint("target_actor_id", "actor_id", name="uq_followers_target_actor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    approved: Mapped[bool] = mapped_column(default=True)
    notify: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    target: Mapped[Actor] = relationship(foreign_keys=[target_actor_id])
    actor: Mapped[Actor] = relationship(foreign_keys=[actor_id], lazy="joined")


class Discussion(Timestamped, Base):
    """A titled thread inside a group, visible to its members only."""

    __tablename__ = "discussions"
    __table_args__ = (Index("ix_discussions_group_last", "group_id", "last_comment_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_uuid, unique=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    last_comment_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Actor] = relationship(foreign_keys=[group_id])
    creator: Mapped[Actor | None] = relationship(foreign_keys=[creator_id])
    comments: Mapped[list[GroupComment]] = relationship(
        back_populates="discussion",
        order_by="GroupComment.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class GroupComment(Timestamped, Base):
    """A comment in a discussion; a deleted one keeps its place in the thread, text emptied."""

    __tablename__ = "group_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_uuid, unique=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("group_comments.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    discussion: Mapped[Discussion] = relationship(back_populates="comments")
    actor: Mapped[Actor | None] = relationship(lazy="joined")
    in_reply_to: Mapped[GroupComment | None] = relationship(remote_side=[id])

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class Post(Timestamped, Base):
    """A post of the group's blog, signed by the group; ``author`` is for members' eyes only."""

    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_group_published", "group_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_uuid, unique=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    picture_url: Mapped[str | None] = mapped_column(String(2000))
    draft: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    published_at: Mapped[datetime | None]

    group: Mapped[Actor] = relationship(foreign_keys=[group_id])
    author: Mapped[Actor | None] = relationship(foreign_keys=[author_id])


class Resource(Timestamped, Base):
    """A node of a group's resource tree: a folder, a link, or a plugin's type (pad, poll, ...)."""

    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_group_parent", "group_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_uuid, unique=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    resource_url: Mapped[str | None] = mapped_column(String(2000))
    # a link's preview as fetched: title, description, site name, image, error
    preview: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    group: Mapped[Actor] = relationship(foreign_keys=[group_id])
    creator: Mapped[Actor | None] = relationship(foreign_keys=[creator_id])
    parent: Mapped[Resource | None] = relationship(remote_side=[id])

    @property
    def is_folder(self) -> bool:
        return self.type == "folder"
