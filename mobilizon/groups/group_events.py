"""Group events: what the group pages show of the events feature.

An event of a group is an ``Event`` whose ``attributed_to`` is the group (``organizer`` is the
profile that created it, as Mobilizon does). Members see drafts; the public sees published
public events. Creating and changing them goes through ``group_events.create_group_event``
and friends, which check the group's permission table before handing over to the events
services.
"""

from __future__ import annotations

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
    """Where a moderator starts a new event of the group, when the events pages offer it."""
    if request.registry.introspector.get("routes", "event_new") is None:
        return None
    return request.route_url("event_new", _query={"group": group.preferred_username})
