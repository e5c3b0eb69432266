"""Following remote actors: a profile following a remote group, the instance following another
instance. A follow waits (``approved`` false) until the followed side's Accept arrives.
"""

from __future__ import annotations

from typing import Any

from mobilizon.errors import Invalid
from mobilizon.federation import activities, remote
from mobilizon.i18n import _
from mobilizon.identities.models import Actor


def follow(ctx: Any, follower: Actor, target: Actor) -> Any:
    """Ask to follow ``target`` (remote); following twice is one follow."""
    if target.local or not follower.local:
        raise Invalid(_("Only a remote group or instance can be followed from here."))
    row = remote.following(ctx.dbsession, target, follower)
    if row is None:
        row = remote.add_follower(ctx, target, follower, approved=False)
    if not row.approved:
        base_url = ctx.registry.settings["mobilizon.base_url"]
        activity = activities.build(
            "Follow", follower, target.url, activity_id=activities.new_id(base_url), to=[target.url], cc=[]
        )
        activities.send(ctx, follower, activity, [target.inbox_url], object_url=target.url)
    return row


def unfollow(ctx: Any, follower: Actor, target: Actor) -> None:
    """Undo our Follow of ``target`` and forget it."""
    row = remote.following(ctx.dbsession, target, follower)
    if row is None:
        return
    sent = activities.latest(ctx.dbsession, "out", "Follow", actor_url=follower.url, object_url=target.url)
    if sent is not None:
        base_url = ctx.registry.settings["mobilizon.base_url"]
        original = {key: sent.payload[key] for key in ("id", "type", "actor", "object")}
        activity = activities.build(
            "Undo", follower, original, activity_id=activities.new_id(base_url), to=[target.url], cc=[]
        )
        activities.send(ctx, follower, activity, [target.inbox_url], object_url=target.url)
    ctx.dbsession.delete(row)
    ctx.dbsession.flush()
