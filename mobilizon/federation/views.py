"""What other servers read and where they write: inboxes, the instance actor, outboxes,
followers and following collections, and events and comments as ActivityPub documents.

The HTML pages of events and comments live at the same URLs; a view predicate (``activitypub``)
picks these views when the Accept header prefers ActivityPub. Collections are paged as
Mobilizon pages them (``OrderedCollection`` with ``first``, pages of 10 with ``next``/``prev``).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import func, select

from mobilizon.federation import inbox
from mobilizon.federation.actors import instance_actor
from mobilizon.federation.models import Activity
from mobilizon.federation.signatures import SignedRequest
from mobilizon.federation.vocabulary import with_context
from mobilizon.identities.activitypub import ACTIVITY_JSON, actor_document, wants_activity_json
from mobilizon.identities.models import Actor
from mobilizon.identities.services import find_local_actor

log = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_PAGE = 10_000


class ActivityPubPredicate:
    """``activitypub=True``: the request's Accept header prefers an ActivityPub document."""

    def __init__(self, value: bool, config: Configurator) -> None:
        self.value = bool(value)

    def text(self) -> str:
        return f"activitypub = {self.value}"

    phash = text

    def __call__(self, context: Any, request: Request) -> bool:
        return wants_activity_json(request.headers.get("Accept")) == self.value


def ap_response(document: dict[str, Any], status: int = 200) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False).encode("utf-8"), status=status)
    response.headers["Content-Type"] = f"{ACTIVITY_JSON}; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary = ("Accept",)
    return response


def not_found() -> Response:
    return ap_response({"error": "not_found"}, 404)


def authorized_fetch(request: Request) -> bool:
    return bool(request.registry.settings.get("mobilizon.federation.authorized_fetch"))


def signed_get(request: Request) -> Response | None:
    """In authorized-fetch mode, a 401 unless the GET carries a valid signature."""
    if not authorized_fetch(request):
        return None
    scheme = request.registry.settings["mobilizon.base_url"].split("://", 1)[0]
    try:
        inbox.verify(
            request, SignedRequest.from_environ(request.environ, b"", scheme), inbox.RemoteKeys(request)
        )
    except inbox.Refused as refused:
        log.warning("signed fetch of %s refused: %s", request.path_qs, refused.reason)
        return ap_response({"error": "unauthorized", "reason": refused.reason}, 401)
    return None


def _page_number(request: Request) -> int | None:
    value = request.GET.get("page")
    if value is None:
        return None
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_PAGE else 1


def collection(
    request: Request, url: str, total: int, items: Callable[[int, int], list[Any]], owner: str
) -> Response:
    """An ``OrderedCollection`` pointing at its first page, or the page ``?page=`` asks for."""
    page = _page_number(request)
    if page is None:
        document: dict[str, Any] = {
            "id": url,
            "type": "OrderedCollection",
            "attributedTo": owner,
            "totalItems": total,
            "first": f"{url}?page=1",
        }
        return ap_response(with_context(document))
    document = {
        "id": f"{url}?page={page}",
        "type": "OrderedCollectionPage",
        "attributedTo": owner,
        "partOf": url,
        "totalItems": total,
        "orderedItems": items((page - 1) * PAGE_SIZE, PAGE_SIZE),
    }
    if page * PAGE_SIZE < total:
        document["next"] = f"{url}?page={page + 1}"
    if page > 1:
        document["prev"] = f"{url}?page={page - 1}"
    return ap_response(with_context(document))


# --- actors -------------------------------------------------------------------------------------


def _actor(request: Request) -> Actor | None:
    """The local actor of the URL: ``/relay/...`` or ``/@{username}/...``; None if there is none."""
    if "username" not in request.matchdict:
        return instance_actor(request.dbsession, request.registry.settings)
    actor = find_local_actor(request.dbsession, request.matchdict["username"])
    if actor is None or actor.suspended or actor.deleted:
        return None
    return actor


@view_config(route_name="federation_relay", request_method=("GET", "HEAD"))
def relay(request: Request) -> Response:
    """The instance's Application actor (Mobilizon's ``/relay``)."""
    actor = instance_actor(request.dbsession, request.registry.settings)
    return ap_response(actor_document(actor, request.registry.settings["mobilizon.base_url"]))


@view_config(route_name="federation_inbox", request_method="POST", require_csrf=False)
@view_config(route_name="federation_actor_inbox", request_method="POST", require_csrf=False)
@view_config(route_name="federation_relay_inbox", request_method="POST", require_csrf=False)
def inbox_view(request: Request) -> Response:
    request.add_finished_callback(_close_body)
    if "username" in request.matchdict and _actor(request) is None:
        return not_found()
    cap = int(request.registry.settings.get("mobilizon.federation.max_inbox_bytes") or inbox.MAX_BODY_BYTES)
    try:
        body = _body(request, cap)
        scheme = request.registry.settings["mobilizon.base_url"].split("://", 1)[0]
        accepted = inbox.receive(request, SignedRequest.from_environ(request.environ, body, scheme))
    except inbox.Gone as gone:
        request.tm.doom()
        log.info("inbox %s: %s", request.path, gone.reason)
        return ap_response({"accepted": None}, 202)
    except inbox.Refused as refused:
        request.tm.doom()
        log.warning(
            "inbox %s refused a request from %s (%d): %s",
            request.path,
            request.client_addr,
            refused.status,
            refused.reason,
        )
        return ap_response({"error": refused.reason}, refused.status)
    log.info(
        "inbox %s accepted %s%s", request.path, accepted.activity_id, " (again)" if accepted.duplicate else ""
    )
    return ap_response({"accepted": accepted.activity_id}, 202)


def _close_body(request: Request) -> None:
    """Close the temporary file a large body was spooled to (the inbox never asks for a retry)."""
    body = request.environ.get("wsgi.input")
    if isinstance(body, io.BufferedRandom):
        body.close()


def _body(request: Request, cap: int) -> bytes:
    declared = request.content_length
    if declared is not None and declared > cap:
        raise inbox.Refused(413, f"the body announces {declared} bytes, more than {cap}")
    stream = request.environ["wsgi.input"]
    body = stream.read(cap + 1 if declared is None else declared)
    if len(body) > cap:
        raise inbox.Refused(413, f"the body is larger than {cap} bytes")
    return body


@view_config(route_name="federation_outbox", request_method=("GET", "HEAD"))
@view_config(route_name="federation_relay_outbox", request_method=("GET", "HEAD"))
def outbox(request: Request) -> Response:
    """The actor's public activities, newest first."""
    actor = _actor(request)
    if actor is None:
        return not_found()
    where = (Activity.actor_url == actor.url, Activity.direction == "out", Activity.public.is_(True))
    total = request.dbsession.scalar(select(func.count(Activity.id)).where(*where)) or 0

    def items(offset: int, limit: int) -> list[Any]:
        rows = request.dbsession.scalars(
            select(Activity.payload).where(*where).order_by(Activity.id.desc()).offset(offset).limit(limit)
        )
        return [{key: value for key, value in row.items() if key != "@context"} for row in rows]

    return collection(request, actor.outbox_url or f"{actor.url}/outbox", total, items, actor.url)


def _relations(request: Request, actor: Actor, following: bool) -> Response:
    from mobilizon.groups.models import Follower

    mine, other = (
        (Follower.actor_id, Follower.target_actor_id)
        if following
        else (
            Follower.target_actor_id,
            Follower.actor_id,
        )
    )
    where = (mine == actor.id, Follower.approved.is_(True))
    total = request.dbsession.scalar(select(func.count(Follower.id)).where(*where)) or 0
    listed = actor.type == "Application"  # instances are public; people who follow a group are not

    def items(offset: int, limit: int) -> list[Any]:
        if not listed:
            return []
        return list(
            request.dbsession.scalars(
                select(Actor.url)
                .join(Follower, other == Actor.id)
                .where(*where)
                .order_by(Follower.id)
                .offset(offset)
                .limit(limit)
            )
        )

    name = "following" if following else "followers"
    return collection(request, f"{actor.url}/{name}", total, items, actor.url)


@view_config(route_name="federation_followers", request_method=("GET", "HEAD"))
@view_config(route_name="federation_relay_followers", request_method=("GET", "HEAD"))
def followers(request: Request) -> Response:
    actor = _actor(request)
    return not_found() if actor is None else _relations(request, actor, following=False)


@view_config(route_name="federation_following", request_method=("GET", "HEAD"))
@view_config(route_name="federation_relay_following", request_method=("GET", "HEAD"))
def following(request: Request) -> Response:
    actor = _actor(request)
    return not_found() if actor is None else _relations(request, actor, following=True)


# --- objects --------------------------------------------------------------------------------------


@view_config(route_name="event", request_method=("GET", "HEAD"), activitypub=True)
def event_document(request: Request) -> Response:
    """An event as Mobilizon emits it; remote ones send the reader to their origin."""
    from mobilizon.events.services import find_event
    from mobilizon.federation.outbox import event_document as build

    event = find_event(request.dbsession, request.matchdict["uuid"])
    if event is None or event.draft or event.visibility == "private":
        return not_found()
    if not event.local:
        return HTTPFound(event.url)
    if event.visibility != "public":
        refused = signed_get(request)
        if refused is not None:
            return refused
    return ap_response(with_context(build(request, event)))


@view_config(route_name="comment", request_method=("GET", "HEAD"), activitypub=True)
def comment_document(request: Request) -> Response:
    from mobilizon.events.models import Comment
    from mobilizon.events.services import parse_uuid
    from mobilizon.federation.converters import comment_object, tombstone

    parsed = parse_uuid(request.matchdict["uuid"])
    comment = request.dbsession.scalar(select(Comment).where(Comment.uuid == parsed)) if parsed else None
    event = comment.event if comment is not None else None
    if comment is None or event.draft or event.visibility == "private" or not comment.approved:
        return not_found()
    if not comment.local:
        return HTTPFound(comment.url)
    if event.visibility != "public":
        refused = signed_get(request)
        if refused is not None:
            return refused
    if comment.deleted:
        return ap_response(with_context(tombstone(comment.url, "Note", comment.deleted_at)), 410)
    return ap_response(with_context(comment_object(comment)))


@view_config(route_name="group_post", request_method=("GET", "HEAD"), activitypub=True)
def post_document(request: Request) -> Response:
    """A group's published public post, as the Article Mobilizon emits."""
    from mobilizon.events.services import parse_uuid
    from mobilizon.federation.converters import post_object
    from mobilizon.groups.models import Post

    group = find_local_actor(request.dbsession, request.matchdict["username"], type="Group")
    parsed = parse_uuid(request.matchdict["uuid"])
    post = None
    if group is not None and parsed is not None:
        post = request.dbsession.scalar(select(Post).where(Post.uuid == parsed, Post.group_id == group.id))
    if post is None or post.draft or post.visibility != "public" or group.suspended:
        return not_found()
    return ap_response(with_context(post_object(post)))
