"""Remote objects in our tables: events, comments, participations, memberships and follows
that other servers own, written with the same rules as the local ones.

The events services validate remote events (``validate``: same limits, same HTML cleaning as a
form) and their helpers decide seats (``check_joinable``, ``lock_event``, ``seats_taken``), so a
rule holds whichever door a change came in by; these functions only do what those services,
written for signed-in accounts, cannot: act for a remote actor. Every change fires the same
lifecycle names as a local one; the outgoing listener knows the object is not ours and stays
quiet, while notifications and plugins still hear of it.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from mobilizon.errors import Conflict, Invalid
from mobilizon.events.models import Comment, Event, Participant, Tag
from mobilizon.events.sanitize import clean_html, plain_text
from mobilizon.federation.converters import event_extras, event_values
from mobilizon.identities.models import Actor
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow

COMMENT_MAX = 10_000
MESSAGE_MAX = 2000
SIMPLE = (
    "title", "description", "begins_on", "ends_on", "timezone", "status", "visibility",
    "join_mode", "capacity", "category", "online_address",
)  # fmt: skip
ADDRESS = {
    "description": "address_description",
    "street": "street",
    "locality": "locality",
    "postal_code": "postal_code",
    "region": "region",
    "country": "country",
    "lat": "lat",
    "lon": "lon",
}


class Ignored(Exception):
    """The activity is understood but changes nothing here; the message says why."""


def stable_uuid(url: str) -> uuid_module.UUID:
    """The same UUID for the same remote URL on every run: lookups and links stay stable."""
    return uuid_module.uuid5(uuid_module.NAMESPACE_URL, url)


# --- events ---------------------------------------------------------------------------------------


def find_event(dbsession: Any, url: str | None) -> Event | None:
    if not url:
        return None
    return dbsession.scalar(select(Event).where(Event.url == url))


def _tags(dbsession: Any, titles: list[str]) -> list[Tag]:
    rows = []
    for title in titles:
        slug = title.lower()
        tag = dbsession.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            tag = Tag(title=title, slug=slug)
            dbsession.add(tag)
            dbsession.flush()
        rows.append(tag)
    return rows


def _clean(document: Mapping[str, Any], default_zone: str) -> dict[str, Any]:
    from mobilizon.events.validation import validate

    try:
        return validate(event_values(document, default_zone))
    except Invalid as error:
        fields = ", ".join(f"{name}: {message}" for name, message in error.fields.items())
        raise Ignored(f"the event does not pass our rules ({fields})") from None


def _write(dbsession: Any, event: Event, clean: Mapping[str, Any], extras: Mapping[str, Any]) -> None:
    for name in SIMPLE:
        if name in clean:
            setattr(event, name, clean[name])
    address = clean.get("address") or {}
    for name, column in ADDRESS.items():
        setattr(event, column, address.get(name))
    options = clean.get("options") or {}
    event.anonymous_participation = bool(options.get("anonymous_participation"))
    event.comment_moderation = options.get("comments", "allow_all")
    event.tags = _tags(dbsession, clean.get("tags") or [])
    event.picture_url = extras.get("picture_url")


def store_event(
    ctx: Any, document: Mapping[str, Any], organizer: Actor, group: Actor | None
) -> tuple[Event, bool]:
    """Create or refresh a remote event; ``(event, created)``.

    An event already stored is changed only for its own organiser (or group): another origin
    never takes it over, and its group never changes.
    """
    url = document["id"]
    extras = event_extras(document)
    if extras["draft"]:
        raise Ignored("the event is a draft on its server")
    clean = _clean(document, ctx.registry.settings["mobilizon.default_timezone"])
    event = find_event(ctx.dbsession, url)
    if event is not None:
        check_event_owner(event, organizer, group)
        _write(ctx.dbsession, event, clean, extras)
        event.sequence += 1
        event.updated_at = utcnow()
        ctx.dbsession.flush()
        name = "event.cancelled" if event.status == "cancelled" else "event.updated"
        fire(ctx, name, _event_subject(event), _actor_subject(organizer))
        return event, False
    event = Event(
        uuid=stable_uuid(url),
        url=url,
        local=False,
        organizer=organizer,
        creator=organizer,
        attributed_to=group,
        draft=False,
        published_at=utcnow(),
    )
    ctx.dbsession.add(event)
    _write(ctx.dbsession, event, clean, extras)
    ctx.dbsession.flush()
    ctx.dbsession.add(Participant(event=event, actor=organizer, role="creator"))
    ctx.dbsession.flush()
    fire(ctx, "event.published", _event_subject(event), _actor_subject(organizer))
    return event, True


def check_event_owner(event: Event, organizer: Actor, group: Actor | None) -> None:
    """Only the organiser or the group of a remote event changes it, and never its group."""
    if event.local:
        raise Ignored("the event is ours: another server cannot change it")
    current_group = event.attributed_to.url if event.attributed_to is not None else None
    owners = {event.organizer.url if event.organizer is not None else None, current_group}
    if organizer.url not in owners and (group is None or group.url not in owners):
        raise Ignored("the event belongs to someone else")
    if group is not None and group.url != current_group:
        raise Ignored("an update cannot move an event to another group")


def delete_event(ctx: Any, event: Event, by: Actor) -> None:
    subject = _event_subject(event)
    ctx.dbsession.delete(event)
    ctx.dbsession.flush()
    fire(ctx, "event.deleted", subject, _actor_subject(by))


def _event_subject(event: Event) -> dict[str, Any]:
    from mobilizon.events.services import event_subject

    return event_subject(event)


def _actor_subject(actor: Actor | None) -> dict[str, Any] | None:
    from mobilizon.events.services import actor_subject

    return actor_subject(actor)


# --- participations -------------------------------------------------------------------------------


def participation(dbsession: Any, event: Event, actor: Actor) -> Participant | None:
    return dbsession.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.actor_id == actor.id)
    )


def join_local_event(ctx: Any, event: Event, actor: Actor, message: str | None) -> Participant:
    """A remote profile joins one of our events, under the same rules as a local one."""
    from mobilizon.events.participations import (
        check_joinable,
        lock_event,
        participation_subject,
        seats_taken,
    )

    existing = participation(ctx.dbsession, event, actor)
    if existing is not None:
        if existing.role == "rejected":
            raise Conflict("the organisers declined this participation", code="participation_rejected")
        return existing
    if not event.local:
        raise Ignored("the event is not ours: its own server takes participations")
    if event.visibility == "private":
        raise Conflict("a private event is joined by invitation of its organiser", code="event_private")
    check_joinable(event)
    role = "participant" if event.join_mode == "free" else "not_approved"
    lock_event(ctx.dbsession, event)
    if (
        role == "participant"
        and event.capacity is not None
        and seats_taken(ctx.dbsession, event) >= event.capacity
    ):
        raise Conflict("the event is full", code="event_full")
    participant = Participant(event=event, actor=actor, role=role, message=plain_text(message, MESSAGE_MAX))
    ctx.dbsession.add(participant)
    ctx.dbsession.flush()
    fire(ctx, "participation.joined", participation_subject(participant), _actor_subject(actor))
    return participant


def leave_event(ctx: Any, event: Event, actor: Actor) -> bool:
    from mobilizon.events.participations import participation_subject

    existing = participation(ctx.dbsession, event, actor)
    if existing is None or existing.role == "creator":
        return False
    subject = participation_subject(existing)
    ctx.dbsession.delete(existing)
    ctx.dbsession.flush()
    fire(ctx, "participation.left", subject, _actor_subject(actor))
    return True


def answer_participation(ctx: Any, participant: Participant, accepted: bool) -> None:
    """The organiser's server answered our profile's request to join its event."""
    from mobilizon.events.participations import participation_subject

    role = "participant" if accepted else "rejected"
    if participant.role == role or participant.role == "creator":
        return
    participant.role = role
    participant.updated_at = utcnow()
    ctx.dbsession.flush()
    fire(
        ctx,
        "participation.approved" if accepted else "participation.rejected",
        participation_subject(participant),
    )


def going(dbsession: Any, event: Event) -> int:
    from mobilizon.events.participations import count_going

    return count_going(dbsession, event)


# --- comments -------------------------------------------------------------------------------------


def find_comment(dbsession: Any, url: str | None) -> Comment | None:
    if not url:
        return None
    return dbsession.scalar(select(Comment).where(Comment.url == url))


def comment_html(content: str) -> str:
    text = clean_html(content)
    if not text:
        raise Ignored("the note has no text")
    if len(text) > COMMENT_MAX:
        raise Ignored(f"the note is longer than {COMMENT_MAX} characters")
    return text


def store_comment(
    ctx: Any, url: str, author: Actor, event: Event, parent: Comment | None, content: str
) -> tuple[Comment, bool]:
    """Create a remote comment (or change its text, for its own author); ``(comment, created)``."""
    from mobilizon.events.comments import comment_subject

    text = comment_html(content)
    existing = find_comment(ctx.dbsession, url)
    if existing is not None:
        if existing.local or existing.actor_id != author.id:
            raise Ignored("the comment belongs to someone else")
        if existing.deleted:
            raise Ignored("the comment was deleted")
        existing.text = text
        existing.updated_at = utcnow()
        ctx.dbsession.flush()
        fire(ctx, "comment.updated", comment_subject(existing), _actor_subject(author))
        return existing, False
    if event.draft:
        raise Ignored("the event is not published")
    if event.local and event.visibility == "private" and not _taking_part(ctx.dbsession, event, author):
        raise Ignored("only the participants of a private event comment on it")
    if event.local and event.comment_moderation == "closed":
        raise Ignored("the organisers closed the comments of this event")
    comment = Comment(
        uuid=stable_uuid(url),
        url=url,
        local=False,
        event=event,
        actor=author,
        in_reply_to=parent,
        origin_id=(parent.origin_id or parent.id) if parent is not None else None,
        text=text,
        approved=not (event.local and event.comment_moderation == "moderated"),
    )
    ctx.dbsession.add(comment)
    ctx.dbsession.flush()
    fire(ctx, "comment.created", comment_subject(comment), _actor_subject(author))
    return comment, True


def _taking_part(dbsession: Any, event: Event, actor: Actor) -> bool:
    from mobilizon.events.models import GOING_ROLES

    existing = participation(dbsession, event, actor)
    return existing is not None and existing.role in GOING_ROLES


def delete_comment(ctx: Any, comment: Comment) -> None:
    from mobilizon.events.comments import comment_subject

    if comment.deleted:
        return
    comment.text = ""
    comment.deleted_at = utcnow()
    ctx.dbsession.flush()
    fire(ctx, "comment.deleted", comment_subject(comment), _actor_subject(comment.actor))


# --- groups ---------------------------------------------------------------------------------------


def member_of(dbsession: Any, group: Actor, actor: Actor) -> Any:
    from mobilizon.groups.models import Member

    return dbsession.scalar(select(Member).where(Member.group_id == group.id, Member.actor_id == actor.id))


def _member_fire(ctx: Any, name: str, member: Any, by: Actor | None) -> None:
    from mobilizon.groups.services import actor_subject, member_subject

    fire(ctx, name, member_subject(member), actor_subject(by))


def invite_local(ctx: Any, group: Actor, invitee: Actor, inviter: Actor) -> Any:
    """A remote group invites one of our profiles: the profile accepts or declines later."""
    from mobilizon.groups.models import MEMBER_ROLES, Member

    member = member_of(ctx.dbsession, group, invitee)
    if member is not None and member.role in (*MEMBER_ROLES, "invited"):
        return member
    if member is None:
        member = Member(group_id=group.id, actor_id=invitee.id)
        ctx.dbsession.add(member)
    member.role = "invited"
    member.invited_by_id = inviter.id
    ctx.dbsession.flush()
    _member_fire(ctx, "member.invited", member, inviter)
    return member


def join_local_group(ctx: Any, group: Actor, actor: Actor, message: str | None) -> Any:
    """A remote profile joins (open) or asks to join (moderated) one of our groups."""
    from mobilizon.groups.models import MEMBER_ROLES, Member

    member = member_of(ctx.dbsession, group, actor)
    if member is not None:
        if member.role == "invited":
            member.role = "member"
            ctx.dbsession.flush()
            _member_fire(ctx, "member.joined", member, actor)
            return member
        if member.role in (*MEMBER_ROLES, "not_approved"):
            return member
        raise Conflict("the group's moderators declined this profile", code="rejected")
    if group.openness == "invite_only":
        raise Conflict("this group accepts members by invitation only", code="invite_only")
    role = "member" if group.openness == "open" else "not_approved"
    member = Member(group_id=group.id, actor_id=actor.id, role=role, message=plain_text(message, MESSAGE_MAX))
    ctx.dbsession.add(member)
    ctx.dbsession.flush()
    _member_fire(ctx, "member.joined" if role == "member" else "member.requested", member, actor)
    return member


def accept_invitation(ctx: Any, member: Any, accepted: bool) -> None:
    """The invited remote profile answered our group's invitation."""
    if member.role != "invited":
        return
    if accepted:
        member.role = "member"
        ctx.dbsession.flush()
        _member_fire(ctx, "member.joined", member, member.actor)
        return
    from mobilizon.groups.services import actor_subject, member_subject

    subject = member_subject(member)
    ctx.dbsession.delete(member)
    ctx.dbsession.flush()
    fire(ctx, "member.invitation_declined", subject, actor_subject(member.actor))


def leave_group(ctx: Any, group: Actor, actor: Actor) -> bool:
    from mobilizon.groups.services import actor_subject, member_subject

    member = member_of(ctx.dbsession, group, actor)
    if member is None or member.role == "rejected":
        return False
    subject = member_subject(member)
    ctx.dbsession.delete(member)
    ctx.dbsession.flush()
    fire(ctx, "member.left", subject, actor_subject(actor))
    return True


def following(dbsession: Any, target: Actor, actor: Actor) -> Any:
    from mobilizon.groups.models import Follower

    return dbsession.scalar(
        select(Follower).where(Follower.target_actor_id == target.id, Follower.actor_id == actor.id)
    )


def add_follower(ctx: Any, target: Actor, actor: Actor, approved: bool) -> Any:
    from mobilizon.groups.models import Follower

    follower = following(ctx.dbsession, target, actor)
    if follower is None:
        follower = Follower(target_actor_id=target.id, actor_id=actor.id, approved=approved, notify=False)
        ctx.dbsession.add(follower)
        ctx.dbsession.flush()
    return follower
