"""``/api/v1/polls/{uuid}``: read a poll and its results, vote, close (same rules as the page)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pyramid.request import Request

from mobilizon.api import operation
from mobilizon.groups import services as groups
from mobilizon.groups.schemas import IDENTITY, ActorRef, IdentityBody, IdentityQuery
from mobilizon.identities.webfinger import local_host
from mobilizon_polls import services

TAGS = ("polls",)


class OptionOut(BaseModel):
    id: int
    label: str
    day: date | None
    votes: int
    voters: list[ActorRef]


class PollOut(BaseModel):
    uuid: str
    title: str
    group: str
    question: str
    kind: str = Field(description="options or dates")
    multiple: bool = Field(description="several options may be chosen")
    closed_at: datetime | None
    options: list[OptionOut]
    mine: list[int] = Field(description="the options the acting profile chose")


class VoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity: str | None = IDENTITY
    options: list[int] = Field(
        max_length=services.OPTIONS_MAX, description="ids of the chosen options; [] withdraws"
    )


def _profile(request: Request, identity: str | None) -> Any:
    return groups.acting_profile(request.dbsession, request.user, identity, request.current_profile)


def _out(request: Request, resource: Any, poll: Any, profile: Any) -> PollOut:
    domain = local_host(request.registry.settings["mobilizon.base_url"])
    return PollOut(
        uuid=str(resource.uuid),
        title=resource.title,
        group=resource.group.preferred_username,
        question=poll.question,
        kind=poll.kind,
        multiple=poll.multiple,
        closed_at=poll.closed_at,
        options=[
            OptionOut(
                id=result.option.id,
                label=result.option.label,
                day=result.option.day,
                votes=result.votes,
                voters=[ActorRef.of(voter, domain) for voter in result.voters],
            )
            for result in services.results(request.dbsession, poll)
        ],
        mine=sorted(services.choices_of(request.dbsession, poll, profile)),
    )


@operation(
    route_name="api_poll",
    request_method="GET",
    summary="Read a poll and its results",
    query=IdentityQuery,
    response=PollOut,
    errors=(403, 404),
    tags=TAGS,
)
def get_poll(request: Request, query: IdentityQuery) -> PollOut:
    profile = _profile(request, query.identity)
    resource, poll = services.read_poll(request.dbsession, profile, request.matchdict["uuid"])
    return _out(request, resource, poll, profile)


@operation(
    route_name="api_poll_vote",
    request_method="POST",
    summary="Vote, or change your vote",
    body=VoteBody,
    response=PollOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def vote(request: Request, body: VoteBody) -> PollOut:
    """One vote per profile; voting again replaces it. A closed poll refuses (409)."""
    profile = _profile(request, body.identity)
    poll = services.vote(request.dbsession, profile, request.matchdict["uuid"], body.options)
    return _out(request, poll.resource, poll, profile)


@operation(
    route_name="api_poll_close",
    request_method="POST",
    summary="Close a poll",
    body=IdentityBody,
    response=PollOut,
    errors=(403, 404),
    tags=TAGS,
)
def close(request: Request, body: IdentityBody) -> PollOut:
    """Its creator or the group's moderators."""
    profile = _profile(request, body.identity)
    poll = services.close(request.dbsession, profile, request.matchdict["uuid"])
    return _out(request, poll.resource, poll, profile)
