"""Remote lookup: an event URL, a group or profile URL, or ``@name@domain``, fetched and stored.

What the search bar and ``/api/v1/resolve`` do when someone pastes an address from another
instance (Rȯse finding her father's event). The document is fetched through the guarded client
and believed only as the inbox believes one (its id is where it was served from; its organiser
and group are on its origin). A private event is not stored: pasting its URL must not make it
public here (Mobilizon 1.0.0-beta.3's lesson).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from mobilizon.errors import Invalid, NotFound
from mobilizon.federation import remote
from mobilizon.federation.actors import (
    RemoteError,
    actor_values,
    fetch_object,
    finger,
    get_actor,
    is_local,
    known_actor,
    save_actor,
    split_handle,
)
from mobilizon.federation.incoming import receive_event
from mobilizon.federation.remote import Ignored
from mobilizon.federation.signatures import same_origin
from mobilizon.federation.vocabulary import ACTOR_TYPES, first_id, type_of, visibility
from mobilizon.i18n import _
from mobilizon.identities.models import Actor

log = logging.getLogger(__name__)

MAX_URI = 2000
GROUP_EVENTS = 10


@dataclass(frozen=True)
class Found:
    """What an address led to: an event or an actor, stored here (``page`` is our page of it)."""

    type: str  # "event" or the actor's type in lower case
    url: str
    local: bool
    page: str
    title: str
    handle: str | None = None
    uuid: str | None = None


def _event(ctx: Any, event: Any) -> Found:
    return Found(
        "event",
        event.url,
        event.local,
        ctx.route_url("event", uuid=event.uuid),
        event.title,
        uuid=str(event.uuid),
    )


def _actor(ctx: Any, actor: Actor) -> Found:
    from mobilizon.identities.webfinger import local_host

    handle = actor.handle(local_host(ctx.registry.settings["mobilizon.base_url"]))
    page = actor.url if actor.local else actor_page(ctx, actor)
    return Found(actor.type.lower(), actor.url, actor.local, page, actor.display_name, handle=handle)


def actor_page(ctx: Any, actor: Actor) -> str:
    """Our page of a remote actor: ``/@name@domain``."""
    handle = quote(f"{actor.preferred_username}@{actor.domain}", safe="@:")
    return f"{ctx.registry.settings['mobilizon.base_url']}/@{handle}"


def _not_found(detail: str) -> NotFound:
    return NotFound(_("Nothing could be found at this address: ${detail}", mapping={"detail": detail}))


def looks_remote(query: str) -> bool:
    """Whether a search is an address to look up rather than words."""
    query = query.strip()
    return query.startswith(("https://", "http://")) or split_handle(query) is not None


def resolve(ctx: Any, uri: str) -> Found:
    """Find (fetching when needed) what ``uri`` names; ``NotFound`` or ``Invalid`` otherwise."""
    uri = (uri or "").strip()
    if not uri or len(uri) > MAX_URI:
        raise Invalid(_("Give the address of an event, a group or a profile, or @name@domain."))
    handle = split_handle(uri)
    try:
        if handle is not None and not uri.startswith(("https://", "http://")):
            return _actor(ctx, _remote_actor(ctx, fetch_object(ctx, finger(ctx, *handle))))
        if not uri.startswith(("https://", "http://")):
            raise Invalid(_("Give the address of an event, a group or a profile, or @name@domain."))
        return _by_url(ctx, uri)
    except (RemoteError, Ignored) as error:
        raise _not_found(str(error)) from None


def _stored(ctx: Any, url: str) -> Found | None:
    event = remote.find_event(ctx.dbsession, url)
    if event is not None and not event.draft:
        return _event(ctx, event)
    actor = known_actor(ctx.dbsession, url)
    if actor is not None and not actor.suspended:
        return _actor(ctx, actor)
    comment = remote.find_comment(ctx.dbsession, url)
    if comment is not None:
        return _event(ctx, comment.event)
    return None


def _local(ctx: Any, url: str) -> Found:
    from mobilizon.events.models import Event
    from mobilizon.events.services import parse_uuid

    found = _stored(ctx, url)
    if found is not None:
        return found
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    if path.startswith("events/"):
        parsed = parse_uuid(path.split("/")[1])
        event = ctx.dbsession.scalar(select(Event).where(Event.uuid == parsed)) if parsed else None
        if event is not None and not event.draft:
            return _event(ctx, event)
    raise _not_found(url)


def _remote_actor(ctx: Any, document: dict[str, Any]) -> Actor:
    """Store a fetched actor; for a group, also the public events its collection lists."""
    if is_local(document.get("id") or "", ctx.registry.settings):
        raise RemoteError("this is one of our own actors")
    actor = save_actor(ctx.dbsession, actor_values(document, document["id"]))
    events = first_id(document.get("events"))
    if actor.type == "Group" and events and same_origin(events, actor.url):
        _group_events(ctx, actor, events)
    return actor


def _group_events(ctx: Any, group: Actor, collection_url: str) -> None:
    """The first events a group's ``events`` collection lists, each fetched from its origin."""
    try:
        collection = fetch_object(ctx, collection_url)
        page = collection.get("first")
        if isinstance(page, str):
            page = fetch_object(ctx, page)
        items = collection.get("orderedItems") or (
            page.get("orderedItems") if isinstance(page, dict) else None
        )
    except RemoteError as error:
        log.info("events of %s not fetched: %s", group.url, error)
        return
    for item in (items if isinstance(items, list) else [])[:GROUP_EVENTS]:
        url = first_id(item)
        if not url or not same_origin(url, group.url) or remote.find_event(ctx.dbsession, url) is not None:
            continue
        try:
            _by_url(ctx, url)
        except (RemoteError, Ignored, NotFound) as error:
            log.info("event %s of %s not stored: %s", url, group.url, error)


def _by_url(ctx: Any, url: str) -> Found:
    if is_local(url, ctx.registry.settings):
        return _local(ctx, url)
    found = _stored(ctx, url)
    if found is not None and found.type != "event":
        return found
    document = fetch_object(ctx, url)
    kind = type_of(document)
    if kind in ACTOR_TYPES:
        return _actor(ctx, _remote_actor(ctx, document))
    if kind == "Event":
        if visibility(document) == "private":
            raise RemoteError("this event is not public")
        organizer_url = first_id(document.get("actor")) or first_id(document.get("attributedTo")) or ""
        if not same_origin(organizer_url, document["id"]):
            raise RemoteError("the event's organiser is on another origin")
        sender = get_actor(ctx, organizer_url)
        receive_event(ctx, document, sender, wanted=True)
        return _event(ctx, remote.find_event(ctx.dbsession, document["id"]))
    raise RemoteError(f"a {kind or 'thing without a type'} cannot be shown here")
