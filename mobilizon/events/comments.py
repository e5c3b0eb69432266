"""Comments under events: threads of replies, edited or deleted by their authors, moderated by
the organisers. There are no likes and no reaction counters, by design.

``options.comments`` of the event: ``allow_all`` (anyone with a profile who can see the event),
``moderated`` (comments of others wait until an organiser approves them) or ``closed`` (only
organisers still write). A deleted comment keeps its place in the thread with its text gone.
"""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from mobilizon.errors import Conflict, Forbidden, Invalid, NotFound
from mobilizon.events.models import Comment, Event, light_actor
from mobilizon.events.sanitize import clean_html
from mobilizon.events.services import (
    acting_profile,
    actor_subject,
    can_manage,
    event_subject,
    get_event,
    parse_uuid,
)
from mobilizon.i18n import _
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow

TEXT_MAX = 5000


def comment_url(settings: Any, comment_uuid: uuid_module.UUID) -> str:
    return f"{settings['mobilizon.base_url']}/comments/{comment_uuid}"


def _too_long() -> Invalid:
    return Invalid(
        _("A comment has at most ${max} characters.", mapping={"max": TEXT_MAX}),
        fields={"text": _("At most ${max} characters.", mapping={"max": TEXT_MAX})},
    )


def _text(value: str | None) -> str:
    raw = value or ""
    if len(raw) > TEXT_MAX * 2:
        raise _too_long()
    cleaned = clean_html(raw)
    if not cleaned:
        raise Invalid(_("Write something first."), fields={"text": _("Write something first.")})
    if len(cleaned) > TEXT_MAX * 2:
        raise _too_long()
    return cleaned


def visible_comments(
    dbsession: Session, user: Any, event: Event, offset: int = 0, limit: int = 500
) -> tuple[list[Comment], int]:
    """The event's comments in thread order (each thread's first comment, then its replies).

    Comments waiting for approval are shown to the organisers and to their author only.
    """
    where = [Comment.event_id == event.id]
    if not can_manage(dbsession, user, event):
        from mobilizon.identities.models import Actor

        own = select(Actor.id).where(Actor.user_id == (user.id if user is not None else -1))
        where.append(or_(Comment.approved.is_(True), Comment.actor_id.in_(own)))
    total = dbsession.scalar(select(func.count(Comment.id)).where(*where)) or 0
    thread = func.coalesce(Comment.origin_id, Comment.id)
    rows = dbsession.scalars(
        select(Comment)
        .where(*where)
        .order_by(thread, Comment.id)
        .offset(offset)
        .limit(limit)
        .options(joinedload(Comment.actor).options(*light_actor()))
    )
    return list(rows), total


def get_comment(dbsession: Session, user: Any, comment_uuid: Any) -> Comment:
    parsed = parse_uuid(comment_uuid)
    comment = dbsession.scalar(select(Comment).where(Comment.uuid == parsed)) if parsed else None
    if comment is None:
        raise NotFound(_("There is no such comment."))
    get_event(dbsession, user, comment.event.uuid)  # the event must be visible to the reader
    return comment


def create_comment(
    ctx: Any, user: Any, event_uuid: Any, text: str, in_reply_to: Any = None, identity: str | None = None
) -> Comment:
    """A new comment, or a reply (``in_reply_to``: the uuid of a comment of the same event)."""
    dbsession = ctx.dbsession
    event = get_event(dbsession, user, event_uuid)
    manager = can_manage(dbsession, user, event)
    # a group's draft is discussed by its members before publication; a personal draft is not
    if event.draft and event.attributed_to_id is None:
        raise Conflict(_("Comments open once the event is published."), code="event_draft")
    if event.comment_moderation == "closed" and not manager:
        raise Forbidden(_("The organisers closed the comments of this event."), code="comments_closed")
    profile = acting_profile(dbsession, user, identity)
    if profile.suspended:
        raise Forbidden(_("This profile is suspended."))
    parent = None
    if in_reply_to:
        parsed = parse_uuid(in_reply_to)
        parent = dbsession.scalar(select(Comment).where(Comment.uuid == parsed)) if parsed else None
        if parent is None or parent.event_id != event.id:
            raise Invalid(
                _("The comment you reply to is not under this event."),
                fields={"in_reply_to": _("There is no such comment under this event.")},
            )
        if parent.deleted:
            raise Conflict(_("This comment was deleted: it cannot be answered."), code="comment_deleted")
    comment_uuid = uuid_module.uuid4()
    comment = Comment(
        uuid=comment_uuid,
        url=comment_url(ctx.registry.settings, comment_uuid),
        event=event,
        actor=profile,
        in_reply_to=parent,
        origin_id=(parent.origin_id or parent.id) if parent is not None else None,
        text=_text(text),
        approved=manager or event.comment_moderation != "moderated",
    )
    dbsession.add(comment)
    dbsession.flush()
    fire(ctx, "comment.created", comment_subject(comment), actor_subject(profile))
    return comment


def _own(user: Any, comment: Comment) -> bool:
    return user is not None and comment.actor is not None and comment.actor.user_id == user.id


def update_comment(ctx: Any, user: Any, comment_uuid: Any, text: str) -> Comment:
    """Only the author edits a comment; a deleted one stays deleted."""
    comment = get_comment(ctx.dbsession, user, comment_uuid)
    if not _own(user, comment):
        raise Forbidden(_("Only its author can edit a comment."))
    if comment.deleted:
        raise Conflict(_("This comment was deleted."), code="comment_deleted")
    comment.text = _text(text)
    comment.updated_at = utcnow()
    ctx.dbsession.flush()
    fire(ctx, "comment.updated", comment_subject(comment), actor_subject(comment.actor))
    return comment


def approve_comment(ctx: Any, user: Any, comment_uuid: Any) -> Comment:
    comment = get_comment(ctx.dbsession, user, comment_uuid)
    if not can_manage(ctx.dbsession, user, comment.event):
        raise Forbidden(_("Only the organisers of this event can do this."))
    if not comment.approved:
        comment.approved = True
        ctx.dbsession.flush()
        fire(ctx, "comment.approved", comment_subject(comment), actor_subject(comment.actor))
    return comment


def delete_comment(ctx: Any, user: Any, comment_uuid: Any) -> Comment:
    """Its author or an organiser deletes it; the thread keeps its place ("This comment was deleted")."""
    comment = get_comment(ctx.dbsession, user, comment_uuid)
    if not _own(user, comment) and not can_manage(ctx.dbsession, user, comment.event):
        raise Forbidden(_("Only its author or the organisers can delete a comment."))
    if not comment.deleted:
        comment.text = ""
        comment.deleted_at = utcnow()
        ctx.dbsession.flush()
        fire(ctx, "comment.deleted", comment_subject(comment), actor_subject(comment.actor))
    return comment


def set_comment_mode(ctx: Any, user: Any, event_uuid: Any, mode: str) -> Event:
    """Open, moderate or close the comments (organisers)."""
    from mobilizon.events.services import update_event

    return update_event(ctx, user, event_uuid, {"options": {"comments": mode}})


def count_local_comments(dbsession: Session) -> int:
    """NodeInfo's ``localComments``."""
    return (
        dbsession.scalar(
            select(func.count(Comment.id)).where(Comment.local.is_(True), Comment.deleted_at.is_(None))
        )
        or 0
    )


def comment_subject(comment: Comment) -> dict[str, Any]:
    return {
        "type": "comment",
        "id": comment.id,
        "uuid": str(comment.uuid),
        "url": comment.url,
        "in_reply_to": str(comment.in_reply_to.uuid) if comment.in_reply_to is not None else None,
        "event": event_subject(comment.event),
    }
