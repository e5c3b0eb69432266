"""Actors: profiles (Person), groups (Group) and the instance (Application), local or remote.

One table for all of them, as in ActivityPub: a remote actor has a domain and no private key;
a local one has no domain and a key pair made at creation.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mobilizon.models.meta import Base, Timestamped, new_uuid

if TYPE_CHECKING:
    from mobilizon.accounts.models import User

ACTOR_TYPES = ("Person", "Group", "Application")


class Actor(Timestamped, Base):
    __tablename__ = "actors"
    __table_args__ = (
        Index(
            "uq_actors_username_domain",
            func.lower(text("preferred_username")),
            func.coalesce(text("domain"), text("''")),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_uuid, unique=True)
    type: Mapped[str] = mapped_column(String(20), default="Person")
    preferred_username: Mapped[str] = mapped_column(String(100))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    avatar_url: Mapped[str | None] = mapped_column(String(2000))
    banner_url: Mapped[str | None] = mapped_column(String(2000))
    public_key: Mapped[str | None] = mapped_column(Text)
    private_key: Mapped[str | None] = mapped_column(Text)
    inbox_url: Mapped[str | None] = mapped_column(String(2000))
    outbox_url: Mapped[str | None] = mapped_column(String(2000))
    shared_inbox_url: Mapped[str | None] = mapped_column(String(2000))
    followers_url: Mapped[str | None] = mapped_column(String(2000))
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    openness: Mapped[str | None] = mapped_column(String(20))
    manually_approves_followers: Mapped[bool] = mapped_column(default=False)
    suspended: Mapped[bool] = mapped_column(default=False)
    last_refreshed_at: Mapped[datetime | None]
    # set when a profile is deleted but its content kept: the row stays, anonymised
    deleted_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User | None] = relationship(back_populates="actors", foreign_keys=[user_id])

    @property
    def local(self) -> bool:
        return self.domain is None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def display_name(self) -> str:
        """What people see: the chosen name, else the username."""
        return self.name or self.preferred_username

    def handle(self, local_domain: str) -> str:
        return f"{self.preferred_username}@{self.domain or local_domain}"


class RetiredUsername(Base):
    """A local username whose actor was removed: never handed out again.

    Other servers cache an actor's URL and key; a newcomer taking a removed profile's username
    would inherit its mentions and follows there, so removed names stay out of reach.
    """

    __tablename__ = "retired_usernames"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)  # lower case
