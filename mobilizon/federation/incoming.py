"""Applying incoming activities, in a job, after the inbox has authenticated and stored them.

The inbox already checked that the activity's actor and every embedded ``attributedTo`` are on
the signer's origin. Here each type of activity is mapped onto our objects (mobilizon_activitypub.md
§4.2): what it may change is checked again against what we store (an Update changes only an
object of the same owner; an Accept only answers something we sent to that actor), and every
answer (Accept, Reject) leaves through ``activities.send``. An activity that is understood but
changes nothing (unknown types, replies to objects we do not have, unsolicited events) is
recorded as ignored with its reason; the sender got its 202 long ago.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from mobilizon.errors import ServiceError
from mobilizon.federation import activities, remote
from mobilizon.federation.actors import (
    RemoteError,
    fetch_object,
    get_actor,
    instance_actor,
    is_local,
    known_actor,
)
from mobilizon.federation.models import Activity
from mobilizon.federation.remote import Ignored
from mobilizon.federation.signatures import same_origin
from mobilizon.federation.vocabulary import (
    ACTOR_TYPES,
    audience,
    first_id,
    objects,
    text,
    type_of,
    visibility,
)
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow
from mobilizon.tasks import JobContext, job

log = logging.getLogger(__name__)

APPLY_JOB = "federation.apply"


@dataclass(frozen=True)
class Outcome:
    status: str  # "applied" or "ignored"
    reason: str = ""


Handler = Callable[[Any, Mapping[str, Any], Actor], str]
HANDLERS: dict[str, Handler] = {}


def handles(*kinds: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        for kind in kinds:
            HANDLERS[kind] = function
        return function

    return register


def apply(ctx: Any, activity: Mapping[str, Any]) -> Outcome:
    """Apply one (already authorised) activity; returns what became of it."""
    kind = type_of(activity)
    handler = HANDLERS.get(kind)
    if handler is None:
        return Outcome("ignored", f"{kind or 'an activity without a type'} is not supported here")
    try:
        actor = get_actor(ctx, first_id(activity.get("actor")) or "")
        return Outcome("applied", handler(ctx, activity, actor))
    except Ignored as error:
        return Outcome("ignored", str(error))
    except RemoteError as error:
        return Outcome("ignored", f"a remote object could not be used: {error}")
    except ServiceError as error:
        return Outcome("ignored", f"refused by our rules: {error.code}: {error}")


@job(APPLY_JOB, retries=3, retry_delay=60, retry_backoff=2)
def apply_job(ctx: JobContext, activity_row_id: int) -> None:
    """Apply a stored incoming activity once; its row records the outcome."""
    row = ctx.dbsession.get(Activity, activity_row_id)
    if row is None or row.status != "received":
        return
    outcome = apply(ctx, row.payload)
    row.status, row.reason, row.processed_at = outcome.status, outcome.reason or None, utcnow()
    log.info("%s %s from %s: %s %s", row.type, row.ap_id, row.actor_url, outcome.status, outcome.reason)


# --- helpers --------------------------------------------------------------------------------------


def _object(activity: Mapping[str, Any]) -> Mapping[str, Any] | None:
    found = objects(activity.get("object"))
    return found[0] if found else None


def _same_origin_or_ignore(url: str | None, actor: Actor, what: str) -> str:
    if not url or not same_origin(url, actor.url):
        raise Ignored(f"{what} {url!r} is not on the origin of {actor.url}")
    return url


def _local_actor(ctx: Any, url: str | None, *types: str) -> Actor | None:
    if not url or not is_local(url, ctx.registry.settings):
        return None
    actor = known_actor(ctx.dbsession, url)
    if actor is None or actor.suspended or (types and actor.type not in types):
        return None
    return actor


def answer(ctx: Any, kind: str, by: Actor, original: Mapping[str, Any], to: Actor, **extra: Any) -> None:
    """Accept or Reject ``original`` (an activity ``to`` sent us), addressed to ``to``."""
    embedded = {key: original[key] for key in ("id", "type", "actor", "object") if key in original}
    base_url = ctx.registry.settings["mobilizon.base_url"]
    activity = activities.build(
        kind, by, embedded, activity_id=activities.new_id(base_url), to=[to.url], cc=[], **extra
    )
    activities.send(ctx, by, activity, [to.inbox_url], object_url=first_id(original.get("object")))


def _followed_by_us(dbsession: Any, actor: Actor) -> bool:
    """Whether a local profile or the instance follows (approved) this actor or its instance."""
    from mobilizon.groups.models import Follower

    follower, target = aliased(Actor), aliased(Actor)
    followed = dbsession.scalar(
        select(Follower.id)
        .join(follower, follower.id == Follower.actor_id)
        .join(target, target.id == Follower.target_actor_id)
        .where(follower.domain.is_(None), Follower.approved.is_(True), target.domain == actor.domain)
        .where(or_(target.url == actor.url, target.type == "Application"))
        .limit(1)
    )
    return followed is not None


def _member_here(dbsession: Any, group: Actor | None) -> bool:
    from mobilizon.groups.models import MEMBER_ROLES, Member

    if group is None:
        return False
    return bool(
        dbsession.scalar(
            select(Member.id)
            .join(Actor, Actor.id == Member.actor_id)
            .where(Member.group_id == group.id, Member.role.in_(MEMBER_ROLES), Actor.domain.is_(None))
            .limit(1)
        )
    )


def _addressed_here(ctx: Any, document: Mapping[str, Any]) -> bool:
    return any(is_local(url, ctx.registry.settings) for url in audience(document))


# --- Create / Update / Delete ---------------------------------------------------------------------


def _document(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> Mapping[str, Any]:
    """The object of a Create or Update: embedded, or fetched from its own origin."""
    document = _object(activity)
    if document is None:
        url = first_id(activity.get("object"))
        _same_origin_or_ignore(url, actor, "the object")
        document = fetch_object(ctx, url or "")
    _same_origin_or_ignore(
        document.get("id") if isinstance(document.get("id"), str) else None, actor, "the object"
    )
    return document


def _event_owners(ctx: Any, document: Mapping[str, Any], actor: Actor) -> tuple[Actor, Actor | None]:
    """The organiser (``actor``, else the sender) and the group (``attributedTo`` when a Group)."""
    organizer_url = first_id(document.get("actor")) or actor.url
    _same_origin_or_ignore(organizer_url, actor, "the organiser")
    organizer = actor if organizer_url == actor.url else get_actor(ctx, organizer_url)
    attributed = first_id(document.get("attributedTo"))
    group = None
    if attributed and attributed != organizer.url:
        _same_origin_or_ignore(attributed, actor, "attributedTo")
        candidate = get_actor(ctx, attributed)
        if candidate.type == "Group":
            group = candidate
    return organizer, group


def receive_event(ctx: Any, document: Mapping[str, Any], actor: Actor, *, wanted: bool) -> str:
    """Store a remote Event; unsolicited ones (nobody here follows or asked) are ignored."""
    organizer, group = _event_owners(ctx, document, actor)
    known = remote.find_event(ctx.dbsession, document["id"])
    if not (
        wanted
        or known is not None
        or _addressed_here(ctx, document)
        or _followed_by_us(ctx.dbsession, organizer)
        or (
            group is not None
            and (_followed_by_us(ctx.dbsession, group) or _member_here(ctx.dbsession, group))
        )
    ):
        raise Ignored("unsolicited event: nobody here follows its organiser, its group or its instance")
    event, created = remote.store_event(ctx, document, organizer, group)
    return f"event {event.url} {'stored' if created else 'updated'}"


def receive_note(ctx: Any, document: Mapping[str, Any], actor: Actor) -> str:
    """A Note in reply to one of the events or comments we store becomes a comment."""
    parent_url = first_id(document.get("inReplyTo"))
    parent = remote.find_comment(ctx.dbsession, parent_url)
    event = parent.event if parent is not None else remote.find_event(ctx.dbsession, parent_url)
    if event is None:
        raise Ignored("the note does not answer an event or a comment stored here")
    if visibility(document) == "private":
        raise Ignored("a note not addressed to the public is not shown as a public comment")
    author_url = first_id(document.get("attributedTo")) or actor.url
    _same_origin_or_ignore(author_url, actor, "the author")
    author = actor if author_url == actor.url else get_actor(ctx, author_url)
    comment, created = remote.store_comment(
        ctx, document["id"], author, event, parent, text(document.get("content"), 100_000)
    )
    return f"comment {comment.url} {'stored' if created else 'updated'} under {event.url}"


@handles("Create")
def on_create(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    document = _document(ctx, activity, actor)
    kind = type_of(document)
    if kind == "Event":
        return receive_event(ctx, document, actor, wanted=False)
    if kind == "Note":
        return receive_note(ctx, document, actor)
    if kind in ACTOR_TYPES:
        get_actor(ctx, document["id"], refresh=True)
        return f"actor {document['id']} refreshed"
    raise Ignored(f"a {kind or 'thing without a type'} is not stored here")


@handles("Update")
def on_update(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    document = _document(ctx, activity, actor)
    kind = type_of(document)
    if kind in ACTOR_TYPES:
        # never believe an embedded actor: its key could be anyone's. Refetch it from its origin.
        get_actor(ctx, document["id"], refresh=True)
        return f"actor {document['id']} refreshed"
    if kind == "Event":
        if remote.find_event(ctx.dbsession, document["id"]) is None:
            raise Ignored("an update of an event not stored here")
        return receive_event(ctx, document, actor, wanted=True)
    if kind == "Note":
        if remote.find_comment(ctx.dbsession, document["id"]) is None:
            raise Ignored("an update of a comment not stored here")
        return receive_note(ctx, document, actor)
    raise Ignored(f"updates of a {kind or 'thing without a type'} are not applied here")


@handles("Delete")
def on_delete(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    url = first_id(activity.get("object"))
    _same_origin_or_ignore(url, actor, "the deleted object")
    target = known_actor(ctx.dbsession, url)
    if target is not None:
        if target.local:
            raise Ignored("one of our actors cannot be deleted from elsewhere")
        ctx.dbsession.delete(target)
        ctx.dbsession.flush()
        return f"actor {url} and what it owned removed"
    event = remote.find_event(ctx.dbsession, url)
    if event is not None:
        if event.local:
            raise Ignored("the event is ours")
        remote.delete_event(ctx, event, actor)
        return f"event {url} removed"
    comment = remote.find_comment(ctx.dbsession, url)
    if comment is not None:
        if comment.local:
            raise Ignored("the comment is ours")
        remote.delete_comment(ctx, comment)
        return f"comment {url} deleted"
    raise Ignored("nothing stored here has this id")


# --- participations and memberships ---------------------------------------------------------------


@handles("Join")
def on_join(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    target = first_id(activity.get("object"))
    event = remote.find_event(ctx.dbsession, target)
    message = text(activity.get("participationMessage"), 2000) or None
    if event is not None and event.local:
        organizer = event.organizer
        try:
            participant = remote.join_local_event(ctx, event, actor, message)
        except ServiceError as error:
            answer(ctx, "Reject", organizer, activity, actor)
            return f"join of {event.url} refused: {error.code}"
        if participant.role in ("participant", "moderator"):
            answer(ctx, "Accept", organizer, activity, actor)
            return f"{actor.url} takes part in {event.url}"
        return f"{actor.url} waits for the organisers of {event.url}"
    group = _local_actor(ctx, target, "Group")
    if group is not None:
        try:
            member = remote.join_local_group(ctx, group, actor, message)
        except ServiceError as error:
            answer(ctx, "Reject", group, activity, actor)
            return f"join of {group.url} refused: {error.code}"
        if member.role == "member":
            answer(ctx, "Accept", group, activity, actor)
        return f"{actor.url} is {member.role} of {group.url}"
    raise Ignored("the object of the Join is not an event or group of ours")


@handles("Leave")
def on_leave(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    target = first_id(activity.get("object"))
    event = remote.find_event(ctx.dbsession, target)
    if event is not None:
        left = remote.leave_event(ctx, event, actor)
        return f"{actor.url} left {event.url}" if left else "not a participant"
    group = _local_actor(ctx, target, "Group")
    if group is not None:
        left = remote.leave_group(ctx, group, actor)
        return f"{actor.url} left {group.url}" if left else "not a member"
    raise Ignored("the object of the Leave is not an event or group stored here")


def _answered(ctx: Any, activity: Mapping[str, Any]) -> tuple[Mapping[str, Any], Activity | None]:
    """What an Accept or Reject answers: our logged activity, else the embedded one."""
    reference = first_id(activity.get("object"))
    logged = activities.find(ctx.dbsession, reference)
    if logged is not None and logged.direction == "out":
        return logged.payload, logged
    embedded = _object(activity)
    if embedded is None:
        raise Ignored("it answers nothing we sent")
    return embedded, None


def _answer(ctx: Any, activity: Mapping[str, Any], actor: Actor, accepted: bool) -> str:
    original, _logged = _answered(ctx, activity)
    kind = type_of(original)
    ours = _local_actor(ctx, first_id(original.get("actor")))
    target_url = first_id(original.get("object"))
    if kind == "Follow" and ours is not None:
        return _follow_answered(ctx, ours, actor, target_url, accepted)
    if kind == "Join" and ours is not None:
        event = remote.find_event(ctx.dbsession, target_url)
        if event is None or event.local:
            raise Ignored("it answers a join of an event not stored here")
        owners = {event.organizer.url, event.attributed_to.url if event.attributed_to else None}
        if actor.url not in owners and not same_origin(actor.url, event.url):
            raise Ignored("only the event's organiser answers a request to join it")
        participant = remote.participation(ctx.dbsession, event, ours)
        if participant is None:
            raise Ignored("there is no such participation")
        remote.answer_participation(ctx, participant, accepted)
        return f"participation of {ours.url} in {event.url} {'accepted' if accepted else 'rejected'}"
    if kind in ("Invite", "Member"):
        return _invitation_answered(ctx, original, actor, accepted)
    raise Ignored(f"it answers a {kind or 'thing without a type'} we have no use for")


def _follow_answered(ctx: Any, ours: Actor, actor: Actor, target_url: str | None, accepted: bool) -> str:
    if target_url != actor.url:
        raise Ignored("only the followed actor answers a follow")
    follower = remote.following(ctx.dbsession, actor, ours)
    if follower is None:
        raise Ignored("we do not follow this actor")
    if accepted:
        follower.approved = True
    else:
        ctx.dbsession.delete(follower)
    ctx.dbsession.flush()
    return f"follow of {actor.url} by {ours.url} {'accepted' if accepted else 'rejected'}"


def _invitation_answered(ctx: Any, original: Mapping[str, Any], actor: Actor, accepted: bool) -> str:
    """The invited remote profile answers our group's Invite (the member's URL is its id)."""
    from mobilizon.groups.models import Member

    base_url = ctx.registry.settings["mobilizon.base_url"]
    member_url = first_id(original.get("id")) or ""
    prefix = f"{base_url}/member/"
    if not member_url.startswith(prefix) or not member_url[len(prefix) :].isdigit():
        raise Ignored("it answers an invitation we did not send")
    member = ctx.dbsession.get(Member, int(member_url[len(prefix) :]))
    if member is None or member.actor_id != actor.id:
        raise Ignored("only the invited profile answers its invitation")
    remote.accept_invitation(ctx, member, accepted)
    return f"invitation of {actor.url} {'accepted' if accepted else 'declined'}"


@handles("Accept")
def on_accept(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    return _answer(ctx, activity, actor, True)


@handles("Reject")
def on_reject(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    return _answer(ctx, activity, actor, False)


@handles("Invite")
def on_invite(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    invitee = _local_actor(ctx, first_id(activity.get("target")), "Person")
    if invitee is None:
        raise Ignored("the invited profile is not one of ours")
    group_url = _same_origin_or_ignore(first_id(activity.get("object")), actor, "the group")
    group = get_actor(ctx, group_url)
    if group.type != "Group":
        raise Ignored("one is invited into groups only")
    member = remote.invite_local(ctx, group, invitee, actor)
    return f"{invitee.url} is {member.role} of {group.url}"


# --- follows --------------------------------------------------------------------------------------


@handles("Follow")
def on_follow(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    target = _local_actor(ctx, first_id(activity.get("object")), "Group", "Application")
    if target is None:
        relay = instance_actor(ctx.dbsession, ctx.registry.settings)
        answer(ctx, "Reject", relay, activity, actor)
        return "only groups and the instance can be followed here: rejected"
    pending = target.type == "Application"  # an administrator accepts instance followers
    remote.add_follower(ctx, target, actor, approved=not pending)
    if pending:
        return f"{actor.url} asks to follow the instance"
    answer(ctx, "Accept", target, activity, actor)
    return f"{actor.url} follows {target.url}"


@handles("Undo")
def on_undo(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    reference = first_id(activity.get("object"))
    logged = activities.find(ctx.dbsession, reference)
    undone = logged.payload if logged is not None and logged.direction == "in" else _object(activity)
    kind = type_of(undone)
    if kind != "Follow":
        raise Ignored(f"undoing a {kind or 'thing we do not know'} changes nothing here")
    if first_id(undone.get("actor")) != actor.url:
        raise Ignored("only the follower undoes its follow")
    target = _local_actor(ctx, first_id(undone.get("object")))
    follower = remote.following(ctx.dbsession, target, actor) if target is not None else None
    if follower is None:
        raise Ignored("this follow is not known here")
    ctx.dbsession.delete(follower)
    ctx.dbsession.flush()
    return f"{actor.url} no longer follows {target.url}"


# --- Announce -------------------------------------------------------------------------------------


@handles("Announce")
def on_announce(ctx: Any, activity: Mapping[str, Any], actor: Actor) -> str:
    """Public content relayed by an instance or a group we follow: refetched from its origin,
    never taken from the Announce itself (an Announce confers no authorship).
    """
    if not (
        _followed_by_us(ctx.dbsession, actor)
        or (actor.type == "Group" and _member_here(ctx.dbsession, actor))
    ):
        raise Ignored("announces are read only from instances and groups followed here")
    url = first_id(activity.get("object"))
    if not url:
        raise Ignored("the Announce names no object")
    document = fetch_object(ctx, url)
    if type_of(document) in ("Create", "Update"):  # a group announcing its member's activity
        document = fetch_object(ctx, first_id(document.get("object")) or "")
    kind = type_of(document)
    author_url = first_id(document.get("attributedTo")) or first_id(document.get("actor")) or ""
    if not same_origin(author_url, document.get("id") or ""):
        raise Ignored("the announced object is attributed to another origin")
    author = get_actor(ctx, author_url)
    if kind == "Event":
        return receive_event(ctx, document, author, wanted=True)
    if kind == "Note":
        return receive_note(ctx, document, author)
    raise Ignored(f"announced {kind or 'things without a type'} are not stored here")
