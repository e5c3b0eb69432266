"""Outgoing activities: who gets them, what they look like, and the record of what was sent.

``send`` stores the activity (the outbox, and the memory of who received what, so that a
Delete reaches every server that got the Create) and queues one delivery per distinct inbox for
when the current transaction commits. Public content goes to shared inboxes, deduplicated;
members-only content goes to each member's own inbox, never to a shared one (a remote server
must not be trusted to keep a restricted audience).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobilizon.federation.delivery import queue_deliveries, unique_inboxes
from mobilizon.federation.models import Activity
from mobilizon.federation.vocabulary import PUBLIC_ALIASES, audience, first_id, with_context
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow


def new_id(base_url: str) -> str:
    return f"{base_url}/activities/{uuid.uuid4()}"


def build(kind: str, actor: Actor, obj: Any, *, activity_id: str, **extra: Any) -> dict[str, Any]:
    """An activity of ``kind`` by ``actor``; ``to``/``cc`` copied from the object when absent."""
    activity: dict[str, Any] = {"type": kind, "id": activity_id, "actor": actor.url, "object": obj}
    if isinstance(obj, Mapping):
        for key in ("to", "cc", "attributedTo"):
            if key in obj and key not in extra:
                activity[key] = obj[key]
    activity.update(extra)
    activity.setdefault("to", [])
    activity.setdefault("cc", [])
    activity.setdefault("published", utcnow().isoformat(timespec="seconds").replace("+00:00", "Z"))
    return with_context(activity)


def send(
    ctx: Any,
    actor: Actor,
    activity: dict[str, Any],
    inboxes: Iterable[str | None],
    object_url: str | None = None,
) -> list[str]:
    """Record ``activity`` as sent by ``actor`` and queue its deliveries after commit."""
    targets = unique_inboxes(inboxes, ctx.registry.settings["mobilizon.base_url"])
    obj = activity.get("object")
    public = bool(audience(activity) & PUBLIC_ALIASES)
    row = ctx.dbsession.scalar(select(Activity).where(Activity.ap_id == activity["id"]))
    if row is None:
        ctx.dbsession.add(
            Activity(
                ap_id=activity["id"],
                direction="out",
                type=activity["type"],
                actor_url=actor.url,
                object_url=object_url or first_id(obj),
                payload=activity,
                recipients=targets,
                public=public,
                status="sent",
                processed_at=utcnow(),
            )
        )
        ctx.dbsession.flush()
    if targets:
        queue_deliveries(ctx, activity, targets, f"{actor.url}#main-key")
    return targets


# --- audiences ------------------------------------------------------------------------------------


def _inbox_column(shared: bool) -> Any:
    return func.coalesce(Actor.shared_inbox_url, Actor.inbox_url) if shared else Actor.inbox_url


def follower_inboxes(dbsession: Session, target_ids: Iterable[int], shared: bool = True) -> list[str]:
    """Inboxes of the remote actors that follow (approved) any of ``target_ids``."""
    from mobilizon.groups.models import Follower

    targets = [target for target in target_ids if target]
    if not targets:
        return []
    rows = dbsession.scalars(
        select(_inbox_column(shared))
        .join(Follower, Follower.actor_id == Actor.id)
        .where(
            Follower.target_actor_id.in_(targets),
            Follower.approved.is_(True),
            Actor.domain.is_not(None),
            Actor.suspended.is_(False),
        )
        .distinct()
    )
    return [row for row in rows if row]


def member_inboxes(dbsession: Session, group_id: int | None, shared: bool = False) -> list[str]:
    """Inboxes of the remote members (members, moderators, administrators) of a group."""
    from mobilizon.groups.models import MEMBER_ROLES, Member

    if not group_id:
        return []
    rows = dbsession.scalars(
        select(_inbox_column(shared))
        .join(Member, Member.actor_id == Actor.id)
        .where(Member.group_id == group_id, Member.role.in_(MEMBER_ROLES), Actor.domain.is_not(None))
        .distinct()
    )
    return [row for row in rows if row]


def participant_inboxes(dbsession: Session, event_id: int, shared: bool = True) -> list[str]:
    """Inboxes of the remote profiles taking part in an event (or waiting to)."""
    from mobilizon.events.models import Participant

    rows = dbsession.scalars(
        select(_inbox_column(shared))
        .join(Participant, Participant.actor_id == Actor.id)
        .where(
            Participant.event_id == event_id,
            Participant.role.in_(("participant", "moderator", "not_approved")),
            Actor.domain.is_not(None),
        )
        .distinct()
    )
    return [row for row in rows if row]


def recorded_inboxes(dbsession: Session, object_url: str) -> list[str]:
    """Every inbox something about ``object_url`` was sent to, and the inboxes of the remote
    actors who sent us something about it (they keep a copy, so they must hear of its end).
    """
    found: list[str] = []
    for recipients in dbsession.scalars(
        select(Activity.recipients).where(Activity.object_url == object_url, Activity.direction == "out")
    ):
        found.extend(recipients or [])
    senders = select(Activity.actor_url).where(Activity.object_url == object_url, Activity.direction == "in")
    found.extend(
        row
        for row in dbsession.scalars(
            select(func.coalesce(Actor.shared_inbox_url, Actor.inbox_url)).where(Actor.url.in_(senders))
        )
        if row
    )
    return found


def inbox_of(actor: Actor | None) -> str | None:
    if actor is None or actor.local:
        return None
    return actor.inbox_url


def latest(
    dbsession: Session,
    direction: str,
    kind: str,
    *,
    actor_url: str | None = None,
    object_url: str | None = None,
) -> Activity | None:
    """The newest logged activity of this kind about this object by this actor."""
    query = select(Activity).where(Activity.direction == direction, Activity.type == kind)
    if actor_url is not None:
        query = query.where(Activity.actor_url == actor_url)
    if object_url is not None:
        query = query.where(Activity.object_url == object_url)
    return dbsession.scalar(query.order_by(Activity.id.desc()).limit(1))


def find(dbsession: Session, ap_id: str | None) -> Activity | None:
    if not ap_id:
        return None
    return dbsession.scalar(select(Activity).where(Activity.ap_id == ap_id))
