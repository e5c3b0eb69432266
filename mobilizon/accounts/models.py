"""Accounts: the private side of a person (email, password, locale); profiles are Actors."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mobilizon.models.meta import Base, Timestamped, utcnow

if TYPE_CHECKING:
    from mobilizon.identities.models import Actor

ROLES = ("user", "moderator", "administrator")


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="user")
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None]
    disabled: Mapped[bool] = mapped_column(default=False)
    # bumped to invalidate every session and token at once (password change, "log out everywhere")
    auth_epoch: Mapped[int] = mapped_column(default=0)
    last_sign_in_at: Mapped[datetime | None]
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    default_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL", use_alter=True)
    )

    actors: Mapped[list[Actor]] = relationship(
        back_populates="user", foreign_keys="Actor.user_id", cascade="all, delete-orphan"
    )
    default_actor: Mapped[Actor | None] = relationship(foreign_keys=[default_actor_id], post_update=True)

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "administrator")


class AuthToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored, so a leaked table is useless."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


TOKEN_PURPOSES = ("confirm", "reset", "email_change")


class AccountToken(Base):
    """A single-use, expiring link sent by mail (confirm the address, reset the password, change
    the email). Only the SHA-256 of the token is stored: someone who reads the table cannot use it.
    """

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # what the link acts on besides the account, e.g. the new address of an email change
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
