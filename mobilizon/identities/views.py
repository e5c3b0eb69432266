"""HTML pages for profiles, the public page at ``/@{username}`` and uploaded media.

Thin: each view reads the form, calls one service and renders. A form that a service refuses
is shown again with the person's input and a message per field, and the request's transaction
is doomed so that nothing of a half-applied form is saved.
"""

from __future__ import annotations

import json
from typing import Any

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import FileResponse, Response
from pyramid.view import view_config

from mobilizon.errors import ServiceError, TooLarge, Unauthorized
from mobilizon.i18n import _
from mobilizon.identities import SESSION_PROFILE, services
from mobilizon.identities.activitypub import ACTIVITY_JSON, actor_document, wants_activity_json
from mobilizon.identities.media import CONTENT_TYPES, MAX_UPLOAD_BYTES, close_uploads
from mobilizon.identities.webfinger import local_host

# a multipart body carries the file plus the other fields and the boundaries
MAX_FORM_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


def route_exists(request: Request, name: str) -> bool:
    return request.registry.introspector.get("routes", name) is not None


def signed_in_user(request: Request) -> Any:
    """The account, or a trip to the login page (back here afterwards)."""
    user = request.user
    if user is not None:
        return user
    if route_exists(request, "login") and request.method == "GET":
        raise HTTPFound(request.route_url("login", _query={"next": request.path_qs}))
    raise Unauthorized(_("You need to sign in first."))


def safe_next(request: Request, value: str | None, default: str) -> str:
    """A place on this site to go back to; anything else (another site) becomes ``default``."""
    value = (value or "").strip()
    if value.startswith("/") and not value.startswith(("//", "/\\")) and "\n" not in value:
        return request.application_url + value
    return default


def flash(request: Request, message: Any, **values: str) -> None:
    """Show a message on the next page, translated, then filled with ``values`` (%(name)s)."""
    text = request.localizer.translate(message)
    request.session.flash(text % values if values else text)


def _form_error(request: Request, error: ServiceError) -> tuple[str, dict[str, str]]:
    """The message and field messages of a refused form; nothing of the request is kept."""
    request.tm.doom()
    localizer = request.localizer
    fields = {name: localizer.translate(text) for name, text in error.fields.items()}
    return localizer.translate(error.message) if error.message else "", fields


def _render_form(request: Request, template: str, values: dict[str, Any], status: int = 200) -> Response:
    response = render_to_response(template, values, request=request)
    response.status = status
    return response


def _text(request: Request, name: str) -> str:
    value = request.POST.get(name, "")
    return value if isinstance(value, str) else ""


# -- the account's profiles -------------------------------------------------------------------


@view_config(route_name="identity_list", request_method="GET", renderer="identities/list.jinja2")
def identity_list(request: Request) -> dict[str, Any]:
    user = signed_in_user(request)
    return {"profiles": services.list_profiles(request.dbsession, user), "current": request.current_profile}


@view_config(route_name="identity_new", request_method=("GET", "POST"))
def identity_new(request: Request) -> Response:
    user = signed_in_user(request)
    first = not services.list_profiles(request.dbsession, user)
    values = {"preferred_username": "", "name": "", "summary": ""}
    context: dict[str, Any] = {"first": first, "values": values, "errors": {}, "message": ""}
    if request.method == "POST":
        values.update({key: _text(request, key) for key in values})
        try:
            actor = services.create_profile(
                request.dbsession,
                request.registry.settings,
                user,
                values["preferred_username"],
                name=values["name"],
                summary=values["summary"],
            )
        except ServiceError as error:
            context["message"], context["errors"] = _form_error(request, error)
            return _render_form(request, "identities/new.jinja2", context, error.status)
        flash(request, _("Your profile @%(username)s is ready."), username=actor.preferred_username)
        if first:
            return HTTPFound(safe_next(request, request.params.get("next"), request.route_url("home")))
        return HTTPFound(request.route_url("identity_list"))
    return _render_form(request, "identities/new.jinja2", context)


@view_config(route_name="identity_edit", request_method=("GET", "POST"))
def identity_edit(request: Request) -> Response:
    user = signed_in_user(request)
    actor = services.get_profile(request.dbsession, user, request.matchdict["username"])
    values = {"name": actor.name or "", "summary": actor.summary or ""}
    context: dict[str, Any] = {"profile": actor, "values": values, "errors": {}, "message": ""}
    if request.method == "POST":
        try:
            _apply_edit(request, user, actor, values)
        except ServiceError as error:
            context["message"], context["errors"] = _form_error(request, error)
            return _render_form(request, "identities/edit.jinja2", context, error.status)
        flash(request, _("Your profile is saved."))
        return HTTPFound(request.route_url("identity_edit", username=actor.preferred_username))
    return _render_form(request, "identities/edit.jinja2", context)


def _apply_edit(request: Request, user: Any, actor: Any, values: dict[str, str]) -> None:
    request.add_finished_callback(close_uploads)
    if request.content_length and request.content_length > MAX_FORM_BYTES:
        raise TooLarge(_("This image is larger than 5 MB."), fields={"avatar": _("At most 5 MB.")})
    values.update(name=_text(request, "name"), summary=_text(request, "summary"))
    username = actor.preferred_username
    services.update_profile(request.dbsession, user, username, name=values["name"], summary=values["summary"])
    upload = request.POST.get("avatar")
    if getattr(upload, "file", None) is not None and getattr(upload, "filename", ""):
        data = upload.file.read(MAX_UPLOAD_BYTES + 1)
        services.set_avatar(request.dbsession, request.media_store, user, username, data, tm=request.tm)
    elif request.POST.get("remove_avatar"):
        services.remove_avatar(request.dbsession, request.media_store, user, username, tm=request.tm)


@view_config(route_name="identity_delete", request_method=("GET", "POST"))
def identity_delete(request: Request) -> Response:
    user = signed_in_user(request)
    actor = services.get_profile(request.dbsession, user, request.matchdict["username"])
    only = len(services.list_profiles(request.dbsession, user)) == 1
    context: dict[str, Any] = {"profile": actor, "only": only, "errors": {}, "message": "", "content": ""}
    if request.method == "POST":
        context["content"] = _text(request, "content")
        username = actor.preferred_username
        try:
            services.delete_profile(
                request.dbsession, request.media_store, user, username, context["content"], tm=request.tm
            )
        except ServiceError as error:
            context["message"], context["errors"] = _form_error(request, error)
            return _render_form(request, "identities/delete.jinja2", context, error.status)
        if request.session.get(SESSION_PROFILE) == actor.id:
            del request.session[SESSION_PROFILE]
        flash(request, _("The profile @%(username)s is deleted."), username=username)
        return HTTPFound(request.route_url("identity_list"))
    return _render_form(request, "identities/delete.jinja2", context)


@view_config(route_name="identity_switch", request_method="POST")
def identity_switch(request: Request) -> Response:
    user = signed_in_user(request)
    actor = services.switch_profile(request.dbsession, user, _text(request, "username"))
    request.session[SESSION_PROFILE] = actor.id
    flash(request, _("You are now acting as %(name)s."), name=actor.display_name)
    return HTTPFound(safe_next(request, _text(request, "next"), request.route_url("identity_list")))


# -- public pages -----------------------------------------------------------------------------


@view_config(route_name="actor", request_method=("GET", "HEAD"))
def actor_page(request: Request) -> Response:
    """``/@{username}``: the page for people, the actor document for servers (same URL)."""
    actor = services.find_local_actor(request.dbsession, request.matchdict["username"])
    visible = actor is not None and (actor.deleted or not actor.suspended)
    if wants_activity_json(request.headers.get("Accept")):
        if not visible:
            response = Response(json_body={"error": "not_found"}, status=404, content_type="application/json")
        else:
            document = actor_document(actor, request.registry.settings["mobilizon.base_url"])
            response = Response(json.dumps(document, ensure_ascii=False).encode("utf-8"))
            response.headers["Content-Type"] = f"{ACTIVITY_JSON}; charset=utf-8"
            response.headers["Access-Control-Allow-Origin"] = "*"
        response.vary = ("Accept",)
        return response
    page = request.registry["actor_pages"].get(actor.type) if visible else None
    if page is None:
        raise HTTPNotFound(_("There is no profile with this username here."))
    response = page(request, actor)
    response.vary = ("Accept",)
    return response


def person_page(request: Request, actor: Any) -> Response:
    """A profile's public page: its name, bio and avatar, and nothing else."""
    handle = actor.handle(local_host(request.registry.settings["mobilizon.base_url"]))
    response = render_to_response(
        "identities/profile.jinja2", {"profile": actor, "handle": handle}, request=request
    )
    if actor.deleted:
        response.status = 410
    return response


@view_config(route_name="media", request_method=("GET", "HEAD"))
def media(request: Request) -> Response:
    """An uploaded file, with a type fixed by its extension so a browser never guesses one."""
    name = request.matchdict["name"]
    path = request.media_store.path(name)
    content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1])
    if content_type is None or not path.is_file():
        raise HTTPNotFound()
    response = FileResponse(str(path), request=request, content_type=content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response
