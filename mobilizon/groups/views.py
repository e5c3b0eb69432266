"""HTML pages of groups: the public page, creating, editing and deleting a group, and people
(members, invitations, join requests, roles, followers).

Thin: each view reads the form, calls one service and renders or redirects. The acting
profile is the session's current one (the header switches it). A form a service refuses is
shown again with the person's input and a message per field, and the request's transaction is
doomed so nothing of a half-applied form is saved; a refused button (join, accept, ...) ends on
the themed error page with the service's message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.errors import NotFound, ServiceError, TooLarge
from mobilizon.groups import group_events, posts, services
from mobilizon.groups.models import MEMBER_ROLES
from mobilizon.i18n import _
from mobilizon.identities.activitypub import ACTIVITY_JSON, JSON_LD_CONTEXT, wants_activity_json
from mobilizon.identities.media import MAX_UPLOAD_BYTES
from mobilizon.identities.models import Actor
from mobilizon.identities.views import signed_in_user
from mobilizon.identities.webfinger import local_host

MAX_FORM_BYTES = 2 * MAX_UPLOAD_BYTES + 64 * 1024  # avatar and banner in one form


# --- helpers shared by the group pages ----------------------------------------------------------


def text(request: Request, name: str) -> str:
    value = request.POST.get(name, "")
    return value if isinstance(value, str) else ""


def translate(request: Request, message: Any) -> str:
    """A message in the viewer's language (the localizer fills its placeholders)."""
    return request.localizer.translate(message)


def flash(request: Request, message: Any, queue: str = "") -> None:
    request.session.flash(translate(request, message), queue)


def form_error(request: Request, error: ServiceError) -> tuple[str, dict[str, str]]:
    """The message and field messages of a refused form; nothing of the request is kept."""
    request.tm.doom()
    fields = {name: translate(request, value) for name, value in error.fields.items()}
    return (translate(request, error.message) if error.message else ""), fields


def render(request: Request, template: str, values: dict[str, Any], status: int = 200) -> Response:
    response = render_to_response(template, values, request=request)
    response.status = status
    return response


def viewer(request: Request) -> Actor | None:
    """The profile the signed-in account acts as (None for visitors)."""
    return request.current_profile if request.user is not None else None


def acting(request: Request) -> Actor:
    """The profile that acts on a form: sign in first, and have a profile."""
    user = signed_in_user(request)
    return services.acting_profile(request.dbsession, user, None, request.current_profile)


def the_group(request: Request) -> Actor:
    return services.get_group(request.dbsession, request.matchdict["username"])


def group_context(request: Request, group: Actor, profile: Actor | None = None) -> dict[str, Any]:
    """What every group page needs: the group, who looks, their role and what they may do."""
    profile = profile if profile is not None else viewer(request)
    role = services.role_of(request.dbsession, group, profile)
    can: Callable[[str], bool] = lambda action: services.can(role, action)  # noqa: E731
    return {
        "group": group,
        "profile": profile,
        "role": role,
        "can": can,
        "inside": role in MEMBER_ROLES,
        "handle": group.handle(local_host(request.registry.settings["mobilizon.base_url"])),
    }


def to_group(request: Request, group: Actor, route: str = "actor", **values: Any) -> HTTPFound:
    return HTTPFound(request.route_url(route, username=group.preferred_username, **values))


# --- the public page --------------------------------------------------------------------------


def group_page(request: Request, group: Actor) -> Response:
    """``/@{username}`` of a group: presentation, upcoming events, latest posts, and the buttons
    that match its openness and what the viewer is to it.
    """
    dbsession = request.dbsession
    context = group_context(request, group)
    profile, role = context["profile"], context["role"]
    latest, _total = posts.list_posts(dbsession, group, profile, 0, 5)
    context.update(
        settings=services.group_settings(dbsession, group),
        member_count=services.member_count(dbsession, group)
        if services.shows_member_count(dbsession, group, role)
        else None,
        membership=services.membership(dbsession, group, profile),
        following=services.following(dbsession, group, profile) is not None,
        events=group_events.upcoming_public_events(dbsession, group),
        posts=latest,
        other_profiles=_other_profiles_inside(request, group, profile),
    )
    return render(request, "groups/page.jinja2", context)


def _other_profiles_inside(request: Request, group: Actor, profile: Actor | None) -> list[Actor]:
    """The account's other profiles that are members, so the page can offer to switch."""
    if request.user is None:
        return []
    others = [p for p in request.profiles if profile is None or p.id != profile.id]
    return [
        member.actor
        for member in services.memberships_of(request.dbsession, others)
        if member.group_id == group.id and member.role in MEMBER_ROLES
    ]


@view_config(route_name="group_list", request_method="GET", renderer="groups/list.jinja2")
def group_list(request: Request) -> dict[str, Any]:
    """The account's groups (through all its profiles), its invitations, and public groups."""
    dbsession = request.dbsession
    mine = services.memberships_of(dbsession, request.profiles) if request.user is not None else []
    public, total = services.list_public_groups(dbsession, 0, 50)
    return {
        "memberships": [m for m in mine if m.role in MEMBER_ROLES],
        "invitations": [m for m in mine if m.role == "invited"],
        "requests": [m for m in mine if m.role == "not_approved"],
        "public": public,
        "total": total,
    }


# --- creating, editing, deleting --------------------------------------------------------------


GROUP_FIELDS = ("preferred_username", "name", "summary", "visibility", "openness")
ADDRESS_FIELDS = ("description", "street", "locality", "postal_code", "region", "country")


def _group_form_values(request: Request) -> dict[str, Any]:
    values: dict[str, Any] = {name: text(request, name) for name in GROUP_FIELDS}
    values["show_member_count"] = bool(request.POST.get("show_member_count"))
    values["address"] = {name: text(request, f"address_{name}") for name in ADDRESS_FIELDS}
    return values


@view_config(route_name="group_new", request_method=("GET", "POST"))
def group_new(request: Request) -> Response:
    signed_in_user(request)
    values: dict[str, Any] = {"visibility": "public", "openness": "moderated", "address": {}, "identity": ""}
    context: dict[str, Any] = {"values": values, "errors": {}, "message": ""}
    if request.method == "POST":
        values.update(_group_form_values(request), identity=text(request, "identity"))
        try:
            group = services.create_group(request, request.user, values, request.current_profile)
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/new.jinja2", context, error.status)
        flash(request, _("Your group is ready: you are its administrator."))
        return to_group(request, group)
    return render(request, "groups/new.jinja2", context)


def _settings_values(group: Actor, settings: Any) -> dict[str, Any]:
    address = {
        name: getattr(settings, services.ADDRESS_COLUMNS.get(name, name)) or "" for name in ADDRESS_FIELDS
    }
    return {
        "name": group.name or "",
        "summary": group.summary or "",
        "visibility": group.visibility,
        "openness": group.openness,
        "show_member_count": settings.show_member_count,
        "address": address,
    }


@view_config(route_name="group_edit", request_method=("GET", "POST"))
def group_edit(request: Request) -> Response:
    group = the_group(request)
    profile = acting(request)
    services.require(request.dbsession, group, profile, "group.update")
    context = group_context(request, group, profile)
    context.update(
        values=_settings_values(group, services.group_settings(request.dbsession, group)),
        errors={},
        message="",
    )
    if request.method == "POST":
        try:
            _apply_edit(request, group, context["values"])
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return render(request, "groups/edit.jinja2", context, error.status)
        flash(request, _("The group is saved."))
        return to_group(request, group, "group_edit")
    return render(request, "groups/edit.jinja2", context)


def _apply_edit(request: Request, group: Actor, values: dict[str, Any]) -> None:
    if request.content_length and request.content_length > MAX_FORM_BYTES:
        raise TooLarge(_("This image is larger than 5 MB."), fields={"avatar": _("At most 5 MB.")})
    posted = _group_form_values(request)
    del posted["preferred_username"]
    values.update(posted)
    username = group.preferred_username
    services.update_group(request, request.user, username, posted, request.current_profile)
    for kind in ("avatar", "banner"):
        upload = request.POST.get(kind)
        if getattr(upload, "file", None) is not None and getattr(upload, "filename", ""):
            data = upload.file.read(MAX_UPLOAD_BYTES + 1)
            services.set_group_image(
                request, request.media_store, request.user, username, kind, data, request.current_profile
            )
        elif request.POST.get(f"remove_{kind}"):
            services.remove_group_image(
                request, request.media_store, request.user, username, kind, request.current_profile
            )


@view_config(route_name="group_delete", request_method=("GET", "POST"))
def group_delete(request: Request) -> Response:
    """A confirmation page first: deleting a group removes everything in it."""
    group = the_group(request)
    profile = acting(request)
    services.require(request.dbsession, group, profile, "group.delete")
    context = group_context(request, group, profile)
    context.update(member_count=services.member_count(request.dbsession, group), errors={}, message="")
    if request.method == "POST":
        if text(request, "confirm").strip().lower() != group.preferred_username.lower():
            context["errors"] = {"confirm": translate(request, _("Type the group's username to confirm."))}
            return render(request, "groups/delete.jinja2", context, 422)
        name = group.display_name
        services.delete_group(request, request.user, group.preferred_username, request.media_store, profile)
        flash(request, _("The group %(name)s is deleted.", mapping={"name": name}))
        return HTTPFound(request.route_url("group_list"))
    return render(request, "groups/delete.jinja2", context)


# --- joining, leaving, following ----------------------------------------------------------------


@view_config(route_name="group_join", request_method="POST")
def group_join(request: Request) -> Response:
    group = the_group(request)
    acting(request)
    member = services.join(
        request,
        request.user,
        group.preferred_username,
        None,
        text(request, "message"),
        request.current_profile,
    )
    if member.role == "member":
        flash(request, _("Welcome! You are now a member of %(name)s.", mapping={"name": group.display_name}))
    else:
        flash(request, _("Your request has been sent; a moderator of the group will answer it."))
    return to_group(request, group)


@view_config(route_name="group_join", request_method="GET")
def group_join_page(request: Request) -> Response:
    """Visitors reach the join button as a link: sign in first, then back to the group."""
    group = the_group(request)
    signed_in_user(request)
    return to_group(request, group)


@view_config(route_name="group_leave", request_method="POST")
def group_leave(request: Request) -> Response:
    group = the_group(request)
    profile = acting(request)
    services.remove_member(request, request.user, group.preferred_username, profile.preferred_username)
    flash(request, _("You have left %(name)s.", mapping={"name": group.display_name}))
    return to_group(request, group)


@view_config(route_name="group_follow", request_method=("GET", "POST"))
def group_follow(request: Request) -> Response:
    group = the_group(request)
    acting(request)
    if request.method == "GET":
        return to_group(request, group)
    if text(request, "action") == "unfollow":
        services.unfollow(request, request.user, group.preferred_username, None, request.current_profile)
        flash(request, _("You no longer follow %(name)s.", mapping={"name": group.display_name}))
    else:
        services.follow(request, request.user, group.preferred_username, None, request.current_profile)
        flash(
            request,
            _(
                "You follow %(name)s: its new public events and posts will reach you.",
                mapping={"name": group.display_name},
            ),
        )
    return to_group(request, group)


@view_config(route_name="group_invitation", request_method="POST")
def group_invitation(request: Request) -> Response:
    """Accept or decline, as the invited profile (the account must own it)."""
    group = the_group(request)
    user = signed_in_user(request)
    try:
        invitation_id = int(request.matchdict["id"])
    except ValueError:
        invitation_id = 0
    member = services.get_invitation(request.dbsession, user, invitation_id)
    if member.group_id != group.id:
        raise NotFound(_("There is no pending invitation with this number."))
    accept = text(request, "action") != "decline"
    services.respond_to_invitation(request, user, invitation_id, accept)
    if accept:
        flash(request, _("Welcome! You are now a member of %(name)s.", mapping={"name": group.display_name}))
        if request.current_profile is None or request.current_profile.id != member.actor_id:
            flash(
                request,
                _("You joined as @%(username)s.", mapping={"username": member.actor.preferred_username}),
            )
        return to_group(request, group)
    flash(request, _("You declined the invitation."))
    return HTTPFound(request.route_url("group_list"))


# --- members ----------------------------------------------------------------------------------


@view_config(route_name="group_members", request_method=("GET", "POST", "HEAD"))
def group_members(request: Request) -> Response:
    """Members by role; moderators also invite and answer requests, administrators set roles.
    For servers (ActivityPub), the members collection.
    """
    group = the_group(request)
    if wants_activity_json(request.headers.get("Accept")):
        return collection(request, group, "members")
    profile = acting(request)
    services.require(request.dbsession, group, profile, "member.list")
    context = group_context(request, group, profile)
    context.update(errors={}, message="", handle_value="")
    if request.method == "POST":
        context["handle_value"] = text(request, "handle")
        try:
            member = services.invite(
                request, request.user, group.preferred_username, context["handle_value"], None, profile
            )
        except ServiceError as error:
            context["message"], context["errors"] = form_error(request, error)
            return _members_page(request, group, profile, context, error.status)
        flash(request, _("@%(username)s is invited.", mapping={"username": member.actor.preferred_username}))
        return to_group(request, group, "group_members")
    return _members_page(request, group, profile, context)


def _members_page(
    request: Request, group: Actor, profile: Actor, context: dict[str, Any], status: int = 200
) -> Response:
    members = services.list_members(request.dbsession, group, profile)
    context["members"] = members
    context["by_role"] = {role: [m for m in members if m.role == role] for role in services.ROLES}
    context["followers"] = (
        services.list_followers(request.dbsession, group, profile) if context["can"]("follower.list") else []
    )
    context["admins"] = len(context["by_role"]["administrator"])
    return render(request, "groups/members.jinja2", context, status)


@view_config(route_name="group_member", request_method="POST")
def group_member(request: Request) -> Response:
    """One member's buttons: approve, reject, change role, exclude, cancel an invitation."""
    group = the_group(request)
    profile = acting(request)
    handle = request.matchdict["handle"]
    action = text(request, "action")
    username = group.preferred_username
    if action == "approve":
        services.set_role(request, request.user, username, handle, "member", None, profile)
        flash(request, _("@%(username)s is now a member.", mapping={"username": handle}))
    elif action == "reject":
        services.set_role(request, request.user, username, handle, "rejected", None, profile)
        flash(request, _("The request of @%(username)s is declined.", mapping={"username": handle}))
    elif action == "role":
        services.set_role(request, request.user, username, handle, text(request, "role"), None, profile)
        flash(request, _("The role of @%(username)s is changed.", mapping={"username": handle}))
    else:
        services.remove_member(request, request.user, username, handle, None, profile)
        flash(request, _("@%(username)s is no longer in the group.", mapping={"username": handle}))
    return to_group(request, group, "group_members")


# --- collections for servers ------------------------------------------------------------------


def collection(request: Request, group: Actor, name: str) -> Response:
    """A group's collection as ActivityPub sees it: what is public, counted and listed."""
    dbsession = request.dbsession
    items: list[str] = []
    total = 0
    if name == "members":
        if services.group_settings(dbsession, group).show_member_count:
            total = services.member_count(dbsession, group)
    elif name == "posts":
        public, total = posts.list_posts(dbsession, group, None, 0, 50)
        items = [post.url for post in public]
    elif name == "events":
        events = group_events.events_of(dbsession, group, include_drafts=False, limit=50)
        items = [event.url for event in events]
        total = len(items)
    document = {
        "@context": JSON_LD_CONTEXT,
        "id": f"{group.url}/{name}",
        "type": "OrderedCollection",
        "attributedTo": group.url,
        "totalItems": total,
        "orderedItems": items,
    }
    response = Response(
        json.dumps(document, ensure_ascii=False).encode("utf-8"), content_type=ACTIVITY_JSON, charset="utf-8"
    )
    response.vary = ("Accept",)
    return response
