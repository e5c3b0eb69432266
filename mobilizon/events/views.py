"""HTML pages of events: the event page, the one-page form, the organiser's actions, "My
events", sharing and comments.

Thin: each view reads the request, calls one service and renders. A refused form comes back
with the person's input and a message by each field, and the request's transaction is doomed
so that nothing of it is saved. Every page works without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from pyramid.httpexceptions import HTTPFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.errors import Invalid, ServiceError, TooLarge
from mobilizon.events import comments, forms, participations, services
from mobilizon.events.models import CATEGORIES, Event
from mobilizon.events.sanitize import html_to_text, safe_html
from mobilizon.events.validation import timezones
from mobilizon.i18n import _, viewer_timezone
from mobilizon.identities.media import MAX_UPLOAD_BYTES
from mobilizon.identities.views import signed_in_user
from mobilizon.models.meta import utcnow

MAX_FORM_BYTES = MAX_UPLOAD_BYTES + 256 * 1024
PER_PAGE = 20
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}(:\d{1,5})?$")


# --- shared helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    total: int
    previous_url: str | None
    next_url: str | None


def page_number(request: Request) -> int:
    """``?page=`` for people: anything odd is simply the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def pagination(request: Request, page: int, total: int, per_page: int = PER_PAGE) -> Pagination:
    pages = max((total + per_page - 1) // per_page, 1)

    def link(number: int) -> str:
        query = {**request.GET, "page": str(number)}
        return request.path_url + "?" + urlencode(query)

    return Pagination(
        page=page,
        pages=pages,
        total=total,
        previous_url=link(page - 1) if page > 1 else None,
        next_url=link(page + 1) if page < pages else None,
    )


@cache
def _short_names(locale: str) -> tuple[Any, Any]:
    names = Locale.parse(locale)
    return names.days["format"]["abbreviated"], names.months["format"]["abbreviated"]


def short_moments(request: Request, values: list[datetime], zone: str) -> dict[datetime, str]:
    """ "Sat 6 Dec 2026 · 18:00" for many moments at once (a page of comments): the same words as
    the ``short_moment`` macro, without running Babel's pattern engine for each of them.
    """
    days, months = _short_names(request.locale_name)
    tz = ZoneInfo(zone)
    moments = {}
    for value in values:
        local = value.astimezone(tz)
        moments[value] = (
            f"{days[local.weekday()]} {local.day} {months[local.month]} {local.year} · {local:%H:%M}"
        )
    return moments


def flash(request: Request, message: Any, queue: str = "", **mapping: Any) -> None:
    text = request.localizer.translate(_(message, mapping=mapping) if mapping else message)
    request.session.flash(text, queue)


FIELD_NAMES = {"address.description": "address_description", "options.comments": "comments"}


def form_error(request: Request, error: ServiceError) -> tuple[str, dict[str, str]]:
    """The message and field messages of a refused form (by form field name); nothing is kept."""
    request.tm.doom()
    localizer = request.localizer
    fields = {}
    for name, text in error.fields.items():
        form_name = FIELD_NAMES.get(name) or name.split(".")[-1]
        fields.setdefault(form_name, localizer.translate(text))
    return (localizer.translate(error.message) if error.message else ""), fields


def render(request: Request, template: str, values: dict[str, Any], status: int = 200) -> Response:
    response = render_to_response(template, values, request=request)
    response.status = status
    return response


def check_size(request: Request) -> None:
    if request.content_length and request.content_length > MAX_FORM_BYTES:
        raise TooLarge(_("What you sent is too large: a picture has at most 5 MB."))


def _event(request: Request) -> Event:
    return services.get_event(request.dbsession, request.user, request.matchdict["uuid"])


# --- the event page ---------------------------------------------------------------------------


def json_ld(request: Request, event: Event, online_address: str | None) -> dict[str, Any]:
    """schema.org/Event for search engines (rendered with ``|tojson``, which escapes ``<``)."""
    status = {"cancelled": "EventCancelled", "tentative": "EventScheduled", "confirmed": "EventScheduled"}
    physical, online = event.has_address, bool(event.online_address)
    mode = "Mixed" if physical and online else ("Online" if online and not physical else "Offline")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": event.url,
        "startDate": event.begins_on.isoformat(),
        "eventStatus": f"https://schema.org/{status[event.status]}",
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "description": html_to_text(event.description)[:1000],
        "organizer": {"@type": "Person", "name": event.organizer.display_name, "url": event.organizer.url},
    }
    if event.ends_on:
        data["endDate"] = event.ends_on.isoformat()
    if event.picture_url:
        data["image"] = [event.picture_url]
    locations: list[dict[str, Any]] = []
    if physical:
        place: dict[str, Any] = {
            "@type": "Place",
            "name": event.address_description or event.locality or "",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.street or "",
                "addressLocality": event.locality or "",
                "postalCode": event.postal_code or "",
                "addressRegion": event.region or "",
                "addressCountry": event.country or "",
            },
        }
        if event.has_coordinates:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": event.lat, "longitude": event.lon}
        locations.append(place)
    if online_address:
        locations.append({"@type": "VirtualLocation", "url": online_address})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    return data


def share_links(request: Request, event: Event) -> dict[str, str]:
    """Sharing without any third-party script: a mail, a Mastodon form of ours, the link itself."""
    subject = event.title
    body = f"{event.title}\n{event.url}"
    return {
        "url": event.url,
        "mail": f"mailto:?subject={quote(subject)}&body={quote(body)}",
        "mastodon": request.route_url("event_share_mastodon", uuid=event.uuid),
    }


def join_state(request: Request, event: Event, mine: list[Any]) -> dict[str, Any]:
    """What the join box offers this viewer."""
    over = (event.ends_on or event.begins_on) < utcnow()
    joined = {p.actor.preferred_username for p in mine if p.actor is not None}
    profiles = [profile for profile in request.profiles if profile.preferred_username not in joined]
    return {
        "open": not (event.draft or event.cancelled or over or event.join_mode == "invite"),
        "over": over,
        "profiles": profiles,
        "anonymous": services.anonymous_allowed(request.registry.settings)
        and event.anonymous_participation
        and event.local,
    }


def page_values(request: Request, event: Event, **extra: Any) -> dict[str, Any]:
    dbsession, user = request.dbsession, request.user
    mine = services.account_participations(dbsession, user, event)
    online_address = services.online_address_for(dbsession, user, event)
    people, going = participations.visible_participants(dbsession, user, event)
    thread, comment_total = comments.visible_comments(dbsession, user, event)
    viewer_zone = viewer_timezone(request)
    values = {
        "event": event,
        "description_html": safe_html(event.description),
        "comment_html": {comment.id: safe_html(comment.text) for comment in thread},
        "comment_times": short_moments(request, [c.created_at for c in thread], viewer_zone),
        "organiser": services.is_organiser(user, event),
        "manager": services.can_manage(dbsession, user, event),
        "mine": mine,
        "seats": services.seats(dbsession, event),
        "people": people,
        "going": going,
        "comments": thread,
        "comment_total": comment_total,
        "online_address": online_address,
        "viewer_zone": viewer_zone if viewer_zone != event.timezone else None,
        "jsonld": json_ld(
            request, event, online_address if not event.online_address_participants_only else None
        ),
        "share": share_links(request, event),
        "join": join_state(request, event, mine),
        "role_labels": participations.ROLE_LABELS,
        "join_error": "",
        "join_errors": {},
        "join_values": {"email": "", "message": ""},
        "comment_error": "",
        "comment_text": "",
        "comment_reply_to": "",
    }
    values.update(extra)
    return values


@view_config(route_name="event", request_method=("GET", "HEAD"))
def event_page(request: Request) -> Response:
    event = _event(request)
    response = render(request, "events/show.jinja2", page_values(request, event))
    if event.visibility != "public" or event.draft:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- the form ---------------------------------------------------------------------------------


def _form_page(request: Request, form: dict[str, Any], event: Event | None, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "event": event,
        "errors": {},
        "message": "",
        "notice": "",
        "candidates": [],
        "profiles": request.profiles,
        "categories": CATEGORIES,
        "timezones": sorted(timezones()),
        **extra,
    }


def _find_address(request: Request, form: dict[str, Any], event: Event | None) -> Response:
    """The "Find the address" button: the same form, with the places found to pick from."""
    from mobilizon.geocoding.services import search_addresses

    query = forms.address_query(form)
    if not query:
        message = request.localizer.translate(_("Type an address or the name of a place first."))
        values = _form_page(request, form, event, errors={"address_description": message})
        return render(request, "events/form.jinja2", values, 422)
    try:
        result = search_addresses(request.registry, query, locale=request.locale_name, limit=5)
    except ServiceError as error:
        message, fields = form_error(request, error)
        values = _form_page(request, form, event, message=message, errors=fields)
        return render(request, "events/form.jinja2", values, 422)
    notice = ""
    if not result.ok:
        notice = (
            request.localizer.translate(result.error)
            + " "
            + request.localizer.translate(
                _("You can still save: the event keeps the address as typed, without a position on a map.")
            )
        )
    elif not result.places:
        notice = request.localizer.translate(
            _("No place was found for this address; check it, or save it as typed.")
        )
    candidates = [{"json": _place_json(place), "label": _place_label(place)} for place in result.places]
    return render(
        request, "events/form.jinja2", _form_page(request, form, event, notice=notice, candidates=candidates)
    )


def _place_label(place: Any) -> str:
    parts = [place.description, place.street, place.postal_code, place.locality, place.country]
    return ", ".join(dict.fromkeys(part for part in parts if part))


def _place_json(place: Any) -> str:
    import json

    return json.dumps(
        {
            "description": place.description,
            "street": place.street,
            "locality": place.locality,
            "postal_code": place.postal_code,
            "region": place.region,
            "country": place.country,
            "lat": place.lat,
            "lon": place.lon,
            "origin_id": place.origin_id,
        },
        ensure_ascii=False,
    )


def _upload(request: Request) -> bytes | None:
    upload = request.POST.get("picture")
    if getattr(upload, "file", None) is None:
        return None
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    return data or None


def _save_picture(request: Request, user: Any, event: Event, form: dict[str, Any]) -> None:
    data = _upload(request)
    if data is not None:
        services.set_picture(request, request.media_store, user, event.uuid, data, form["picture_alt"])
    elif request.POST.get("remove_picture") and event.picture_url:
        services.remove_picture(request, request.media_store, user, event.uuid)


def _after_save(request: Request, event: Event) -> HTTPFound:
    if event.has_address and not event.has_coordinates:
        flash(request, _("The address has no position on a map; use “Find the address” to place it."))
    return HTTPFound(request.route_url("event", uuid=event.uuid))


@view_config(route_name="event_new", request_method=("GET", "POST"))
def event_new(request: Request) -> Response:
    user = signed_in_user(request)
    if not request.profiles:
        return HTTPFound(request.route_url("identity_new", _query={"next": request.path}))
    if request.method == "GET":
        zone = viewer_timezone(request)
        begins, ends = services.default_times(zone)
        current = request.current_profile or request.profiles[0]
        form = forms.new_form(current.preferred_username, zone, begins, ends)
        return render(request, "events/form.jinja2", _form_page(request, form, None))
    check_size(request)
    form = forms.read_form(request.POST)
    action = request.POST.get("action", "publish")
    if action == "find_address":
        return _find_address(request, form, None)
    values = forms.service_values(form)
    values["draft"] = action == "draft"
    try:
        event = services.create_event(request, user, values)
        _save_picture(request, user, event, form)
    except ServiceError as error:
        message, errors = form_error(request, error)
        return render(
            request,
            "events/form.jinja2",
            _form_page(request, form, None, message=message, errors=errors),
            error.status,
        )
    flash(
        request,
        _("Your draft is saved; only you can see it.") if event.draft else _("Your event is published."),
    )
    return _after_save(request, event)


@view_config(route_name="event_edit", request_method=("GET", "POST"))
def event_edit(request: Request) -> Response:
    user = signed_in_user(request)
    event = services.get_organised_event(request.dbsession, user, request.matchdict["uuid"])
    if request.method == "GET":
        return render(request, "events/form.jinja2", _form_page(request, forms.form_of(event), event))
    check_size(request)
    form = forms.read_form(request.POST)
    action = request.POST.get("action", "save")
    if action == "find_address":
        return _find_address(request, form, event)
    values = forms.service_values(form)
    if action == "publish":
        values["draft"] = False
    try:
        services.update_event(request, user, event.uuid, values)
        _save_picture(request, user, event, form)
    except ServiceError as error:
        message, errors = form_error(request, error)
        return render(
            request,
            "events/form.jinja2",
            _form_page(request, form, event, message=message, errors=errors),
            error.status,
        )
    flash(request, _("Your event is published.") if action == "publish" else _("Your changes are saved."))
    return _after_save(request, event)


@view_config(route_name="event_action", request_method=("GET", "POST"))
def event_action(request: Request) -> Response:
    """Publish (POST), cancel or delete (GET asks to confirm, POST does it)."""
    user = signed_in_user(request)
    action = request.matchdict["action"]
    event = services.get_organised_event(request.dbsession, user, request.matchdict["uuid"])
    if request.method == "GET":
        return render(request, "events/confirm_action.jinja2", {"event": event, "action": action})
    if action == "publish":
        services.publish_event(request, user, event.uuid)
        flash(request, _("Your event is published."))
    elif action == "cancel":
        services.cancel_event(request, user, event.uuid)
        flash(request, _("The event is cancelled. Its page stays, marked as cancelled."))
    else:
        title = event.title
        services.delete_event(request, user, event.uuid, request.media_store)
        flash(request, _("The event “${title}” is deleted."), title=title)
        return HTTPSeeOther(request.route_url("my_events"))
    return HTTPSeeOther(request.route_url("event", uuid=event.uuid))


# --- lists ------------------------------------------------------------------------------------


@view_config(route_name="my_events", request_method="GET", renderer="events/my.jinja2")
def my_events(request: Request) -> dict[str, Any]:
    user = signed_in_user(request)
    tab = request.GET.get("tab", "upcoming")
    if tab not in services.MY_TABS:
        tab = "upcoming"
    page = page_number(request)
    rows, total = services.my_events(request.dbsession, user, tab, (page - 1) * PER_PAGE, PER_PAGE)
    return {
        "tab": tab,
        "tabs": services.MY_TABS,
        "events": rows,
        "pagination": pagination(request, page, total),
    }


def home_events(request: Request) -> tuple[list[Event], Pagination]:
    """The home page's upcoming public events, a page at a time."""
    page = page_number(request)
    rows, total = services.upcoming_public(request.dbsession, (page - 1) * PER_PAGE, PER_PAGE)
    return rows, pagination(request, page, total)


# --- sharing ----------------------------------------------------------------------------------


@view_config(route_name="event_share_mastodon", request_method="GET")
def share_mastodon(request: Request) -> Response:
    """Ask for the person's Mastodon instance, then send them to its share form (no script,
    nothing of theirs stored).
    """
    event = _event(request)
    if event.visibility == "private":
        raise Invalid(_("A private event cannot be shared."))
    instance = (request.GET.get("instance") or "").strip().lower()
    instance = re.sub(r"^https?://", "", instance).strip("/").lstrip("@").split("@")[-1]
    values = {"event": event, "instance": instance, "error": ""}
    # only our own form sends people away; a link from elsewhere shows the form first, so this
    # page cannot serve as a redirector for other sites' links
    same_site = request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
    if "instance" in request.GET and same_site:
        if _DOMAIN.match(instance):
            text = f"{event.title}\n{event.url}"
            return HTTPFound(f"https://{instance}/share?" + urlencode({"text": text}))
        values["error"] = request.localizer.translate(
            _("Type the address of your instance, such as mastodon.social.")
        )
        return render(request, "events/share_mastodon.jinja2", values, 422)
    return render(request, "events/share_mastodon.jinja2", values)


# --- comments ---------------------------------------------------------------------------------


@view_config(route_name="event_comments", request_method="POST")
def comment_create(request: Request) -> Response:
    user = signed_in_user(request)
    text = request.POST.get("text", "")
    reply_to = request.POST.get("in_reply_to") or None
    try:
        comment = comments.create_comment(
            request, user, request.matchdict["uuid"], text, reply_to, request.POST.get("identity") or None
        )
    except ServiceError as error:
        message, _fields = form_error(request, error)
        event = _event(request)
        values = page_values(
            request, event, comment_error=message, comment_text=text, comment_reply_to=reply_to or ""
        )
        return render(request, "events/show.jinja2", values, error.status)
    if not comment.approved:
        flash(request, _("Thank you: your comment will appear once an organiser approves it."))
    return HTTPSeeOther(
        request.route_url("event", uuid=comment.event.uuid, _anchor=f"comment-{comment.uuid}")
    )


@view_config(route_name="comment", request_method="GET")
def comment_link(request: Request) -> Response:
    comment = comments.get_comment(request.dbsession, request.user, request.matchdict["uuid"])
    return HTTPFound(request.route_url("event", uuid=comment.event.uuid, _anchor=f"comment-{comment.uuid}"))


@view_config(route_name="comment_edit", request_method=("GET", "POST"))
def comment_edit(request: Request) -> Response:
    user = signed_in_user(request)
    comment = comments.get_comment(request.dbsession, user, request.matchdict["uuid"])
    values = {"comment": comment, "text": html_to_text(comment.text), "message": "", "errors": {}}
    if request.method == "POST":
        values["text"] = request.POST.get("text", "")
        try:
            comments.update_comment(request, user, comment.uuid, values["text"])
        except ServiceError as error:
            values["message"], values["errors"] = form_error(request, error)
            return render(request, "events/comment_edit.jinja2", values, error.status)
        return HTTPSeeOther(
            request.route_url("event", uuid=comment.event.uuid, _anchor=f"comment-{comment.uuid}")
        )
    if comment.deleted or comment.actor.user_id != user.id:
        raise Invalid(_("Only its author can edit a comment."))
    return render(request, "events/comment_edit.jinja2", values)


@view_config(route_name="comment_action", request_method="POST")
def comment_action(request: Request) -> Response:
    user = signed_in_user(request)
    uuid = request.matchdict["uuid"]
    if request.matchdict["action"] == "delete":
        comment = comments.delete_comment(request, user, uuid)
        flash(request, _("The comment is deleted."))
    else:
        comment = comments.approve_comment(request, user, uuid)
    return HTTPSeeOther(request.route_url("event", uuid=comment.event.uuid, _anchor="comments"))


@view_config(route_name="event_comments_mode", request_method="POST")
def comment_mode(request: Request) -> Response:
    user = signed_in_user(request)
    mode = request.POST.get("mode", "")
    event = comments.set_comment_mode(request, user, request.matchdict["uuid"], mode)
    flash(request, _("Comments are closed.") if mode == "closed" else _("Comments are open."))
    return HTTPSeeOther(request.route_url("event", uuid=event.uuid, _anchor="comments"))
