"""HTML pages of a group's members' area: discussions, posts, resources and events.

Same rules as ``views``: thin views over the services, forms shown again with their messages
when refused, buttons refused on the themed error page. Plugin resource types (pads, polls)
are created here ("New pad" on the resources page, a name already filled in, Create) and then
live on their plugin's own pages.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.errors import Forbidden, ServiceError
from mobilizon.groups import discussions, group_events, posts, resources, services
from mobilizon.groups.models import Resource
from mobilizon.groups.views import (
    acting,
    collection,
    flash,
    form_error,
    group_context,
    render,
    text,
    the_group,
    to_group,
    viewer,
)
from mobilizon.i18n import _
from mobilizon.identities.activitypub import wants_activity_json
from mobilizon.identities.models import Actor
from mobilizon.models.meta import utcnow

# --- discussions ------------------------------------------------------------------------------


@view_config(route_name="group_discussions", request_method=("GET", "HEAD"))
def discussion_list(request: Request) -> Response:
    group = the_group(request)
    if wants_activity_json(request.headers.get("Accept")):
        return collection(request, group, "discussions")
    profile = acting(request)
    context = group_context(request, group, profile)
    rows = discussions.list_discussions(request.dbsession, group, profile)
    context["discussions"] = [(d, discussions.comment_count(request.dbsession, d)) for d in rows]
    return render(request, "groups/discussions.jinja2", context)


@view_config(route_name="group_discussion_new", request_method=("GET", "POST"))
def discussion_new(request: Request) -> Response:
    group = the_group(request)
    profile = acting(request)
    services.require(request.dbsession, group, profile, "discussion.create")
    context = group_context(request, group, profile)
    context.update(values={"title": "", "text": ""}, errors={}, message="")
    if request.method == "POST":
        context["values"] = {"title": text(request, "title"), "text": text(request, "text")}
        try:
            discussion = discussions.create_discussion(
                request, group, profile, context["values"]["title"], context["values"]["text"]
            )
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/discussion_new.jinja2", context, error.status)
        return to_group(request, group, "group_discussion", uuid=discussion.uuid)
    return render(request, "groups/discussion_new.jinja2", context)


@view_config(route_name="group_discussion", request_method=("GET", "POST"))
def discussion_page(request: Request) -> Response:
    """The thread; POST ``action``: comment (or reply with ``in_reply_to``), rename, delete."""
    group = the_group(request)
    profile = acting(request)
    discussion = discussions.get_discussion(request.dbsession, group, profile, request.matchdict["uuid"])
    context = group_context(request, group, profile)
    context.update(discussion=discussion, errors={}, message="", values={"text": ""})
    if request.method == "POST":
        action = text(request, "action")
        if action == "delete":
            discussions.delete_discussion(request, group, profile, discussion.uuid)
            flash(request, _("The discussion is deleted."))
            return to_group(request, group, "group_discussions")
        try:
            if action == "rename":
                discussions.rename_discussion(
                    request, group, profile, discussion.uuid, text(request, "title")
                )
            else:
                context["values"]["text"] = text(request, "text")
                comment = discussions.add_comment(
                    request,
                    group,
                    profile,
                    discussion.uuid,
                    context["values"]["text"],
                    text(request, "in_reply_to"),
                )
                return to_group(
                    request, group, "group_discussion", uuid=discussion.uuid, _anchor=f"c-{comment.uuid}"
                )
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/discussion.jinja2", context, error.status)
        return to_group(request, group, "group_discussion", uuid=discussion.uuid)
    return render(request, "groups/discussion.jinja2", context)


@view_config(route_name="group_comment", request_method="POST")
def comment_action(request: Request) -> Response:
    """Edit one's own comment, or delete it (moderators: any)."""
    group = the_group(request)
    profile = acting(request)
    discussion_uuid, comment_uuid = request.matchdict["uuid"], request.matchdict["comment"]
    if text(request, "action") == "edit":
        discussions.edit_comment(
            request, group, profile, discussion_uuid, comment_uuid, text(request, "text")
        )
    else:
        discussions.delete_comment(request, group, profile, discussion_uuid, comment_uuid)
        flash(request, _("The comment is deleted."))
    return to_group(request, group, "group_discussion", uuid=discussion_uuid, _anchor=f"c-{comment_uuid}")


# --- posts ------------------------------------------------------------------------------------


@view_config(route_name="group_posts", request_method=("GET", "HEAD"))
def post_list(request: Request) -> Response:
    group = the_group(request)
    if wants_activity_json(request.headers.get("Accept")):
        return collection(request, group, "posts")
    context = group_context(request, group)
    context["posts"], context["total"] = posts.list_posts(
        request.dbsession, group, context["profile"], 0, 100
    )
    return render(request, "groups/posts.jinja2", context)


def _post_values(request: Request) -> dict[str, Any]:
    return {
        "title": text(request, "title"),
        "body": text(request, "body"),
        "visibility": text(request, "visibility") or "public",
        "draft": text(request, "publish") != "1",
    }


@view_config(route_name="group_post_new", request_method=("GET", "POST"))
def post_new(request: Request) -> Response:
    group = the_group(request)
    profile = acting(request)
    services.require(request.dbsession, group, profile, "post.create")
    context = group_context(request, group, profile)
    context.update(values={"title": "", "body": "", "visibility": "public"}, errors={}, message="", post=None)
    if request.method == "POST":
        context["values"] = _post_values(request)
        try:
            post = posts.create_post(request, group, profile, context["values"])
            _picture(request, group, profile, post)
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/post_form.jinja2", context, error.status)
        flash(request, _("The post is saved as a draft.") if post.draft else _("The post is published."))
        return to_group(request, group, "group_post", uuid=post.uuid)
    return render(request, "groups/post_form.jinja2", context)


def _picture(request: Request, group: Actor, profile: Actor, post: Any) -> None:
    upload = request.POST.get("picture")
    if getattr(upload, "file", None) is not None and getattr(upload, "filename", ""):
        data = upload.file.read(posts_max_upload() + 1)
        posts.set_picture(request, request.media_store, group, profile, post.uuid, data)
    elif request.POST.get("remove_picture"):
        posts.remove_picture(request, request.media_store, group, profile, post.uuid)


def posts_max_upload() -> int:
    from mobilizon.identities.media import MAX_UPLOAD_BYTES

    return MAX_UPLOAD_BYTES


@view_config(route_name="group_post", request_method="GET")
def post_page(request: Request) -> Response:
    group = the_group(request)
    context = group_context(request, group)
    context["post"] = posts.get_post(request.dbsession, group, context["profile"], request.matchdict["uuid"])
    return render(request, "groups/post.jinja2", context)


@view_config(route_name="group_post_edit", request_method=("GET", "POST"))
def post_edit(request: Request) -> Response:
    group = the_group(request)
    profile = acting(request)
    post = posts.get_post(request.dbsession, group, profile, request.matchdict["uuid"])
    services.require(request.dbsession, group, profile, "post.update")
    context = group_context(request, group, profile)
    values = {"title": post.title, "body": post.body, "visibility": post.visibility}
    context.update(values=values, errors={}, message="", post=post)
    if request.method == "POST":
        if text(request, "action") == "delete":
            posts.delete_post(request, group, profile, post.uuid, request.media_store)
            flash(request, _("The post is deleted."))
            return to_group(request, group, "group_posts")
        context["values"] = _post_values(request)
        if not post.draft:
            context["values"]["draft"] = False
        try:
            posts.update_post(request, group, profile, post.uuid, context["values"])
            _picture(request, group, profile, post)
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/post_form.jinja2", context, error.status)
        flash(request, _("The post is saved."))
        return to_group(request, group, "group_post", uuid=post.uuid)
    return render(request, "groups/post_form.jinja2", context)


# --- resources --------------------------------------------------------------------------------


def plugin_page(request: Request, resource: Resource) -> str | None:
    """Where a plugin type's resource lives (its own page), None for folders and links."""
    rtype = resources.resource_types(request.registry).get(resource.type)
    if rtype is None or not rtype.route_prefix:
        return None
    return f"{request.application_url}{rtype.route_prefix}/{resource.uuid}"


def _resource_context(
    request: Request, group: Actor, profile: Actor, folder: Resource | None
) -> dict[str, Any]:
    context = group_context(request, group, profile)
    _folder, items = resources.list_resources(
        request.dbsession, group, profile, folder.uuid if folder else None
    )
    context.update(
        folder=folder,
        items=items,
        trail=resources.ancestors(folder) + ([folder] if folder else []),
        types=resources.resource_types(request.registry),
        plugin_page=lambda resource: plugin_page(request, resource),
        failed=resources.preview_failed,
    )
    return context


@view_config(route_name="group_resources", request_method=("GET", "HEAD"))
def resource_root(request: Request) -> Response:
    group = the_group(request)
    if wants_activity_json(request.headers.get("Accept")):
        return collection(request, group, "resources")
    profile = acting(request)
    return render(request, "groups/resources.jinja2", _resource_context(request, group, profile, None))


@view_config(route_name="group_resource", request_method=("GET", "POST"))
def resource_page(request: Request) -> Response:
    """A folder's content, or a link's details with its edit form; POST edits, moves or removes."""
    group = the_group(request)
    profile = acting(request)
    resource = resources.get_resource(request.dbsession, group, profile, request.matchdict["uuid"])
    page = plugin_page(request, resource)
    if request.method == "GET" and page is not None:
        return HTTPFound(page)
    parent_uuid = resource.parent.uuid if resource.parent else None
    if request.method == "POST":
        if text(request, "action") == "delete":
            resources.delete_resource(request, group, profile, resource.uuid)
            flash(request, _("“%(title)s” is removed.", mapping={"title": resource.title}))
            if parent_uuid:
                return to_group(request, group, "group_resource", uuid=parent_uuid)
            return to_group(request, group, "group_resources")
        values = {
            "title": text(request, "title"),
            "summary": text(request, "summary"),
            "parent": text(request, "parent"),
        }
        if resource.type == "link":
            values["resource_url"] = text(request, "resource_url")
        try:
            resources.update_resource(request, group, profile, resource.uuid, values)
        except ServiceError as error:
            context = _resource_context(
                request, group, profile, resource if resource.is_folder else resource.parent
            )
            context.update(resource=resource, folders=_all_folders(request, group, profile))
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/resource.jinja2", context, error.status)
        flash(request, _("Saved."))
        return to_group(request, group, "group_resource", uuid=resource.uuid)
    folder = resource if resource.is_folder else resource.parent
    context = _resource_context(request, group, profile, folder)
    context.update(resource=resource, folders=_all_folders(request, group, profile), errors={}, message="")
    return render(request, "groups/resource.jinja2", context)


def _all_folders(request: Request, group: Actor, profile: Actor) -> list[Resource]:
    """Every folder of the group, to move a resource into (a short list: groups keep few)."""
    from sqlalchemy import select

    services.require(request.dbsession, group, profile, "resource.read")
    return list(
        request.dbsession.scalars(
            select(Resource)
            .where(Resource.group_id == group.id, Resource.type == "folder")
            .order_by(Resource.title)
        )
    )


@view_config(route_name="group_resource_new", request_method=("GET", "POST"))
def resource_new(request: Request) -> Response:
    """The second click: a name already filled in, and Create. ``type``: folder, link, or a
    plugin's (pad, poll, ...); ``parent``: the folder it goes into.
    """
    group = the_group(request)
    profile = acting(request)
    services.require(request.dbsession, group, profile, "resource.create")
    params = request.POST if request.method == "POST" else request.GET
    kind = str(params.get("type") or "link")
    types = resources.resource_types(request.registry)
    parent = str(params.get("parent") or "")
    folder = resources.find_resource(request.dbsession, group, parent) if parent else None
    context = group_context(request, group, profile)
    context.update(kind=kind, types=types, folder=folder, errors={}, message="")
    context["kind_label"] = _kind_label(request, kind, types)
    context["values"] = {"title": _default_title(request, kind, types), "summary": "", "resource_url": ""}
    if request.method == "POST":
        values = {key: text(request, key) for key in request.POST if key != "csrf_token"}
        values.update(type=kind, parent=parent or None)
        context["values"] = values
        try:
            resource = resources.create_resource(request, group, profile, values)
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/resource_new.jinja2", context, error.status)
        page = plugin_page(request, resource)
        if page is not None:
            return HTTPFound(page)
        if folder is not None:
            return to_group(request, group, "group_resource", uuid=folder.uuid)
        return to_group(request, group, "group_resources")
    if kind not in (*resources.CORE_TYPES, *types):
        raise Forbidden(_("This instance offers no such kind of resource."))
    return render(request, "groups/resource_new.jinja2", context)


def _kind_label(request: Request, kind: str, types: dict[str, Any]) -> str:
    labels = {"folder": _("folder"), "link": _("link")}
    label = labels.get(kind) or (types[kind].label if kind in types else kind)
    return request.localizer.translate(label).lower()


def _default_title(request: Request, kind: str, types: dict[str, Any]) -> str:
    if kind == "folder":
        return request.localizer.translate(_("New folder"))
    if kind in types:
        label = request.localizer.translate(types[kind].label)
        return f"{label} {request.format_date(utcnow(), 'medium')}"
    return ""


# --- events -----------------------------------------------------------------------------------


@view_config(route_name="group_events", request_method=("GET", "HEAD"))
def event_list(request: Request) -> Response:
    """Members see every event of the group, drafts included; everyone else the public ones."""
    group = the_group(request)
    if wants_activity_json(request.headers.get("Accept")):
        return collection(request, group, "events")
    context = group_context(request, group, viewer(request))
    inside = context["can"]("event.read_draft")
    context["events"] = group_events.events_of(request.dbsession, group, include_drafts=inside)
    context["events_available"] = group_events.available(request.dbsession)
    context["new_event_url"] = (
        group_events.new_event_url(request, group) if context["can"]("event.create") else None
    )
    return render(request, "groups/events.jinja2", context)


@view_config(route_name="group_event_new", request_method=("GET", "POST"))
def event_new(request: Request) -> Response:
    """A short form for a new event of the group, kept as a draft for the members by default;
    the organiser completes it on the event's own edit page.
    """
    from mobilizon.i18n import viewer_timezone

    group = the_group(request)
    profile = acting(request)
    services.require(request.dbsession, group, profile, "event.create")
    context = group_context(request, group, profile)
    zone = viewer_timezone(request)
    values = {"title": "", "begins_on": "", "ends_on": "", "description": "", "timezone": zone, "draft": True}
    context.update(values=values, errors={}, message="")
    if request.method == "POST":
        values.update({key: text(request, key) for key in ("title", "begins_on", "ends_on", "description")})
        values["timezone"] = text(request, "timezone") or zone
        values["draft"] = text(request, "publish") != "1"
        fields = {key: value for key, value in values.items() if value != "" or key in ("title", "begins_on")}
        try:
            event = group_events.create_group_event(
                request, request.user, group.preferred_username, fields, profile
            )
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/event_new.jinja2", context, error.status)
        flash(
            request,
            _("The event is saved as a draft for the group.")
            if event.draft
            else _("The event is published."),
        )
        return HTTPFound(event.url)
    return render(request, "groups/event_new.jinja2", context)
