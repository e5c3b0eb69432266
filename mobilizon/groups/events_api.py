"""``/api/v1/groups/{username}/events``: the group's events, for its members and the public.

The events feature owns events; this is the group's door to them: the group's permission
table decides (moderators create, change, publish and delete; members read drafts), then the
events services do the work. Its answers are the events API's own shape.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from mobilizon.api import Page, operation, paginate
from mobilizon.api.operations import page_body
from mobilizon.events.api import event_out
from mobilizon.events.schemas import EventCreate, EventOut, EventPatch
from mobilizon.groups import group_events, services
from mobilizon.groups.api import _group, _profile
from mobilizon.groups.schemas import IdentityBody, IdentityQuery
from mobilizon.i18n import viewer_timezone

TAGS = ("groups",)


@operation(
    route_name="api_group_events",
    request_method="GET",
    summary="List the group's events",
    query=IdentityQuery,
    response=Page[EventOut],
    auth="optional",
    errors=(404,),
    tags=TAGS,
)
def list_group_events(request: Request, query: IdentityQuery) -> dict[str, Any]:
    """Members see every event of the group, drafts included; everyone else the published public ones."""
    group = _group(request)
    profile = _profile(request, query.identity, required=False)
    inside = services.can(services.role_of(request.dbsession, group, profile), "event.read_draft")
    rows = group_events.events_of(request.dbsession, group, include_drafts=inside)
    page, per_page, offset = paginate(request, len(rows))
    items = [event_out(request, event) for event in rows[offset : offset + per_page]]
    return page_body(request, items, len(rows), page, per_page)


@operation(
    route_name="api_group_events",
    request_method="POST",
    summary="Create an event of the group",
    body=EventCreate,
    response=EventOut,
    status=201,
    errors=(403, 404),
    tags=TAGS,
)
def create_group_event(request: Request, body: EventCreate) -> EventOut:
    """Moderators and administrators; ``identity`` is the profile recorded as its creator.
    ``draft: true`` keeps it for the group's members to discuss before it is published.
    """
    values = body.values()
    if not values.get("timezone"):
        values["timezone"] = viewer_timezone(request)
    event = group_events.create_group_event(
        request, request.user, request.matchdict["username"], values, request.current_profile
    )
    return event_out(request, event)


@operation(
    route_name="api_group_event",
    request_method="GET",
    summary="Read an event of the group",
    query=IdentityQuery,
    response=EventOut,
    auth="optional",
    errors=(403, 404),
    tags=TAGS,
)
def get_group_event(request: Request, query: IdentityQuery) -> EventOut:
    """Drafts for the group's members only."""
    group = _group(request)
    profile = _profile(request, query.identity, required=False)
    return event_out(
        request, group_events.get_group_event(request.dbsession, group, profile, request.matchdict["uuid"])
    )


@operation(
    route_name="api_group_event",
    request_method="PATCH",
    summary="Edit or publish an event of the group",
    body=EventPatch,
    response=EventOut,
    errors=(403, 404),
    tags=TAGS,
)
def patch_group_event(request: Request, body: EventPatch) -> EventOut:
    """The group's moderators, whoever created it; ``draft: false`` publishes."""
    event = group_events.update_group_event(
        request,
        request.user,
        request.matchdict["username"],
        request.matchdict["uuid"],
        body.values(),
        request.current_profile,
    )
    return event_out(request, event)


@operation(
    route_name="api_group_event",
    request_method="DELETE",
    summary="Delete an event of the group",
    body=IdentityBody,
    status=204,
    errors=(403, 404),
    tags=TAGS,
)
def delete_group_event(request: Request, body: IdentityBody) -> None:
    group_events.delete_group_event(
        request,
        request.user,
        request.matchdict["username"],
        request.matchdict["uuid"],
        body.identity,
        request.current_profile,
        request.media_store,
    )
