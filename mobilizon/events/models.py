"""Events, their participants, comments and tags; the private calendar feed tokens.

Mobilizon's event model, flattened where it costs nothing: the physical address and the options
are columns of the event rather than rows of their own, so the event page is one query. Every
time is stored in UTC next to the event's IANA time zone, in which the page and the calendar
show it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Float, ForeignKey, Index, String, Table, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, defer, mapped_column, relationship

from mobilizon.models.meta import Base, Timestamped, new_uuid, utcnow

if TYPE_CHECKING:
    from mobilizon.accounts.models import User
    from mobilizon.identities.models import Actor

STATUSES = ("tentative", "confirmed", "cancelled")
VISIBILITIES = ("public", "unlisted", "private")
JOIN_MODES = ("free", "restricted", "invite")
COMMENT_MODES = ("allow_all", "moderated", "closed")
# Mobilizon's categories (lib/mobilizon/events/categories.ex); MEETING is the default
CATEGORIES = (
    "ARTS",
    "BOOK_CLUBS",
    "BUSINESS",
    "CAUSES",
    "COMEDY",
    "CRAFTS",
    "FOOD_DRINK",
    "HEALTH",
    "MUSIC",
    "AUTO_BOAT_AIR",
    "COMMUNITY",
    "FAMILY_EDUCATION",
    "FASHION_BEAUTY",
    "FILM_MEDIA",
    "GAMES",
    "LANGUAGE_CULTURE",
    "LEARNING",
    "LGBTQ",
    "MOVEMENTS_POLITICS",
    "NETWORKING",
    "PARTY",
    "PERFORMING_VISUAL_ARTS",
    "PETS",
    "PHOTOGRAPHY",
    "OUTDOORS_ADVENTURE",
    "SPIRITUALITY_RELIGION_BELIEFS",
    "SCIENCE_TECH",
    "SPORTS",
    "THEATRE",
    "MEETING",
)


def light_actor() -> Any:
    """Loader options for lists of profiles: their keys and bio are not needed to show a name."""
    from mobilizon.identities.models import Actor

    return defer(Actor.public_key), defer(Actor.private_key), defer(Actor.summary)


ROLES = ("creator", "moderator", "participant", "not_approved", "not_confirmed", "rejected")
# who takes a seat (the creator organises and does not count against the capacity)
SEATED_ROLES = ("participant", "moderator")
# who is "in": sees a private event, its online address, and gets it in their calendar
GOING_ROLES = ("creator", "moderator", "participant")
# who manages the participants and the comments besides the organiser's account
MANAGER_ROLES = ("creator", "moderator")

event_tags = Table(
    "event_tags",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

event_contacts = Table(
    "event_contacts",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    """A tag as people wrote it first; ``slug`` (lower case) makes "Trees" and "trees" one tag."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    slug: Mapped[str] = mapped_column(String(40), unique=True)


class Event(Timestamped, Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_listing", "visibility", "draft", "begins_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_uuid, unique=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    local: Mapped[bool] = mapped_column(default=True)
    organizer_actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    attributed_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    creator_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    begins_on: Mapped[datetime] = mapped_column(index=True)
    ends_on: Mapped[datetime | None]
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    draft: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    join_mode: Mapped[str] = mapped_column(String(20), default="free")
    capacity: Mapped[int | None]
    category: Mapped[str] = mapped_column(String(40), default="MEETING")
    picture_url: Mapped[str | None] = mapped_column(String(2000))
    picture_alt: Mapped[str | None] = mapped_column(String(500))
    online_address: Mapped[str | None] = mapped_column(String(2000))
    # physical address, as a geocoder gives it (or as typed, without coordinates)
    address_description: Mapped[str | None] = mapped_column(String(500))
    street: Mapped[str | None] = mapped_column(String(500))
    locality: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(50))
    region: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    origin_id: Mapped[str | None] = mapped_column(String(200))
    # options
    anonymous_participation: Mapped[bool] = mapped_column(default=False)
    comment_moderation: Mapped[str] = mapped_column(String(20), default="allow_all")
    show_remaining_seats: Mapped[bool] = mapped_column(default=True)
    show_participants: Mapped[bool] = mapped_column(default=True)
    participation_message: Mapped[str | None] = mapped_column(String(500))  # asked of joiners
    online_address_participants_only: Mapped[bool] = mapped_column(default=False)
    # bumped on every edit: calendars replace their copy when it grows (RFC 5545 SEQUENCE)
    sequence: Mapped[int] = mapped_column(default=0)

    organizer: Mapped[Actor] = relationship(foreign_keys=[organizer_actor_id], lazy="joined")
    attributed_to: Mapped[Actor | None] = relationship(foreign_keys=[attributed_to_id])
    creator: Mapped[Actor | None] = relationship(foreign_keys=[creator_actor_id])
    tags: Mapped[list[Tag]] = relationship(secondary=event_tags, order_by=Tag.slug)
    contacts: Mapped[list[Actor]] = relationship(secondary=event_contacts)

    @property
    def has_address(self) -> bool:
        return bool(self.address_description or self.street or self.locality)

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def address_line(self) -> str:
        """The address on one line, for calendars and maps."""
        parts = [
            self.address_description,
            self.street,
            " ".join(filter(None, [self.postal_code, self.locality])),
        ]
        parts += [self.region, self.country]
        seen: list[str] = []
        for part in parts:
            if part and part not in seen:
                seen.append(part)
        return ", ".join(seen)


class Participant(Timestamped, Base):
    """Someone in an event: a profile, or (anonymous) an email address with no account behind it.

    Anonymous participants start as ``not_confirmed`` until they follow the link mailed to them;
    only hashes of the confirmation and cancellation tokens are kept.
    """

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("event_id", "actor_id", name="uq_participants_event_actor"),
        UniqueConstraint("event_id", "email", name="uq_participants_event_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)  # plain text, always shown escaped
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str | None] = mapped_column(String(10))
    confirmation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirmation_expires_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    cancellation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    event: Mapped[Event] = relationship()
    actor: Mapped[Actor | None] = relationship(lazy="joined")

    @property
    def anonymous(self) -> bool:
        return self.actor_id is None


class Comment(Timestamped, Base):
    """A comment under an event; replies point at the comment they answer and at the thread's
    first comment. Deleting keeps the row (the thread stays readable) and empties the text.
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_uuid, unique=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    local: Mapped[bool] = mapped_column(default=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    # on "moderated" events a newcomer's comment waits for an organiser
    approved: Mapped[bool] = mapped_column(default=True)
    deleted_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    actor: Mapped[Actor] = relationship(lazy="joined")
    in_reply_to: Mapped[Comment | None] = relationship(remote_side=[id], foreign_keys=[in_reply_to_id])

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class FeedToken(Base):
    """The secret in an account's private calendar URL; only its hash is kept, one per account."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
