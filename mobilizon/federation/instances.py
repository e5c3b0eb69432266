"""Instance federation, as administrators run it: following other instances, answering the
instances that want to follow this one, blocking domains.

Instances follow each other through their Application actors (ours is ``/relay``): a followed
instance announces its public events to us. Our actor approves followers by hand
(``manuallyApprovesFollowers``), so an administrator accepts or rejects each one. Blocking a
domain refuses everything from it at the inbox, sends it nothing, and hides what it already
published here (its events become drafts nobody but their organiser sees, its comments wait
for approval); unblocking shows them again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from mobilizon.errors import Conflict, Forbidden, Invalid, NotFound
from mobilizon.federation import activities, follows
from mobilizon.federation.actors import (
    RemoteError,
    get_actor,
    insert_ignoring_conflicts,
    instance_actor,
    instance_actor_of,
)
from mobilizon.federation.models import Instance
from mobilizon.federation.signatures import domain_of
from mobilizon.i18n import _
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow

log = logging.getLogger(__name__)

DOMAIN = re.compile(r"^(?=.{1,260}$)[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$")


def require_admin(user: Any) -> Any:
    if user is None or not getattr(user, "is_admin", False) or getattr(user, "disabled", False):
        raise Forbidden(_("Only administrators can manage federation."))
    return user


def clean_domain(value: str) -> str:
    """``host`` or ``host:port`` from what an administrator typed (a URL or a handle works too)."""
    text = (value or "").strip().lower()
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0].lstrip("@").split("@")[-1].rstrip(".")
    if not DOMAIN.match(text):
        raise Invalid(
            _("Type a domain name, such as mobilizon.example."),
            fields={"domain": _("Type a domain name, such as mobilizon.example.")},
        )
    return text


@dataclass(frozen=True)
class Relation:
    """One instance we follow or that follows us, and where the follow stands."""

    actor: Actor
    domain: str
    approved: bool
    follower_id: int


def _relations(dbsession: Any, following: bool, relay: Actor) -> list[Relation]:
    from mobilizon.groups.models import Follower

    mine = Follower.actor_id if following else Follower.target_actor_id
    other = Follower.target_actor_id if following else Follower.actor_id
    rows = dbsession.execute(
        select(Follower, Actor).join(Actor, Actor.id == other).where(mine == relay.id).order_by(Actor.domain)
    ).all()
    return [Relation(actor, actor.domain or "", follower.approved, follower.id) for follower, actor in rows]


def overview(ctx: Any, user: Any) -> dict[str, Any]:
    """What the administrators' page shows: followings, followers, blocked domains."""
    require_admin(user)
    relay = instance_actor(ctx.dbsession, ctx.registry.settings)
    blocked = list(
        ctx.dbsession.scalars(select(Instance).where(Instance.blocked.is_(True)).order_by(Instance.domain))
    )
    return {
        "relay": relay,
        "followings": _relations(ctx.dbsession, True, relay),
        "followers": _relations(ctx.dbsession, False, relay),
        "blocked": blocked,
    }


def follow(ctx: Any, user: Any, domain: str) -> Relation:
    """Follow another instance's Application actor, found through NodeInfo or WebFinger."""
    require_admin(user)
    domain = clean_domain(domain)
    if is_blocked_domain(ctx.dbsession, domain):
        raise Conflict(_("This domain is blocked: unblock it first."), code="blocked")
    try:
        target = get_actor(ctx, instance_actor_of(ctx, domain))
    except RemoteError as error:
        log.warning("following %s failed: %s", domain, error)
        raise NotFound(_("No instance actor was found at ${domain}.", mapping={"domain": domain})) from None
    relay = instance_actor(ctx.dbsession, ctx.registry.settings)
    if target.local:
        raise Invalid(_("This is this instance itself."))
    follower = follows.follow(ctx, relay, target)
    return Relation(target, target.domain or domain, follower.approved, follower.id)


def _relay_follower(ctx: Any, follower_id: int, following: bool) -> Any:
    from mobilizon.groups.models import Follower

    relay = instance_actor(ctx.dbsession, ctx.registry.settings)
    follower = ctx.dbsession.get(Follower, follower_id)
    ours = None if follower is None else follower.actor_id if following else follower.target_actor_id
    if ours != relay.id:
        raise NotFound(_("There is no such instance here."))
    return relay, follower


def unfollow(ctx: Any, user: Any, follower_id: int) -> str:
    """Stop following an instance: an Undo of our Follow, and the row goes; returns its domain."""
    require_admin(user)
    relay, follower = _relay_follower(ctx, follower_id, following=True)
    target = follower.target
    follows.unfollow(ctx, relay, target)
    return target.domain or ""


def answer_follower(ctx: Any, user: Any, follower_id: int, accept: bool) -> str:
    """Accept or reject an instance that asked to follow ours; returns its domain."""
    from mobilizon.federation.incoming import answer

    require_admin(user)
    relay, follower = _relay_follower(ctx, follower_id, following=False)
    who = follower.actor
    follow_activity = activities.latest(
        ctx.dbsession, "in", "Follow", actor_url=who.url, object_url=relay.url
    )
    original = (
        follow_activity.payload if follow_activity is not None else {"type": "Follow", "actor": who.url}
    )
    answer(ctx, "Accept" if accept else "Reject", relay, {**original, "object": relay.url}, who)
    if accept:
        follower.approved = True
    else:
        ctx.dbsession.delete(follower)
    ctx.dbsession.flush()
    return who.domain or ""


# --- blocking -------------------------------------------------------------------------------------


def is_blocked_domain(dbsession: Any, domain: str) -> bool:
    return bool(dbsession.scalar(select(Instance.blocked).where(Instance.domain == domain)))


def set_blocked(ctx: Any, user: Any, domain: str, blocked: bool) -> str:
    """Block (or unblock) a domain, hiding (or showing again) what it published here."""
    require_admin(user)
    domain = clean_domain(domain)
    if domain == domain_of(ctx.registry.settings["mobilizon.base_url"]):
        raise Invalid(_("This instance cannot block itself."))
    now = utcnow()
    insert_ignoring_conflicts(
        ctx.dbsession,
        Instance,
        {"domain": domain, "blocked": blocked, "failures": 0, "created_at": now, "updated_at": now},
    )
    ctx.dbsession.execute(
        update(Instance).where(Instance.domain == domain).values(blocked=blocked, updated_at=now)
    )
    _hide(ctx.dbsession, domain, blocked)
    log.warning("domain %s %s by an administrator", domain, "blocked" if blocked else "unblocked")
    return domain


def _hide(dbsession: Any, domain: str, hidden: bool) -> None:
    from mobilizon.events.models import Comment, Event

    actors = select(Actor.id).where(Actor.domain == domain)
    dbsession.execute(update(Actor).where(Actor.domain == domain).values(suspended=hidden))
    dbsession.execute(
        update(Event).where(Event.local.is_(False), Event.organizer_actor_id.in_(actors)).values(draft=hidden)
    )
    dbsession.execute(
        update(Comment)
        .where(Comment.local.is_(False), Comment.actor_id.in_(actors))
        .values(approved=not hidden)
    )
    dbsession.expire_all()


def blocked_count(dbsession: Any) -> int:
    return dbsession.scalar(select(func.count()).select_from(Instance).where(Instance.blocked.is_(True))) or 0
