"""What leaves when something happens here: lifecycle names mapped to ActivityPub activities.

The core ``lifecycle_event`` listener (``federation.hooks``) hands each event it cares about to
the ``federation.publish`` job, which reloads the objects (the subject is only ids and URLs) and
sends, in Mobilizon's vocabulary:

- events: Create (published), Update (edited, cancelled), Delete; groups announce their events
  to their followers, and the instance actor announces public events to the instances that
  follow it;
- comments: Create, Update, Delete of a Note, to the event's audience and the parent's author;
- participations in remote events: Join, Leave; in our events: Accept, Reject of remote joins;
- memberships: Invite of remote profiles, Accept or Reject of remote invitations and join
  requests, Remove of remote members;
- group content: Update of the group, Create of posts (Article), discussion messages (Note)
  and resources (Document, ResourceCollection), Delete of them.

Only what this instance owns, done by a local actor, leaves: changes that came in from another
server fire the same names, and their own server already told everyone.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from mobilizon.federation import activities, converters
from mobilizon.federation.activities import (
    follower_inboxes,
    inbox_of,
    member_inboxes,
    participant_inboxes,
    recorded_inboxes,
    send,
)
from mobilizon.federation.actors import instance_actor, is_local, known_actor
from mobilizon.federation.models import Activity
from mobilizon.federation.vocabulary import AS_PUBLIC, first_id
from mobilizon.identities.models import Actor
from mobilizon.tasks import JobContext, job

log = logging.getLogger(__name__)

PUBLISH_JOB = "federation.publish"
Handler = Callable[[Any, Mapping[str, Any], Mapping[str, Any] | None], None]
HANDLERS: dict[str, Handler] = {}


def on(*names: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = function
        return function

    return register


@job(PUBLISH_JOB, retries=3, retry_delay=60, retry_backoff=2)
def publish(ctx: JobContext, name: str, subject: dict[str, Any], doer: dict[str, Any] | None) -> None:
    """Send what ``name`` means for other servers (see the module doc)."""
    handler = HANDLERS.get(name)
    if handler is not None:
        handler(ctx, subject, doer)


def base_url(ctx: Any) -> str:
    return ctx.registry.settings["mobilizon.base_url"]


def _ours(ctx: Any, url: str | None) -> bool:
    return bool(url) and is_local(url or "", ctx.registry.settings)


def _actor(ctx: Any, subject: Mapping[str, Any] | None) -> Actor | None:
    if not subject or not subject.get("id"):
        return None
    return ctx.dbsession.get(Actor, subject["id"])


# --- events ---------------------------------------------------------------------------------------


def _event(ctx: Any, subject: Mapping[str, Any]) -> Any:
    from mobilizon.events.models import Event

    return ctx.dbsession.get(Event, subject.get("id"))


def event_document(ctx: Any, event: Any) -> dict[str, Any]:
    from mobilizon.events.services import seats
    from mobilizon.federation.remote import going

    counted = seats(ctx.dbsession, event)
    return converters.event_object(
        event, base_url(ctx), going=going(ctx.dbsession, event), remaining=counted.remaining
    )


def event_audience(ctx: Any, event: Any) -> list[str]:
    """The organiser's and the group's followers, remote participants and members, and every
    server the event went to before."""
    group = event.attributed_to
    inboxes = follower_inboxes(ctx.dbsession, [event.organizer_actor_id, group.id if group else 0])
    inboxes += participant_inboxes(ctx.dbsession, event.id)
    inboxes += member_inboxes(ctx.dbsession, group.id if group else None, shared=True)
    inboxes += recorded_inboxes(ctx.dbsession, event.url)
    return inboxes


def _federated(event: Any) -> bool:
    return event is not None and event.local and not event.draft and event.visibility != "private"


def send_event(ctx: Any, event: Any, kind: str) -> None:
    document = event_document(ctx, event)
    activity_id = f"{event.url}/activity" if kind == "Create" else activities.new_id(base_url(ctx))
    activity = activities.build(kind, event.organizer, document, activity_id=activity_id)
    send(ctx, event.organizer, activity, event_audience(ctx, event), object_url=event.url)


@on("event.published")
def event_published(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    event = _event(ctx, subject)
    if not _federated(event):
        return
    send_event(ctx, event, "Create")
    group = event.attributed_to
    if group is not None and group.local:
        announce(ctx, group, event.url, follower_inboxes(ctx.dbsession, [group.id]), event.visibility)
    if event.visibility == "public":
        relay = instance_actor(ctx.dbsession, ctx.registry.settings)
        announce(ctx, relay, event.url, follower_inboxes(ctx.dbsession, [relay.id]), "public")


def announce(ctx: Any, by: Actor, object_url: str, inboxes: list[str], visibility: str) -> None:
    """``by`` (a group, the instance) re-broadcasts public content to its own followers."""
    if not inboxes:
        return
    followers = [by.followers_url] if by.followers_url else []
    activity = activities.build(
        "Announce",
        by,
        object_url,
        activity_id=f"{object_url}/announces/{by.id}",
        **converters.addressing(visibility, followers),
    )
    send(ctx, by, activity, inboxes, object_url=object_url)


@on("event.updated", "event.cancelled")
def event_updated(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    event = _event(ctx, subject)
    if _federated(event):
        send_event(ctx, event, "Update")


@on("event.deleted")
def event_deleted(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    url = subject.get("url")
    if not _ours(ctx, url) or subject.get("draft"):
        return
    organizer = _actor(ctx, doer) or instance_actor(ctx.dbsession, ctx.registry.settings)
    inboxes = recorded_inboxes(ctx.dbsession, url) + follower_inboxes(ctx.dbsession, [organizer.id])
    delete(ctx, organizer, url, "Event", inboxes)


def delete(ctx: Any, by: Actor, url: str, former_type: str, inboxes: list[str]) -> None:
    activity = activities.build(
        "Delete",
        by,
        converters.tombstone(url, former_type),
        activity_id=f"{url}/delete",
        to=[AS_PUBLIC],
        cc=[by.followers_url] if by.followers_url else [],
    )
    send(ctx, by, activity, inboxes, object_url=url)


# --- participations -------------------------------------------------------------------------------


def _participant(ctx: Any, subject: Mapping[str, Any]) -> Any:
    from mobilizon.events.models import Participant

    return ctx.dbsession.get(Participant, subject.get("id"))


def _event_inboxes(event: Any) -> list[str | None]:
    """Where a remote event's own server listens: its organiser, and its group."""
    return [inbox_of(event.organizer), inbox_of(event.attributed_to)]


@on("participation.joined")
def participation_joined(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    participant = _participant(ctx, subject)
    if participant is None or participant.actor is None or participant.event.local:
        return
    profile, event = participant.actor, participant.event
    if not profile.local:
        return
    if participant.role == "participant":
        participant.role = "not_approved"  # until the event's own server says yes
    join_id = f"{base_url(ctx)}/join/event/{participant.id}/{secrets.token_hex(4)}"
    activity = activities.build(
        "Join",
        profile,
        event.url,
        activity_id=join_id,
        to=[event.organizer.url],
        cc=[],
        participationMessage=participant.message or None,
    )
    send(ctx, profile, activity, _event_inboxes(event), object_url=event.url)


@on("participation.left")
def participation_left(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    from mobilizon.events.models import Event

    event = ctx.dbsession.get(Event, (subject.get("event") or {}).get("id"))
    if event is None or event.local:
        return
    profile = _actor(ctx, doer) or _joined_by(ctx, subject.get("id"), event.url)
    if profile is None or not profile.local:
        return
    activity = activities.build(
        "Leave",
        profile,
        event.url,
        activity_id=activities.new_id(base_url(ctx)),
        to=[event.organizer.url],
        cc=[],
    )
    send(ctx, profile, activity, _event_inboxes(event), object_url=event.url)


def _joined_by(ctx: Any, participant_id: Any, event_url: str) -> Actor | None:
    """The profile whose Join we sent for this participation (the subject may not say)."""
    prefix = f"{base_url(ctx)}/join/event/{participant_id}/"
    row = ctx.dbsession.scalar(
        select(Activity)
        .where(Activity.direction == "out", Activity.type == "Join", Activity.object_url == event_url)
        .where(Activity.ap_id.startswith(prefix, autoescape=True))
        .order_by(Activity.id.desc())
        .limit(1)
    )
    return known_actor(ctx.dbsession, row.actor_url) if row is not None else None


@on("participation.approved", "participation.rejected")
def participation_answered(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    participant = _participant(ctx, subject)
    if participant is None or participant.actor is None or participant.actor.local:
        return
    event = participant.event
    if not event.local:
        return
    kind = "Accept" if participant.role == "participant" else "Reject"
    join = activities.latest(
        ctx.dbsession, "in", "Join", actor_url=participant.actor.url, object_url=event.url
    )
    original = join.payload if join is not None else {"type": "Join", "actor": participant.actor.url}
    original = {**original, "object": event.url}
    _answer(ctx, kind, event.organizer, original, participant.actor)


def _answer(ctx: Any, kind: str, by: Actor, original: Mapping[str, Any], to: Actor) -> None:
    from mobilizon.federation.incoming import answer

    answer(ctx, kind, by, original, to)


# --- comments -------------------------------------------------------------------------------------


def _comment(ctx: Any, subject: Mapping[str, Any]) -> Any:
    from mobilizon.events.models import Comment

    return ctx.dbsession.get(Comment, subject.get("id"))


def comment_audience(ctx: Any, comment: Any) -> list[str | None]:
    event = comment.event
    inboxes: list[str | None] = list(event_audience(ctx, event)) if event.local else _event_inboxes(event)
    parent = comment.in_reply_to
    if parent is not None:
        inboxes.append(inbox_of(parent.actor))
    inboxes.extend(recorded_inboxes(ctx.dbsession, comment.url))
    return inboxes


@on("comment.created", "comment.updated", "comment.deleted")
def comment_changed(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    comment = _comment(ctx, subject)
    if comment is None or not comment.local or comment.actor is None or not comment.actor.local:
        return
    event = comment.event
    if event.draft or event.visibility == "private":
        return
    author = comment.actor
    if comment.deleted:
        delete(ctx, author, comment.url, "Note", comment_audience(ctx, comment))
        return
    kind = "Create" if _first_time(ctx, comment) else "Update"
    activity_id = f"{comment.url}/activity" if kind == "Create" else activities.new_id(base_url(ctx))
    activity = activities.build(kind, author, converters.comment_object(comment), activity_id=activity_id)
    send(ctx, author, activity, comment_audience(ctx, comment), object_url=comment.url)


def _first_time(ctx: Any, comment: Any) -> bool:
    return activities.find(ctx.dbsession, f"{comment.url}/activity") is None


# --- memberships ----------------------------------------------------------------------------------


def _member(ctx: Any, subject: Mapping[str, Any]) -> Any:
    from mobilizon.groups.models import Member

    return ctx.dbsession.get(Member, subject.get("id"))


@on("member.invited")
def member_invited(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    member = _member(ctx, subject)
    if member is None or member.role != "invited" or not member.group.local or member.actor.local:
        return
    inviter = _actor(ctx, doer) or member.group
    invitee = member.actor
    activity = activities.build(
        "Invite",
        inviter,
        member.group.url,
        activity_id=converters.member_url(base_url(ctx), member.id),
        target=invitee.url,
        to=[invitee.url],
        cc=[member.group.url],
    )
    send(ctx, inviter, activity, [invitee.inbox_url], object_url=invitee.url)


def _invitation(ctx: Any, profile: Actor, group_url: str) -> Activity | None:
    """The Invite we received for ``profile`` into the remote group at ``group_url``."""
    rows = ctx.dbsession.scalars(
        select(Activity)
        .where(Activity.direction == "in", Activity.type == "Invite", Activity.object_url == profile.url)
        .order_by(Activity.id.desc())
    )
    return next((row for row in rows if first_id(row.payload.get("object")) == group_url), None)


def _answer_invitation(ctx: Any, kind: str, profile: Actor, group: Actor) -> None:
    invitation = _invitation(ctx, profile, group.url)
    if invitation is None:
        return
    base = base_url(ctx)
    activity = activities.build(
        kind,
        profile,
        invitation.ap_id,
        activity_id=activities.new_id(base),
        to=[group.url],
        cc=[],
    )
    send(ctx, profile, activity, [group.inbox_url], object_url=group.url)


@on("member.joined")
def member_joined(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    member = _member(ctx, subject)
    if member is None or member.group.local or not member.actor.local:
        return
    _answer_invitation(ctx, "Accept", member.actor, member.group)


@on("member.invitation_declined")
def invitation_declined(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    profile = _actor(ctx, doer)
    group = known_actor(ctx.dbsession, (subject.get("group") or {}).get("url"))
    if profile is None or group is None or group.local or not profile.local:
        return
    _answer_invitation(ctx, "Reject", profile, group)


@on("member.approved", "member.rejected")
def member_answered(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    member = _member(ctx, subject)
    if member is None or not member.group.local or member.actor.local:
        return
    join = activities.latest(
        ctx.dbsession, "in", "Join", actor_url=member.actor.url, object_url=member.group.url
    )
    original = join.payload if join is not None else {"type": "Join", "actor": member.actor.url}
    original = {**original, "object": member.group.url}
    kind = "Accept" if member.role == "member" else "Reject"
    _answer(ctx, kind, member.group, original, member.actor)


@on("member.excluded", "member.removed")
def member_removed(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    group = known_actor(ctx.dbsession, (subject.get("group") or {}).get("url"))
    removed = _actor(ctx, subject.get("actor"))
    if group is None or removed is None or not group.local or removed.local:
        return
    by = _actor(ctx, doer) or group
    activity = activities.build(
        "Remove",
        by,
        converters.member_url(base_url(ctx), subject.get("id") or 0),
        activity_id=activities.new_id(base_url(ctx)),
        origin=group.url,
        to=[removed.url],
        cc=[group.url],
    )
    send(ctx, by, activity, [removed.inbox_url], object_url=group.url)


# --- groups and their content ---------------------------------------------------------------------


def group_audience(ctx: Any, group: Actor, public: bool) -> list[str]:
    """Public content: followers and members (shared inboxes); members-only: members' own."""
    if not public:
        return member_inboxes(ctx.dbsession, group.id, shared=False)
    return follower_inboxes(ctx.dbsession, [group.id]) + member_inboxes(ctx.dbsession, group.id, shared=True)


@on("group.updated")
def group_updated(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    from mobilizon.identities.activitypub import actor_document

    group = _actor(ctx, subject)
    if group is None or not group.local:
        return
    document = actor_document(group, base_url(ctx))
    document.pop("@context", None)
    activity = activities.build(
        "Update", group, document, activity_id=activities.new_id(base_url(ctx)), to=[AS_PUBLIC], cc=[]
    )
    send(ctx, group, activity, group_audience(ctx, group, True), object_url=group.url)


@on("group.deleted")
def group_deleted(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    url = subject.get("url")
    if not _ours(ctx, url):
        return
    relay = instance_actor(ctx.dbsession, ctx.registry.settings)
    inboxes: list[str] = []
    for recipients in ctx.dbsession.scalars(
        select(Activity.recipients).where(Activity.actor_url == url, Activity.direction == "out")
    ):
        inboxes.extend(recipients or [])
    delete(ctx, relay, url, "Group", inboxes)


@on("post.published")
def post_published(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    from mobilizon.groups.models import Post

    post = ctx.dbsession.get(Post, subject.get("id"))
    if post is None or post.draft or not post.group.local:
        return
    author = post.author if post.author is not None and post.author.local else post.group
    activity = activities.build(
        "Create", author, converters.post_object(post), activity_id=f"{post.url}/activity"
    )
    send(
        ctx,
        author,
        activity,
        group_audience(ctx, post.group, post.visibility == "public"),
        object_url=post.url,
    )


def _send_discussion_note(ctx: Any, comment: Any) -> None:
    group = comment.discussion.group
    author = comment.actor if comment.actor is not None and comment.actor.local else group
    activity = activities.build(
        "Create", author, converters.discussion_note(comment), activity_id=f"{comment.url}/activity"
    )
    send(ctx, author, activity, group_audience(ctx, group, False), object_url=comment.url)


@on("discussion.created")
def discussion_created(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    from mobilizon.groups.models import Discussion

    discussion = ctx.dbsession.get(Discussion, subject.get("id"))
    if discussion is None or not discussion.group.local or not discussion.comments:
        return
    if member_inboxes(ctx.dbsession, discussion.group_id):
        _send_discussion_note(ctx, discussion.comments[0])


@on("discussion.commented")
def discussion_commented(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    from mobilizon.groups.models import GroupComment

    comment = ctx.dbsession.get(GroupComment, subject.get("id"))
    if comment is None or not comment.discussion.group.local:
        return
    if member_inboxes(ctx.dbsession, comment.discussion.group_id):
        _send_discussion_note(ctx, comment)


@on("discussion.deleted")
def discussion_deleted(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    group = known_actor(ctx.dbsession, (subject.get("group") or {}).get("url"))
    url = subject.get("url")
    if group is None or not group.local or not url:
        return
    inboxes = member_inboxes(ctx.dbsession, group.id)
    if inboxes:
        delete(ctx, group, url, "Note", inboxes)


@on("resource.created")
def resource_created(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    from mobilizon.groups.models import Resource

    resource = ctx.dbsession.get(Resource, subject.get("id"))
    if resource is None or not resource.group.local:
        return
    inboxes = member_inboxes(ctx.dbsession, resource.group_id)
    if not inboxes:
        return
    author = resource.creator if resource.creator is not None and resource.creator.local else resource.group
    activity = activities.build(
        "Create", author, converters.resource_object(resource), activity_id=f"{resource.url}/activity"
    )
    send(ctx, author, activity, inboxes, object_url=resource.url)


@on("resource.deleted")
def resource_deleted(ctx: Any, subject: Mapping[str, Any], doer: Mapping[str, Any] | None) -> None:
    group = known_actor(ctx.dbsession, (subject.get("group") or {}).get("url"))
    if group is None or not group.local:
        return
    url = f"{group.url}/resources/{subject.get('uuid')}"
    inboxes = member_inboxes(ctx.dbsession, group.id)
    if inboxes:
        delete(ctx, group, url, "Document", inboxes)
