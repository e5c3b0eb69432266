"""JSON shapes of profiles in the API (shared/API.md): validated input, documented output."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mobilizon.identities.models import Actor
from mobilizon.identities.services import NAME_MAX, SUMMARY_MAX


class IdentityOut(BaseModel):
    """A profile of the account, as its owner sees it."""

    preferred_username: str
    name: str | None
    summary: str | None
    url: str
    handle: str = Field(description="preferred_username@domain, what other servers call it")
    avatar: str | None = Field(description="URL of the avatar image, if any")
    default: bool = Field(description="the profile the API acts as when no identity is given")

    @classmethod
    def of(cls, actor: Actor, domain: str, default_id: int | None) -> IdentityOut:
        return cls(
            preferred_username=actor.preferred_username,
            name=actor.name,
            summary=actor.summary,
            url=actor.url,
            handle=actor.handle(domain),
            avatar=actor.avatar_url,
            default=actor.id == default_id,
        )


class IdentityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    preferred_username: str = Field(
        min_length=1, max_length=100, description="letters, digits and underscores; unique here"
    )
    name: str | None = Field(default=None, max_length=NAME_MAX)
    summary: str | None = Field(default=None, max_length=SUMMARY_MAX, description="plain text")


class IdentityPatch(BaseModel):
    """Only the fields present are changed; null clears a field."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=NAME_MAX)
    summary: str | None = Field(default=None, max_length=SUMMARY_MAX, description="plain text")

    def changes(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.model_fields_set}


class IdentityDelete(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: Literal["keep", "remove"] = Field(
        description='"keep": the profile becomes an anonymous "Deleted profile" and what it '
        'published stays; "remove": the profile and what it published are deleted'
    )
