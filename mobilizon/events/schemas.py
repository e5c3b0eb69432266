"""JSON shapes of events, participations and comments in the API (shared/API.md).

Inputs cap every string and list (a 5 MB title is refused before any rule runs); the services
then apply the rules. Outputs are built from a viewer's point of view: the online address,
participant emails and remaining seats appear only to those allowed to see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mobilizon.events.models import CATEGORIES

Status = Literal["tentative", "confirmed", "cancelled"]
Visibility = Literal["public", "unlisted", "private"]
JoinMode = Literal["free", "restricted", "invite"]
CommentMode = Literal["allow_all", "moderated", "closed"]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Role = Literal["creator", "moderator", "participant", "not_approved", "not_confirmed", "rejected"]


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=500, description="the place's name")
    street: str | None = Field(default=None, max_length=500)
    locality: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=50)
    region: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    origin_id: str | None = Field(default=None, max_length=200, description='e.g. "nominatim:123"')


class AddressOut(BaseModel):
    description: str | None
    street: str | None
    locality: str | None
    postal_code: str | None
    region: str | None
    country: str | None
    lat: float | None
    lon: float | None
    origin_id: str | None


class OptionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anonymous_participation: bool | None = Field(
        default=None, description="people may join with an email only (if the instance allows it)"
    )
    comments: CommentMode | None = None
    show_remaining_seats: bool | None = None
    show_participants: bool | None = None
    participation_message: str | None = Field(
        default=None, max_length=500, description="a question asked of people who join"
    )
    online_address_participants_only: bool | None = Field(
        default=None, description="show the online address to participants only"
    )


class OptionsOut(BaseModel):
    anonymous_participation: bool
    comments: CommentMode
    show_remaining_seats: bool
    show_participants: bool
    participation_message: str | None
    online_address_participants_only: bool


class EventFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=100_000, description="HTML, sanitised")
    begins_on: datetime | None = Field(default=None, description="with an offset, or wall time in `timezone`")
    ends_on: datetime | None = None
    timezone: str | None = Field(default=None, max_length=64, description="IANA, e.g. Europe/Paris")
    status: Status | None = None
    visibility: Visibility | None = None
    draft: bool | None = None
    join_mode: JoinMode | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000, description="null or 0: no limit")
    online_address: str | None = Field(default=None, max_length=2000)
    address: AddressIn | None = None
    category: Category | None = None
    tags: list[str] | None = Field(default=None, max_length=10)
    options: OptionsIn | None = None
    contacts: list[str] | None = Field(default=None, max_length=10, description="usernames of local profiles")
    identity: str | None = Field(default=None, max_length=100, description="the organising profile")
    group: str | None = Field(default=None, max_length=100)

    def values(self) -> dict[str, Any]:
        """Only the fields that were sent (null clears), as the services expect them."""
        data = self.model_dump(include=self.model_fields_set)
        if self.options is not None:
            data["options"] = self.options.model_dump(include=self.options.model_fields_set)
        return data


class EventCreate(EventFields):
    title: str = Field(max_length=200)
    begins_on: datetime


class EventPatch(EventFields):
    """Only the fields present change; ``draft: false`` publishes."""


class ProfileOut(BaseModel):
    preferred_username: str
    name: str | None
    url: str
    handle: str
    avatar: str | None


class PictureOut(BaseModel):
    url: str
    alt: str | None


class EventOut(BaseModel):
    uuid: str
    url: str
    title: str
    description: str
    begins_on: datetime
    ends_on: datetime | None
    timezone: str
    status: Status
    visibility: Visibility
    draft: bool
    published_at: datetime | None
    join_mode: JoinMode
    capacity: int | None
    remaining_seats: int | None = Field(description="null when unlimited or hidden by the organiser")
    participant_count: int | None = Field(description="null when the organiser hides it")
    online_address: str | None = Field(description="null when kept for participants and you are not one")
    address: AddressOut | None
    category: str
    tags: list[str]
    picture: PictureOut | None
    options: OptionsOut
    organizer: ProfileOut
    group: ProfileOut | None
    contacts: list[ProfileOut]
    local: bool
    sequence: int
    created_at: datetime
    updated_at: datetime
    ics: str = Field(description="the event as iCalendar")


class JoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = Field(default=None, max_length=100, description="join as this profile of yours")
    email: str | None = Field(default=None, max_length=254, description="join without an account (no token)")
    message: str | None = Field(
        default=None, max_length=2000, description="answer to the organiser's question"
    )
    locale: Literal["en", "fr"] | None = Field(default=None, description="language of the mails (anonymous)")
    invite: str | None = Field(
        default=None,
        max_length=100,
        description="organisers: add this local profile (username) as a participant",
    )


class ParticipationOut(BaseModel):
    id: int
    role: Role
    actor: ProfileOut | None
    email: str | None = Field(default=None, description="anonymous participants, shown to organisers only")
    message: str | None = Field(default=None, description="shown to organisers and the participant")
    event: str = Field(description="the event's uuid")
    created_at: datetime


class RolePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["participant", "moderator", "rejected"] = Field(
        description="participant: approve (or demote a moderator); rejected: decline; moderator: promote"
    )


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)


class MessageOut(BaseModel):
    message: str


class AnonymousJoinOut(BaseModel):
    message: str
    email: str


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000, description="HTML or plain text, sanitised")
    in_reply_to: str | None = Field(default=None, max_length=36, description="uuid of the comment answered")
    identity: str | None = Field(default=None, max_length=100)


class CommentPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, min_length=1, max_length=10_000)
    approved: Literal[True] | None = Field(default=None, description="organisers approve a held comment")


class CommentOut(BaseModel):
    uuid: str
    url: str
    text: str = Field(description="sanitised HTML; empty when deleted")
    actor: ProfileOut | None
    in_reply_to: str | None
    origin: str | None = Field(description="uuid of the thread's first comment")
    approved: bool
    deleted: bool
    event: str
    created_at: datetime
    updated_at: datetime


class EventListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)
