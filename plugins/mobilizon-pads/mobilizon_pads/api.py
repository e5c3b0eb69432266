"""``/api/v1/pads/{uuid}``: read and write a pad (apps and scripts; same rules as the page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pyramid.request import Request
from pyramid.response import Response

from mobilizon.api import operation
from mobilizon.groups import services as groups
from mobilizon.groups.schemas import IDENTITY, ActorRef, IdentityQuery
from mobilizon.groups.views import translate
from mobilizon.identities.webfinger import local_host
from mobilizon_pads import services
from mobilizon_pads.models import Pad

TAGS = ("pads",)


class PadOut(BaseModel):
    uuid: str
    title: str
    group: str
    text: str
    revision: int = Field(description="the latest revision; send it back as base_revision when saving")
    external_url: str | None = Field(description="set when the pad lives on an external Etherpad")
    updated_at: datetime
    merged: bool = Field(default=False, description="this save was merged with changes saved meanwhile")


class PadSave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    text: str = Field(max_length=services.TEXT_MAX)
    base_revision: int = Field(ge=0, description="the revision your text started from")


class RevisionOut(BaseModel):
    number: int
    author: ActorRef | None
    merged: bool
    created_at: datetime


def _out(resource: Any, pad: Pad, merged: bool = False) -> PadOut:
    return PadOut(
        uuid=str(resource.uuid),
        title=resource.title,
        group=resource.group.preferred_username,
        text=pad.content,
        revision=pad.revision,
        external_url=pad.external_url,
        updated_at=pad.updated_at,
        merged=merged,
    )


def _profile(request: Request, identity: str | None) -> Any:
    return groups.acting_profile(request.dbsession, request.user, identity, request.current_profile)


@operation(
    route_name="api_pad",
    request_method="GET",
    summary="Read a pad",
    query=IdentityQuery,
    response=PadOut,
    errors=(403, 404),
    tags=TAGS,
)
def get_pad(request: Request, query: IdentityQuery) -> PadOut:
    resource, pad = services.read_pad(
        request.dbsession, _profile(request, query.identity), request.matchdict["uuid"]
    )
    return _out(resource, pad)


@operation(
    route_name="api_pad",
    request_method="PUT",
    summary="Save a pad",
    body=PadSave,
    response=PadOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def save_pad(request: Request, body: PadSave) -> Any:
    """Send the whole text and the revision it started from. If others saved meanwhile, the
    changes are merged when they touch different lines (``merged``: true); otherwise 409 with
    ``theirs`` (their text and revision) and ``yours``, and nothing is written.
    """
    profile = _profile(request, body.identity)
    try:
        pad, merged = services.save(
            request.dbsession, profile, request.matchdict["uuid"], body.text, body.base_revision
        )
    except services.EditConflict as conflict:
        request.tm.doom()
        domain = local_host(request.registry.settings["mobilizon.base_url"])
        error = {
            "code": conflict.code,
            "message": translate(request, conflict.message),
            "theirs": {
                "text": conflict.theirs,
                "revision": conflict.revision,
                "author": ActorRef.of(conflict.who, domain).model_dump() if conflict.who else None,
            },
            "yours": {"text": conflict.mine, "base_revision": body.base_revision},
        }
        return Response(json_body={"error": error}, status=409, charset="utf-8")
    return _out(pad.resource, pad, merged)


@operation(
    route_name="api_pad_revisions",
    request_method="GET",
    summary="A pad's history",
    query=IdentityQuery,
    response=RevisionOut,
    errors=(403, 404),
    tags=TAGS,
)
def pad_revisions(request: Request, query: IdentityQuery) -> list[RevisionOut]:
    """Who changed the pad and when, newest first."""
    resource, pad = services.read_pad(
        request.dbsession, _profile(request, query.identity), request.matchdict["uuid"]
    )
    domain = local_host(request.registry.settings["mobilizon.base_url"])
    return [
        RevisionOut(
            number=row.number,
            author=ActorRef.of(row.author, domain) if row.author else None,
            merged=row.merged,
            created_at=row.created_at,
        )
        for row in services.revisions(request.dbsession, pad)
    ]
