"""Group events: what the group pages show of the events feature.

An event of a group is an ``Event`` whose ``attributed_to`` is the group (``organizer`` is the
profile that created it, as Mobilizon does). Members see drafts; the public sees published
public events. Creating and changing them goes through ``group_events.create_group_event``
and friends, which check the group's permission table before handing over to the events
services.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow

_AVAILABLE: set[str] = set()


def available(dbsession: Session) -> bool:
    """Whether the events feature's tables exist in this database (it may come later)."""
    bind = dbsession.get_bind()
    key = str(bind.engine.url)
    if key not in _AVAILABLE:
        try:
            from mobilizon.events.models import Event  # noqa: F401
        except ImportError:
            return False
        if not inspect(bind).has_table("events"):
            return False
        _AVAILABLE.add(key)
    return True


def _event_model() -> Any:
    from mobilizon.events.models import Event

    return Event


def events_of(
    dbsession: Session, group: Actor, include_drafts: bool = False, limit: int | None = None
) -> list[Any]:
    """The group's events, soonest first; drafts only when asked (for members)."""
    if not available(dbsession):
        return []
    Event = _event_model()
    query = select(Event).where(Event.attributed_to_id == group.id)
    if not include_drafts:
        query = query.where(Event.draft.is_(False), Event.visibility == "public")
    query = query.order_by(Event.draft.desc(), Event.begins_on)
    if limit is not None:
        query = query.limit(limit)
    return list(dbsession.scalars(query))


def upcoming_public_events(dbsession: Session, group: Actor, limit: int = 5) -> list[Any]:
    """Published public events of the group that are not over yet, soonest first."""
    if not available(dbsession):
        return []
    Event = _event_model()
    query = (
        select(Event)
        .where(
            Event.attributed_to_id == group.id,
            Event.draft.is_(False),
            Event.visibility == "public",
            func.coalesce(Event.ends_on, Event.begins_on) >= utcnow(),
        )
        .order_by(Event.begins_on)
        .limit(limit)
    )
    return list(dbsession.scalars(query))


def new_event_url(request: Any, group: Actor) -> str | None:
    """Where a moderator starts a new event of the group (when the events feature is there)."""
    if not available(request.dbsession):
        return None
    return request.route_url("group_event_new", username=group.preferred_username)


# --- the group's rules for its events ---------------------------------------------------------


def _account_role(dbsession: Session, user: Any, group: Actor) -> str:
    """The best role any of the account's profiles holds in the group."""
    from mobilizon.groups import services
    from mobilizon.identities.services import list_profiles

    if user is None:
        return services.OUTSIDER
    roles = {services.role_of(dbsession, group, profile) for profile in list_profiles(dbsession, user)}
    for role in ("administrator", "moderator", "member"):
        if role in roles:
            return role
    return services.OUTSIDER


def permits(dbsession: Session, user: Any, event: Any, action: str) -> bool:
    """Whether the account may do ``action`` (``event.read_draft``, ``event.update``,
    ``event.delete``) on an event of a group, through the group's permission table.

    For the events feature: ``can_view`` / ``is_organiser`` can add ``or permits(...)`` so that
    the group's members see its drafts and its moderators edit its events on the event pages.
    """
    from mobilizon.groups import services

    if event.attributed_to_id is None or event.attributed_to is None:
        return False
    return services.can(_account_role(dbsession, user, event.attributed_to), action)


def _group_and_profile(
    ctx: Any, user: Any, username: str, identity: str | None, current: Actor | None
) -> Any:
    from mobilizon.groups import services

    group = services.get_group(ctx.dbsession, username)
    return group, services.acting_profile(ctx.dbsession, user, identity, current)


def get_group_event(dbsession: Session, group: Actor, profile: Actor | None, event_uuid: Any) -> Any:
    """One event of the group; drafts and non-public ones for the members only."""
    from mobilizon.errors import NotFound
    from mobilizon.groups import services
    from mobilizon.groups.discussions import parse_uuid
    from mobilizon.i18n import _

    parsed = parse_uuid(event_uuid)
    Event = _event_model() if available(dbsession) else None
    event = (
        dbsession.scalar(select(Event).where(Event.uuid == parsed, Event.attributed_to_id == group.id))
        if Event is not None and parsed
        else None
    )
    if event is None:
        raise NotFound(_("There is no such event in this group."))
    if event.draft or event.visibility != "public":
        services.require(dbsession, group, profile, "event.read_draft")
    return event


def create_group_event(
    ctx: Any, user: Any, username: str, values: Mapping[str, Any], current: Actor | None = None
) -> Any:
    """A new event of the group, by a profile whose role allows it: the group is the event's
    ``attributed_to``; the profile is recorded as its creator (and organiser, as in Mobilizon).
    """
    from mobilizon.events import services as events
    from mobilizon.groups import services

    group, profile = _group_and_profile(ctx, user, username, values.get("identity"), current)
    services.require(ctx.dbsession, group, profile, "event.create")
    fields = {key: value for key, value in values.items() if key != "group"}
    fields["identity"] = profile.preferred_username
    event = events.create_event(ctx, user, fields)
    event.attributed_to = group
    event.creator = profile
    ctx.dbsession.flush()
    return event


def _as_organiser(event: Any) -> Any:
    """The organiser's account: the events services act for it once the group's table allowed
    the change (they know organisers, not group roles).
    """
    from mobilizon.errors import Forbidden
    from mobilizon.i18n import _

    organiser = event.organizer.user if event.organizer is not None else None
    if organiser is None:
        raise Forbidden(_("This event's organiser is gone; it can no longer be changed."))
    return organiser


def update_group_event(
    ctx: Any,
    user: Any,
    username: str,
    event_uuid: Any,
    values: Mapping[str, Any],
    current: Actor | None = None,
) -> Any:
    """Change (or publish, ``draft: false``) an event of the group: its moderators may."""
    from mobilizon.events import services as events
    from mobilizon.groups import services

    group, profile = _group_and_profile(ctx, user, username, values.get("identity"), current)
    event = get_group_event(ctx.dbsession, group, profile, event_uuid)
    services.require(ctx.dbsession, group, profile, "event.update")
    fields = {key: value for key, value in values.items() if key not in ("group", "identity")}
    return events.update_event(ctx, _as_organiser(event), event.uuid, fields)


def delete_group_event(
    ctx: Any,
    user: Any,
    username: str,
    event_uuid: Any,
    identity: str | None = None,
    current: Actor | None = None,
    media: Any = None,
) -> None:
    from mobilizon.events import services as events
    from mobilizon.groups import services

    group, profile = _group_and_profile(ctx, user, username, identity, current)
    event = get_group_event(ctx.dbsession, group, profile, event_uuid)
    services.require(ctx.dbsession, group, profile, "event.delete")
    events.delete_event(ctx, _as_organiser(event), event.uuid, media)
