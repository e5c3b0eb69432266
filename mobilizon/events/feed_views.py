"""Calendars and feeds: one event as .ics, a person's private calendar, the instance's Atom.

The private calendar URL is the only credential of its request: it is never logged in a
Referer (``Referrer-Policy: no-referrer`` on the page that shows it) and an unknown or revoked
token gets the same 404 as a path that never existed.
"""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.events import calendar, feeds, services
from mobilizon.events.views import flash, render
from mobilizon.i18n import _
from mobilizon.identities.views import signed_in_user

ICS = "text/calendar"


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, content_type=ICS, charset="utf-8")
    response.content_disposition = f'inline; filename="{filename}"'
    return response


@view_config(route_name="event_ics", request_method=("GET", "HEAD"))
def event_ics(request: Request) -> Response:
    event = services.get_event(request.dbsession, request.user, request.matchdict["uuid"])
    online = services.online_address_for(request.dbsession, request.user, event)
    return _ics(calendar.calendar([(event, online)], event.title), f"{event.uuid}.ics")


@view_config(route_name="feed_ics", request_method=("GET", "HEAD"))
def private_ics(request: Request) -> Response:
    user = feeds.user_of_token(request.dbsession, request.matchdict["token"])
    if user is None:
        raise HTTPNotFound()
    events = feeds.participating_events(request.dbsession, user)
    name = request.localizer.translate(
        _("My events on ${instance}", mapping={"instance": request.instance.name})
    )
    body = calendar.calendar(((event, event.online_address) for event in events), name)
    response = _ics(body, "events.ics")
    response.cache_control = "private, max-age=300"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@view_config(route_name="feed_settings", request_method=("GET", "POST"))
def feed_settings(request: Request) -> Response:
    """See whether a private calendar exists, make a new URL (shown once) or revoke it."""
    user = signed_in_user(request)
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feeds.revoke_feed_token(request.dbsession, user)
            flash(request, _("Your private calendar address no longer works."))
            return HTTPSeeOther(request.route_url("feed_settings"))
        token = feeds.new_feed_token(request.dbsession, user)
        new_url = request.route_url("feed_ics", token=token)
    values = {"active": feeds.has_feed_token(request.dbsession, user), "new_url": new_url}
    response = render(request, "events/feed_settings.jinja2", values)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.cache_control = "private, no-store"
    return response


@view_config(route_name="events_atom", request_method=("GET", "HEAD"))
def events_atom(request: Request) -> Response:
    events, _total = services.upcoming_public(request.dbsession, 0, 100)
    title = request.localizer.translate(
        _("Upcoming events on ${instance}", mapping={"instance": request.instance.name})
    )
    body = feeds.atom_feed(
        events,
        title=title,
        feed_url=request.route_url("events_atom"),
        page_url=request.route_url("home"),
        feed_id=request.route_url("events_atom"),
    )
    response = Response(body, content_type="application/atom+xml", charset="utf-8")
    response.cache_control = "public, max-age=300"
    return response
