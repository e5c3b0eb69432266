"""JSON shapes of groups, members, followers, discussions, posts and resources (shared/API.md).

Inputs name the acting profile with ``identity`` (a preferred_username of the account; the
account's default profile when absent). Outputs never reveal which account a profile belongs to.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mobilizon.identities.models import Actor

IDENTITY = Field(
    default=None,
    max_length=100,
    description="acting profile's preferred_username (default profile if absent)",
)


class ActorRef(BaseModel):
    """A profile or group as others see it."""

    preferred_username: str
    name: str | None
    handle: str = Field(description="preferred_username@domain")
    url: str
    avatar: str | None

    @classmethod
    def of(cls, actor: Actor, domain: str) -> ActorRef:
        return cls(
            preferred_username=actor.preferred_username,
            name=actor.name,
            handle=actor.handle(domain),
            url=actor.url,
            avatar=actor.avatar_url,
        )


class Address(BaseModel):
    description: str | None = Field(default=None, max_length=500)
    street: str | None = Field(default=None, max_length=500)
    locality: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=50)
    region: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class GroupOut(BaseModel):
    preferred_username: str
    name: str | None
    summary: str | None = Field(description="plain text")
    url: str
    handle: str
    avatar: str | None
    banner: str | None
    visibility: Literal["public", "unlisted"]
    openness: Literal["invite_only", "moderated", "open"]
    show_member_count: bool
    member_count: int | None = Field(description="shown to everyone only if the administrators choose")
    address: Address | None
    local: bool = True
    role: str | None = Field(
        default=None, description="the acting profile's role here (none: not a member); null when signed out"
    )
    following: bool = Field(default=False, description="whether the acting profile follows the group")


class IdentityBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY


class IdentityQuery(BaseModel):
    identity: str | None = IDENTITY


class GroupCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    preferred_username: str = Field(min_length=1, max_length=100, description="letters, digits, underscores")
    name: str | None = Field(default=None, max_length=100)
    summary: str | None = Field(default=None, max_length=2000, description="plain text")
    visibility: Literal["public", "unlisted"] = "public"
    openness: Literal["invite_only", "moderated", "open"] = "moderated"
    show_member_count: bool = False
    address: Address | None = None

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=False) | {"address": _address(self.address)}


class GroupPatch(BaseModel):
    """Only the fields present change; null clears name, summary or address."""

    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    name: str | None = Field(default=None, max_length=100)
    summary: str | None = Field(default=None, max_length=2000)
    visibility: Literal["public", "unlisted"] | None = None
    openness: Literal["invite_only", "moderated", "open"] | None = None
    show_member_count: bool | None = None
    address: Address | None = None

    def values(self) -> dict[str, Any]:
        values = {key: getattr(self, key) for key in self.model_fields_set}
        if "address" in values:
            values["address"] = _address(self.address)
        return values


def _address(address: Address | None) -> dict[str, Any] | None:
    return address.model_dump() if address is not None else None


class MemberOut(BaseModel):
    id: int = Field(description="also the invitation's id while the role is invited")
    role: str
    actor: ActorRef
    group: str = Field(description="the group's preferred_username")
    invited_by: ActorRef | None = None
    message: str | None = Field(default=None, description="a join request's words")
    created_at: datetime
    updated_at: datetime


class MemberPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    role: Literal["administrator", "moderator", "member", "rejected"] = Field(
        description="administrator, moderator or member for members (administrators only); "
        "member (approve) or rejected for a join request (moderators)"
    )


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    message: str | None = Field(default=None, max_length=2000, description="for the moderators")


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    handle: str = Field(
        min_length=1, max_length=300, description="username (or username@this-host) to invite"
    )


class FollowBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    notify: bool = Field(default=True, description="hear of the group's new public events and posts")


class FollowerOut(BaseModel):
    id: int
    actor: ActorRef
    approved: bool
    notify: bool
    created_at: datetime


class CommentOut(BaseModel):
    uuid: uuid.UUID
    url: str
    text: str = Field(description="sanitised HTML; empty when deleted")
    actor: ActorRef | None
    in_reply_to: uuid.UUID | None
    deleted: bool
    created_at: datetime
    edited_at: datetime | None


class DiscussionOut(BaseModel):
    uuid: uuid.UUID
    url: str
    title: str
    creator: ActorRef | None
    comment_count: int
    created_at: datetime
    last_comment_at: datetime


class DiscussionDetail(DiscussionOut):
    comments: list[CommentOut]


class DiscussionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=50_000, description="the first comment (HTML or plain text)")


class DiscussionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    title: str = Field(min_length=1, max_length=200)


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    text: str = Field(min_length=1, max_length=50_000)
    in_reply_to: uuid.UUID | None = Field(default=None, description="uuid of the comment answered")


class CommentPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    text: str = Field(min_length=1, max_length=50_000)


class PostOut(BaseModel):
    uuid: uuid.UUID
    url: str
    title: str
    body: str = Field(description="sanitised HTML")
    picture: str | None
    draft: bool
    visibility: Literal["public", "members"]
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    group: ActorRef = Field(description="the author, as the public sees it")
    author: ActorRef | None = Field(default=None, description="the profile that wrote it: members only")


class PostCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=200_000, description="HTML (sanitised) or plain text")
    draft: bool = False
    visibility: Literal["public", "members"] = "public"


class PostPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, max_length=200_000)
    draft: bool | None = Field(default=None, description="false publishes a draft")
    visibility: Literal["public", "members"] | None = None

    def values(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.model_fields_set if key != "identity"}


class ResourceOut(BaseModel):
    uuid: uuid.UUID
    url: str
    type: str = Field(description="folder, link, or a plugin's type (pad, poll, ...)")
    title: str
    summary: str | None
    resource_url: str | None = Field(description="a link's address, or where a plugin type lives")
    page: str | None = Field(default=None, description="the HTML page of a plugin type")
    preview: dict[str, Any] = Field(
        description="a link's fetched title, description, site_name, image, status"
    )
    parent: uuid.UUID | None
    creator: ActorRef | None
    created_at: datetime
    updated_at: datetime


class ResourceCreate(BaseModel):
    """Plugin types take their own extra fields (a poll's ``question`` and ``options``...)."""

    model_config = ConfigDict(extra="allow")

    identity: str | None = IDENTITY
    type: str = Field(default="link", max_length=40)
    title: str | None = Field(default=None, max_length=200, description="a link's defaults to its page title")
    summary: str | None = Field(default=None, max_length=2000)
    resource_url: str | None = Field(default=None, max_length=2000)
    parent: uuid.UUID | None = Field(default=None, description="uuid of a folder; the root if absent")

    def values(self) -> dict[str, Any]:
        values = self.model_dump()
        values["parent"] = str(self.parent) if self.parent else None
        return values


class ResourcePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=2000)
    resource_url: str | None = Field(default=None, max_length=2000)
    parent: uuid.UUID | None = Field(default=None, description="move into this folder; null: the root")

    def values(self) -> dict[str, Any]:
        values = {key: getattr(self, key) for key in self.model_fields_set if key != "identity"}
        if "parent" in values:
            values["parent"] = str(self.parent) if self.parent else None
        return values


class ResourceQuery(BaseModel):
    identity: str | None = IDENTITY
    parent: uuid.UUID | None = Field(default=None, description="list this folder; the root if absent")
