"""Posts: the group's blog, written by its moderators and signed by the group.

A post is a draft or published, public or for members only. The profile that wrote it is
recorded for the members' eyes: the public sees the group as the author. The body is rich text
cleaned by the same sanitiser as event descriptions.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mobilizon.errors import Invalid, NotFound
from mobilizon.events.sanitize import clean_html
from mobilizon.groups import services
from mobilizon.groups.discussions import clean_title, parse_uuid
from mobilizon.groups.models import POST_VISIBILITIES, Post
from mobilizon.i18n import _
from mobilizon.identities.media import MediaStore, process_image
from mobilizon.identities.models import Actor
from mobilizon.lifecycle import fire
from mobilizon.models.meta import utcnow

BODY_MAX = 200_000
PICTURE_SIZE = (1200, 800)


def can_read_private(dbsession: Session, group: Actor, profile: Actor | None) -> bool:
    return services.can(services.role_of(dbsession, group, profile), "post.read_private")


def list_posts(
    dbsession: Session, group: Actor, profile: Actor | None, offset: int = 0, limit: int = 20
) -> tuple[list[Post], int]:
    """Members see every post, drafts included; everyone else the published public ones."""
    query = select(Post).where(Post.group_id == group.id)
    if not can_read_private(dbsession, group, profile):
        query = query.where(Post.draft.is_(False), Post.visibility == "public")
    total = dbsession.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = dbsession.scalars(
        query.order_by(Post.draft.desc(), Post.published_at.desc(), Post.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), total


def get_post(dbsession: Session, group: Actor, profile: Actor | None, post_uuid: Any) -> Post:
    parsed = parse_uuid(post_uuid)
    post = (
        dbsession.scalar(select(Post).where(Post.uuid == parsed, Post.group_id == group.id))
        if parsed
        else None
    )
    if post is None:
        raise NotFound(_("There is no such post in this group."))
    if post.draft or post.visibility != "public":
        services.require(dbsession, group, profile, "post.read_private")
    return post


def clean_post_values(values: Mapping[str, Any], creating: bool) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    if "title" in values or creating:
        try:
            clean["title"] = clean_title(values.get("title"))
        except Invalid as error:
            errors.update(error.fields)
    if "body" in values or creating:
        raw = str(values.get("body") or "")
        if len(raw) > BODY_MAX:
            errors["body"] = _("At most %(max)s characters.", mapping={"max": BODY_MAX})
        clean["body"] = clean_html(raw)
    if "visibility" in values or creating:
        visibility = values.get("visibility") or "public"
        if visibility not in POST_VISIBILITIES:
            errors["visibility"] = _(
                "Choose one of: %(choices)s.", mapping={"choices": ", ".join(POST_VISIBILITIES)}
            )
        clean["visibility"] = visibility
    if "draft" in values or creating:
        clean["draft"] = bool(values.get("draft", False))
    if errors:
        raise Invalid(_("Some values are not valid."), fields=errors)
    return clean


def create_post(ctx: Any, group: Actor, profile: Actor, values: Mapping[str, Any]) -> Post:
    services.require(ctx.dbsession, group, profile, "post.create")
    clean = clean_post_values(values, creating=True)
    post_uuid = uuid_module.uuid4()
    post = Post(
        uuid=post_uuid,
        url=f"{group.url}/p/{post_uuid}",
        group_id=group.id,
        author_id=profile.id,
        title=clean["title"],
        body=clean["body"],
        visibility=clean["visibility"],
        draft=clean["draft"],
        published_at=None if clean["draft"] else utcnow(),
    )
    ctx.dbsession.add(post)
    ctx.dbsession.flush()
    if not post.draft:
        fire(ctx, "post.published", post_subject(post), services.actor_subject(group))
    return post


def update_post(ctx: Any, group: Actor, profile: Actor, post_uuid: Any, values: Mapping[str, Any]) -> Post:
    post = get_post(ctx.dbsession, group, profile, post_uuid)
    services.require(ctx.dbsession, group, profile, "post.update")
    clean = clean_post_values(values, creating=False)
    publishing = clean.get("draft") is False and post.draft
    for name, value in clean.items():
        setattr(post, name, value)
    if publishing:
        post.published_at = utcnow()
    post.updated_at = utcnow()
    ctx.dbsession.flush()
    if publishing:
        fire(ctx, "post.published", post_subject(post), services.actor_subject(group))
    return post


def delete_post(
    ctx: Any, group: Actor, profile: Actor, post_uuid: Any, media: MediaStore | None = None
) -> None:
    post = get_post(ctx.dbsession, group, profile, post_uuid)
    services.require(ctx.dbsession, group, profile, "post.delete")
    picture = post.picture_url
    ctx.dbsession.delete(post)
    ctx.dbsession.flush()
    if media is not None:
        media.delete_after(ctx.tm, on_commit=picture)


def set_picture(
    ctx: Any, media: MediaStore, group: Actor, profile: Actor, post_uuid: Any, data: bytes
) -> Post:
    post = get_post(ctx.dbsession, group, profile, post_uuid)
    services.require(ctx.dbsession, group, profile, "post.update")
    image = process_image(data, PICTURE_SIZE)
    previous = post.picture_url
    post.picture_url = media.save(image)
    media.delete_after(ctx.tm, on_commit=previous, on_abort=post.picture_url)
    ctx.dbsession.flush()
    return post


def remove_picture(ctx: Any, media: MediaStore, group: Actor, profile: Actor, post_uuid: Any) -> Post:
    post = get_post(ctx.dbsession, group, profile, post_uuid)
    services.require(ctx.dbsession, group, profile, "post.update")
    previous, post.picture_url = post.picture_url, None
    media.delete_after(ctx.tm, on_commit=previous)
    ctx.dbsession.flush()
    return post


def post_subject(post: Post) -> dict[str, Any]:
    return {
        "type": "post",
        "id": post.id,
        "uuid": str(post.uuid),
        "url": post.url,
        "title": post.title,
        "visibility": post.visibility,
        "group": services.group_subject(post.group),
    }
