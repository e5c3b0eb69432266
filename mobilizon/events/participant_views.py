"""HTML pages for taking part: the join and leave buttons, the links mailed to anonymous
participants, and the organisers' participant list with its CSV export.

Links in mails never change anything on GET (mail scanners open every link): they show a page
with a button, and the button's POST does the work.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.errors import NotFound, ServiceError
from mobilizon.events import participations, services
from mobilizon.events.models import ROLES
from mobilizon.events.views import flash, form_error, page_number, page_values, pagination, render
from mobilizon.i18n import _
from mobilizon.identities.views import signed_in_user
from mobilizon.ratelimit import client_address

PER_PAGE = 50


@view_config(route_name="event_join", request_method="POST")
def join(request: Request) -> Response:
    """With an account: join as the chosen profile. Without: join with an email only."""
    uuid = request.matchdict["uuid"]
    message = request.POST.get("message") or None
    email = (request.POST.get("email") or "").strip()
    try:
        if request.user is None:
            if not email:
                signed_in_user(request)  # asks to sign in, unless an email was given
            participations.join_anonymously(
                request, uuid, email, message, request.locale_name, client=client_address(request)
            )
            event = services.get_event(request.dbsession, None, uuid)
            return render(request, "events/check_mailbox.jinja2", {"event": event, "email": email})
        participant = participations.join(
            request, request.user, uuid, request.POST.get("identity") or None, message
        )
    except ServiceError as error:
        text, fields = form_error(request, error)
        event = services.get_event(request.dbsession, request.user, uuid)
        values = page_values(
            request,
            event,
            join_error=text,
            join_errors=fields,
            join_values={"email": email, "message": message or ""},
        )
        return render(request, "events/show.jinja2", values, error.status)
    if participant.role == "not_approved":
        flash(request, _("Your request is sent: the organisers will review it."))
    else:
        flash(request, _("You take part in this event. See you there!"))
    return HTTPSeeOther(request.route_url("event", uuid=participant.event.uuid))


@view_config(route_name="event_leave", request_method="POST")
def leave(request: Request) -> Response:
    user = signed_in_user(request)
    uuid = request.matchdict["uuid"]
    participations.leave(request, user, uuid, request.POST.get("identity") or None)
    flash(request, _("You no longer take part in this event."))
    return HTTPSeeOther(request.route_url("event", uuid=uuid))


# --- the links mailed to anonymous participants -----------------------------------------------


def _token_page(request: Request, kind: str) -> Response:
    token = request.matchdict["token"]
    template = f"events/participation_{kind}.jinja2"
    try:
        participant = participations.find_by_token(request.dbsession, token, kind)
    except ServiceError as error:
        text, _fields = form_error(request, error)
        return render(
            request, template, {"error": text, "event": None, "token": token, "done": False}, error.status
        )
    values: dict[str, Any] = {"error": "", "event": participant.event, "token": token, "done": False}
    if request.method == "GET":
        return render(request, template, values)
    try:
        if kind == "confirm":
            participant = participations.confirm_anonymous(request, token)
            values["role"] = participant.role
        else:
            event = participations.cancel_anonymous(request, token)
            flash(request, _("Your participation is cancelled."))
            return HTTPSeeOther(request.route_url("event", uuid=event.uuid))
    except ServiceError as error:
        values["error"], _fields = form_error(request, error)
        return render(request, template, values, error.status)
    values["done"] = True
    return render(request, template, values)


@view_config(route_name="participation_confirm", request_method=("GET", "POST"))
def confirm(request: Request) -> Response:
    return _token_page(request, "confirm")


@view_config(route_name="participation_cancel", request_method=("GET", "POST"))
def cancel(request: Request) -> Response:
    return _token_page(request, "cancel")


# --- the organisers' list ---------------------------------------------------------------------


@view_config(route_name="event_participants", request_method="GET")
def participants(request: Request) -> Response:
    user = signed_in_user(request)
    role = request.GET.get("role") or None
    roles = [role] if role in ROLES else None
    page = page_number(request)
    event, rows, total = participations.list_participants(
        request.dbsession, user, request.matchdict["uuid"], roles, (page - 1) * PER_PAGE, PER_PAGE
    )
    values = {
        "event": event,
        "participants": rows,
        "role": role if roles else "",
        "roles": ROLES,
        "role_labels": participations.ROLE_LABELS,
        "organiser": services.is_organiser(user, event),
        "seats": services.seats(request.dbsession, event),
        "pagination": pagination(request, page, total, PER_PAGE),
    }
    return render(request, "events/participants.jinja2", values)


@view_config(route_name="event_participants", request_method="POST")
def invite(request: Request) -> Response:
    """Organisers add a profile of this instance by its username."""
    user = signed_in_user(request)
    uuid = request.matchdict["uuid"]
    try:
        participant = participations.invite(request, user, uuid, request.POST.get("username", ""))
    except ServiceError as error:
        text, _fields = form_error(request, error)
        flash(request, text, "error")
    else:
        flash(request, _("@${name} now takes part in the event."), name=participant.actor.preferred_username)
    return HTTPSeeOther(request.route_url("event_participants", uuid=uuid))


ACTIONS = {"approve": "participant", "reject": "rejected", "promote": "moderator", "demote": "participant"}


@view_config(route_name="event_participant", request_method="POST")
def participant_action(request: Request) -> Response:
    user = signed_in_user(request)
    action = request.POST.get("action", "")
    participant = participations.get_participation(request.dbsession, request.matchdict["id"])
    uuid = request.matchdict["uuid"]
    if str(participant.event.uuid) != str(services.parse_uuid(uuid)):
        raise NotFound(_("There is no such participation."))
    try:
        if action == "remove":
            participations.remove_participation(request, user, participant.id)
        else:
            participations.update_role(request, user, participant.id, ACTIONS.get(action, action))
    except ServiceError as error:
        text, _fields = form_error(request, error)
        flash(request, text, "error")
        return HTTPSeeOther(request.route_url("event_participants", uuid=uuid))
    flash(request, _("Done."))
    return HTTPSeeOther(request.route_url("event_participants", uuid=uuid, _query=dict(request.GET)))


@view_config(route_name="event_participants_csv", request_method="GET")
def participants_csv(request: Request) -> Response:
    user = signed_in_user(request)
    event, text = participations.export_csv(
        request.dbsession, user, request.matchdict["uuid"], request.localizer.translate
    )
    response = Response(text.encode("utf-8-sig"), content_type="text/csv", charset="utf-8")
    response.content_disposition = f'attachment; filename="participants-{event.uuid}.csv"'
    response.cache_control = "private, no-store"
    return response
