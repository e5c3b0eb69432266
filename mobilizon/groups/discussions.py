"""Discussions: titled threads inside a group, for its members only.

Members start discussions, comment, reply, and edit or delete their own comments; moderators
rename discussions, delete them, and delete anyone's comment. A deleted comment keeps its place
(the replies stay readable) with its text emptied. Permissions come from ``services.require``.
"""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobilizon.errors import Forbidden, Invalid, NotFound
from mobilizon.events.sanitize import clean_html
from mobilizon.groups import services
from mobilizon.groups.models import Discussion, GroupComment
from mobilizon.i18n import _
from mobilizon.identities.models import Actor
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow

TITLE_MAX = 200
TEXT_MAX = 50_000


def parse_uuid(value: Any) -> uuid_module.UUID | None:
    if isinstance(value, uuid_module.UUID):
        return value
    try:
        return uuid_module.UUID(str(value or ""))
    except ValueError:
        return None


def clean_title(value: Any, field: str = "title") -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise Invalid(_("Give a title."), fields={field: _("A title is needed.")})
    if len(title) > TITLE_MAX:
        raise Invalid(
            _("A title has at most %(max)s characters.", mapping={"max": TITLE_MAX}),
            fields={field: _("At most %(max)s characters.", mapping={"max": TITLE_MAX})},
        )
    return title


def clean_text(value: Any, field: str = "text") -> str:
    raw = str(value or "")
    if len(raw) > TEXT_MAX:
        raise Invalid(
            _("A comment has at most %(max)s characters.", mapping={"max": TEXT_MAX}),
            fields={field: _("At most %(max)s characters.", mapping={"max": TEXT_MAX})},
        )
    text = clean_html(raw)
    if not text:
        raise Invalid(_("Write something first."), fields={field: _("The text is empty.")})
    return text


def list_discussions(dbsession: Session, group: Actor, profile: Actor | None) -> list[Discussion]:
    """The group's discussions, the most recently active first."""
    services.require(dbsession, group, profile, "discussion.read")
    return list(
        dbsession.scalars(
            select(Discussion)
            .where(Discussion.group_id == group.id)
            .order_by(Discussion.last_comment_at.desc(), Discussion.id.desc())
        )
    )


def comment_count(dbsession: Session, discussion: Discussion) -> int:
    return (
        dbsession.scalar(
            select(func.count(GroupComment.id)).where(
                GroupComment.discussion_id == discussion.id, GroupComment.deleted_at.is_(None)
            )
        )
        or 0
    )


def get_discussion(
    dbsession: Session, group: Actor, profile: Actor | None, discussion_uuid: Any
) -> Discussion:
    services.require(dbsession, group, profile, "discussion.read")
    parsed = parse_uuid(discussion_uuid)
    discussion = (
        dbsession.scalar(select(Discussion).where(Discussion.uuid == parsed, Discussion.group_id == group.id))
        if parsed
        else None
    )
    if discussion is None:
        raise NotFound(_("There is no such discussion in this group."))
    return discussion


def create_discussion(ctx: Any, group: Actor, profile: Actor, title: Any, text: Any) -> Discussion:
    """A new discussion with its first comment."""
    services.require(ctx.dbsession, group, profile, "discussion.create")
    errors: dict[str, Any] = {}
    clean: dict[str, str] = {}
    for name, cleaner in (("title", clean_title), ("text", clean_text)):
        try:
            clean[name] = cleaner(title if name == "title" else text)
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(_("Some values are not valid."), fields=errors)
    discussion_uuid = uuid_module.uuid4()
    discussion = Discussion(
        uuid=discussion_uuid,
        url=f"{group.url}/c/{discussion_uuid}",
        group_id=group.id,
        creator_id=profile.id,
        title=clean["title"],
        last_comment_at=utcnow(),
    )
    ctx.dbsession.add(discussion)
    ctx.dbsession.flush()
    _add_comment(ctx.dbsession, discussion, profile, clean["text"], None)
    fire(ctx, "discussion.created", discussion_subject(discussion), services.actor_subject(profile))
    return discussion


def rename_discussion(ctx: Any, group: Actor, profile: Actor, discussion_uuid: Any, title: Any) -> Discussion:
    discussion = get_discussion(ctx.dbsession, group, profile, discussion_uuid)
    services.require(ctx.dbsession, group, profile, "discussion.rename")
    discussion.title = clean_title(title)
    ctx.dbsession.flush()
    return discussion


def delete_discussion(ctx: Any, group: Actor, profile: Actor, discussion_uuid: Any) -> None:
    discussion = get_discussion(ctx.dbsession, group, profile, discussion_uuid)
    services.require(ctx.dbsession, group, profile, "discussion.delete")
    subject = discussion_subject(discussion)
    ctx.dbsession.delete(discussion)
    ctx.dbsession.flush()
    fire(ctx, "discussion.deleted", subject, services.actor_subject(profile))


def _add_comment(
    dbsession: Session, discussion: Discussion, profile: Actor, text: str, parent: GroupComment | None
) -> GroupComment:
    comment_uuid = uuid_module.uuid4()
    comment = GroupComment(
        uuid=comment_uuid,
        url=f"{discussion.url}#comment-{comment_uuid}",
        discussion_id=discussion.id,
        actor_id=profile.id,
        in_reply_to_id=parent.id if parent else None,
        text=text,
    )
    dbsession.add(comment)
    discussion.last_comment_at = utcnow()
    dbsession.flush()
    return comment


def find_comment(dbsession: Session, discussion: Discussion, comment_uuid: Any) -> GroupComment:
    parsed = parse_uuid(comment_uuid)
    comment = (
        dbsession.scalar(
            select(GroupComment).where(
                GroupComment.uuid == parsed, GroupComment.discussion_id == discussion.id
            )
        )
        if parsed
        else None
    )
    if comment is None:
        raise NotFound(_("There is no such comment in this discussion."))
    return comment


def add_comment(
    ctx: Any, group: Actor, profile: Actor, discussion_uuid: Any, text: Any, in_reply_to: Any = None
) -> GroupComment:
    """A comment, or a reply to one (``in_reply_to``: the answered comment's uuid)."""
    discussion = get_discussion(ctx.dbsession, group, profile, discussion_uuid)
    services.require(ctx.dbsession, group, profile, "discussion.comment")
    parent = None
    if in_reply_to:
        try:
            parent = find_comment(ctx.dbsession, discussion, in_reply_to)
        except NotFound:
            raise Invalid(
                _("The comment you reply to is not in this discussion."),
                fields={"in_reply_to": _("Not a comment of this discussion.")},
            ) from None
    comment = _add_comment(ctx.dbsession, discussion, profile, clean_text(text), parent)
    fire(ctx, "discussion.commented", comment_subject(comment), services.actor_subject(profile))
    return comment


def edit_comment(
    ctx: Any, group: Actor, profile: Actor, discussion_uuid: Any, comment_uuid: Any, text: Any
) -> GroupComment:
    """Only its author changes a comment's words."""
    discussion = get_discussion(ctx.dbsession, group, profile, discussion_uuid)
    services.require(ctx.dbsession, group, profile, "discussion.comment")
    comment = find_comment(ctx.dbsession, discussion, comment_uuid)
    if comment.deleted:
        raise NotFound(_("This comment has been deleted."))
    if comment.actor_id != profile.id:
        raise Forbidden(_("Only its author can edit a comment."))
    comment.text = clean_text(text)
    comment.edited_at = utcnow()
    ctx.dbsession.flush()
    return comment


def delete_comment(
    ctx: Any, group: Actor, profile: Actor, discussion_uuid: Any, comment_uuid: Any
) -> GroupComment:
    """Its author, or a moderator, deletes a comment; its place in the thread stays."""
    discussion = get_discussion(ctx.dbsession, group, profile, discussion_uuid)
    comment = find_comment(ctx.dbsession, discussion, comment_uuid)
    own = comment.actor_id == profile.id
    services.require(ctx.dbsession, group, profile, "discussion.comment" if own else "comment.moderate")
    if not comment.deleted:
        comment.text = ""
        comment.deleted_at = utcnow()
        ctx.dbsession.flush()
    return comment


def discussion_subject(discussion: Discussion) -> dict[str, Any]:
    return {
        "type": "discussion",
        "id": discussion.id,
        "uuid": str(discussion.uuid),
        "url": discussion.url,
        "title": discussion.title,
        "group": services.group_subject(discussion.group),
    }


def comment_subject(comment: GroupComment) -> dict[str, Any]:
    return {
        "type": "group_comment",
        "id": comment.id,
        "uuid": str(comment.uuid),
        "url": comment.url,
        "discussion": discussion_subject(comment.discussion),
    }
