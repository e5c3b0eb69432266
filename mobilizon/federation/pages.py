"""Pages for people: the search page (words, or an address on another instance to look up),
remote profiles and groups at ``/@name@domain``, and the administrators' federation page.

Thin, like every view: read the request, call one service, render or redirect.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import func, or_, select

from mobilizon.errors import ServiceError
from mobilizon.federation import follows, instances
from mobilizon.federation.actors import split_handle
from mobilizon.federation.resolve import actor_page, looks_remote, resolve
from mobilizon.i18n import _
from mobilizon.identities.activitypub import wants_activity_json
from mobilizon.identities.models import Actor
from mobilizon.identities.views import signed_in_user
from mobilizon.models.meta import utcnow

MAX_QUERY = 200
MAX_RESULTS = 50


class RemoteHandlePredicate:
    """``remote_handle=True``: ``/@{username}`` names an actor of another instance (``name@host``)."""

    def __init__(self, value: bool, config: Configurator) -> None:
        self.value = bool(value)

    def text(self) -> str:
        return f"remote_handle = {self.value}"

    phash = text

    def __call__(self, context: Any, request: Request) -> bool:
        username = (request.matchdict or {}).get("username", "")
        return ("@" in username) == self.value


def _flash(request: Request, message: Any) -> None:
    request.session.flash(request.localizer.translate(message))


def render(request: Request, template: str, values: dict[str, Any], status: int = 200) -> Response:
    response = render_to_response(template, values, request=request)
    response.status = status
    return response


# --- search ---------------------------------------------------------------------------------------


def search_events(dbsession: Any, query: str) -> list[Any]:
    """Published public events, here or federated in, whose title or description has every word."""
    from mobilizon.events.models import Event

    words = [word for word in query.lower().split() if word][:8]
    where = [Event.visibility == "public", Event.draft.is_(False)]
    for word in words:
        pattern = "%" + word.replace("\\", "").replace("%", "").replace("_", "") + "%"
        where.append(or_(func.lower(Event.title).like(pattern), func.lower(Event.description).like(pattern)))
    upcoming = func.coalesce(Event.ends_on, Event.begins_on) >= utcnow()
    return list(
        dbsession.scalars(
            select(Event).where(*where).order_by(upcoming.desc(), Event.begins_on).limit(MAX_RESULTS)
        )
    )


@view_config(route_name="federation_search", request_method=("GET", "HEAD"))
def search(request: Request) -> Response:
    """Words find events; an address (URL, ``@name@domain``) is looked up on its instance."""
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    values: dict[str, Any] = {"query": query, "events": [], "message": "", "searched": bool(query)}
    if query and looks_remote(query):
        if request.user is None:
            values["message"] = request.localizer.translate(
                _("Sign in to look up addresses on other instances.")
            )
            return render(request, "federation/search.jinja2", values, 401)
        try:
            found = resolve(request, query)
        except ServiceError as error:
            request.tm.doom()
            values["message"] = request.localizer.translate(error.message)
            return render(request, "federation/search.jinja2", values, error.status)
        return HTTPFound(found.page)
    if query:
        values["events"] = search_events(request.dbsession, query)
    return render(request, "federation/search.jinja2", values)


# --- remote actors --------------------------------------------------------------------------------


def remote_actor(request: Request) -> Actor:
    handle = split_handle(request.matchdict["username"])
    actor = None
    if handle is not None:
        name, domain = handle
        actor = request.dbsession.scalar(
            select(Actor).where(func.lower(Actor.preferred_username) == name.lower(), Actor.domain == domain)
        )
    if actor is None or actor.suspended:
        raise HTTPNotFound(_("This profile or group is not known here yet: look it up with the search."))
    return actor


@view_config(route_name="actor", request_method=("GET", "HEAD"), remote_handle=True)
def remote_actor_page(request: Request) -> Response:
    """A remote profile or group as this instance knows it, with a link to its origin."""
    actor = remote_actor(request)
    if wants_activity_json(request.headers.get("Accept")):
        return HTTPFound(actor.url)
    from mobilizon.events.models import Event
    from mobilizon.groups.models import Member

    profiles = request.profiles if request.user is not None else []
    invitations = list(
        request.dbsession.scalars(
            select(Member).where(
                Member.group_id == actor.id,
                Member.role == "invited",
                Member.actor_id.in_([profile.id for profile in profiles] or [0]),
            )
        )
    )
    events = list(
        request.dbsession.scalars(
            select(Event)
            .where(or_(Event.organizer_actor_id == actor.id, Event.attributed_to_id == actor.id))
            .where(Event.draft.is_(False), Event.visibility == "public")
            .order_by(Event.begins_on.desc())
            .limit(20)
        )
    )
    current = request.current_profile if request.user is not None else None
    following = None
    if current is not None:
        from mobilizon.federation.remote import following as find_following

        following = find_following(request.dbsession, actor, current)
    values = {
        "actor": actor,
        "handle": f"{actor.preferred_username}@{actor.domain}",
        "events": events,
        "invitations": invitations,
        "following": following,
        "current": current,
    }
    response = render(request, "federation/actor.jinja2", values)
    response.vary = ("Accept",)
    return response


@view_config(route_name="federation_remote_actor_action", request_method="POST")
def remote_actor_action(request: Request) -> Response:
    """Follow or unfollow a remote group as the current profile."""
    signed_in_user(request)
    actor = request.dbsession.get(Actor, int(request.matchdict["id"]))
    profile = request.current_profile
    if actor is None or actor.local or actor.suspended or actor.type != "Group" or profile is None:
        raise HTTPNotFound()
    if request.matchdict["action"] == "follow":
        follows.follow(request, profile, actor)
        name = {"name": actor.display_name}
        _flash(request, _("You asked to follow ${name}: its server will answer.", mapping=name))
    elif request.matchdict["action"] == "unfollow":
        follows.unfollow(request, profile, actor)
        _flash(request, _("You no longer follow ${name}.", mapping={"name": actor.display_name}))
    else:
        raise HTTPNotFound()
    return HTTPFound(actor_page(request, actor))


@view_config(route_name="federation_invitation", request_method="POST")
def invitation(request: Request) -> Response:
    """Accept or decline an invitation into a remote group (the groups service decides)."""
    from mobilizon.groups import services

    user = signed_in_user(request)
    member = services.get_invitation(request.dbsession, user, int(request.matchdict["id"]))
    group = member.group
    accept = request.POST.get("action") != "decline"
    services.respond_to_invitation(request, user, member.id, accept)
    if accept:
        _flash(request, _("Welcome! You are now a member of ${name}.", mapping={"name": group.display_name}))
    else:
        _flash(request, _("You declined the invitation."))
    return HTTPFound(actor_page(request, group))


# --- administrators -------------------------------------------------------------------------------


def admin_user(request: Request) -> Any:
    user = signed_in_user(request)
    instances.require_admin(user)
    return user


@view_config(route_name="admin_federation", request_method=("GET", "HEAD"))
def admin_federation(request: Request, message: str = "", status: int = 200) -> Response:
    user = admin_user(request)
    values = instances.overview(request, user)
    values.update(message=message, domain=request.POST.get("domain", "") if request.method == "POST" else "")
    return render(request, "federation/admin.jinja2", values, status)


DONE = {
    "follow": _("You asked to follow ${domain}; it will answer."),
    "unfollow": _("You no longer follow ${domain}."),
    "accept": _("${domain} now follows this instance."),
    "reject": _("The request of ${domain} is declined."),
    "block": _("${domain} is blocked."),
    "unblock": _("${domain} is no longer blocked."),
}


@view_config(route_name="admin_federation_action", request_method="POST")
def admin_federation_action(request: Request) -> Response:
    user = admin_user(request)
    action = request.matchdict["action"]
    try:
        domain = _admin_action(request, user, action)
    except ServiceError as error:
        request.tm.doom()
        return admin_federation(request, request.localizer.translate(error.message), error.status)
    _flash(request, _(DONE[action], mapping={"domain": domain}))
    return HTTPFound(request.route_url("admin_federation"))


def _admin_action(request: Request, user: Any, action: str) -> str:
    """Run one administrator action; returns the domain it was about."""
    if action in ("block", "unblock"):
        return instances.set_blocked(request, user, request.POST.get("domain", ""), action == "block")
    if action == "follow":
        return instances.follow(request, user, request.POST.get("domain", "")).domain
    try:
        follower_id = int(request.POST.get("id", ""))
    except ValueError:
        follower_id = 0
    if action == "unfollow":
        return instances.unfollow(request, user, follower_id)
    return instances.answer_follower(request, user, follower_id, action == "accept")
