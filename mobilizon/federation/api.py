"""``/api/v1/resolve`` (remote lookup) and ``/api/v1/admin/instances`` (instance federation)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pyramid.request import Request

from mobilizon.api import operation
from mobilizon.federation import instances
from mobilizon.federation.resolve import resolve

TAGS = ("federation",)


class ResolveQuery(BaseModel):
    uri: str = Field(max_length=2000, description="an event, group or profile URL, or @name@domain")


class ResolveOut(BaseModel):
    type: str = Field(description="event, person, group or application")
    url: str = Field(description="the ActivityPub id, on its own instance")
    local: bool
    page: str = Field(description="this instance's page of it")
    title: str = Field(description="the event's title or the actor's name")
    handle: str | None = Field(default=None, description="name@domain, for actors")
    uuid: str | None = Field(default=None, description="the event's uuid here, for events")


@operation(
    route_name="api_resolve",
    request_method="GET",
    summary="Look up a remote event, group or profile",
    query=ResolveQuery,
    response=ResolveOut,
    errors=(401, 404, 422),
    tags=TAGS,
)
def resolve_uri(request: Request, query: ResolveQuery) -> ResolveOut:
    """Fetches what the address names from its instance (through the guarded client), stores it
    and returns it; 404 when nothing usable is there.
    """
    found = resolve(request, query.uri)
    return ResolveOut(**found.__dict__)


class InstanceOut(BaseModel):
    domain: str
    actor: str
    state: str = Field(description="pending or accepted")
    id: int = Field(description="the follow's id, for accept, reject and unfollow")


class InstancesOut(BaseModel):
    followings: list[InstanceOut]
    followers: list[InstanceOut]
    blocked: list[str]


class InstanceAction(BaseModel):
    id: int | None = Field(default=None, description="the follow's id (accept, reject, unfollow)")


def _relation(relation: instances.Relation) -> InstanceOut:
    state = "accepted" if relation.approved else "pending"
    return InstanceOut(domain=relation.domain, actor=relation.actor.url, state=state, id=relation.follower_id)


@operation(
    route_name="api_admin_instances",
    request_method="GET",
    summary="Instances followed, following, and blocked (administrators)",
    response=InstancesOut,
    errors=(401, 403),
    tags=TAGS,
)
def list_instances(request: Request) -> InstancesOut:
    return _overview(request)


def _overview(request: Request) -> InstancesOut:
    values = instances.overview(request, request.user)
    return InstancesOut(
        followings=[_relation(r) for r in values["followings"]],
        followers=[_relation(r) for r in values["followers"]],
        blocked=[row.domain for row in values["blocked"]],
    )


@operation(
    route_name="api_admin_instance",
    request_method="POST",
    summary="Follow, unfollow, accept, reject, block or unblock an instance (administrators)",
    body=InstanceAction,
    response=InstancesOut,
    errors=(401, 403, 404, 409, 422),
    tags=TAGS,
)
def instance_action(request: Request, body: InstanceAction) -> InstancesOut:
    action = request.matchdict["action"]
    user = request.user
    domain = request.matchdict["domain"]
    if action in ("block", "unblock"):
        instances.set_blocked(request, user, domain, action == "block")
    elif action == "follow":
        instances.follow(request, user, domain)
    elif action == "unfollow":
        instances.unfollow(request, user, body.id or 0)
    else:
        instances.answer_follower(request, user, body.id or 0, action == "accept")
    return _overview(request)
