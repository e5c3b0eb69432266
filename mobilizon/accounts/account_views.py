"""The signed-in account's own pages: settings, email and password changes, sessions and API
tokens, data export and deletion. Each form posts to its own address and comes back to the
settings page, shown again with the refused section's message when something is wrong.
"""

from __future__ import annotations

import json
from typing import Any

from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.accounts import preferences, services, tokens
from mobilizon.accounts.views import flash, form, login_required, refused, translate
from mobilizon.errors import ServiceError
from mobilizon.i18n import _
from mobilizon.security import forget_user, remember_user

SETTINGS_TEMPLATE = "accounts/settings.jinja2"
FREQUENCY_LABELS = {
    "none": _("Never"),
    "direct": _("As it happens"),
    "one_hour": _("At most once an hour"),
    "one_day": _("At most once a day"),
    "one_week": _("At most once a week"),
}
NOTIFICATION_LABELS = {
    "on_day": _("A reminder on the morning of each event I take part in"),
    "each_week": _("A summary of my week's events, on Monday mornings"),
    "before_event": _("A reminder one hour before each event I take part in"),
    "pending_participation": _("Requests to take part in the events I organise"),
    "pending_membership": _("Requests to join the groups I administer"),
    "group_activity": _("News from my groups"),
}


def settings_values(request: Request, user: Any, section: str = "", **refusal: Any) -> dict[str, Any]:
    """Everything the settings page shows; ``section`` names the form that was refused."""
    return {
        "user": user,
        "section": section,
        "locales": (("en", "English"), ("fr", "Français")),
        "timezones": preferences.timezones(),
        "current_timezone": user.timezone or request.registry.settings["mobilizon.default_timezone"],
        "notifications": preferences.notification_settings(user),
        "notification_labels": NOTIFICATION_LABELS,
        "frequency_labels": FREQUENCY_LABELS,
        "pending_email": tokens.pending_email_change(request.dbsession, user),
        "api_tokens": services.active_api_tokens(request.dbsession, user),
        **form(),
        **refusal,
    }


def back_to_settings(request: Request) -> HTTPFound:
    return HTTPFound(request.route_url("account_settings"))


@view_config(route_name="account_settings", request_method="GET", renderer=SETTINGS_TEMPLATE)
def settings_page(request: Request) -> Any:
    return settings_values(request, login_required(request))


def _notifications_from_form(request: Request) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, default in preferences.NOTIFICATION_DEFAULTS.items():
        if isinstance(default, bool):
            values[key] = request.POST.get(f"notifications.{key}") == "on"
        elif f"notifications.{key}" in request.POST:
            values[key] = request.POST[f"notifications.{key}"]
    return values


@view_config(route_name="account_settings", request_method="POST", renderer=SETTINGS_TEMPLATE)
def save_settings(request: Request) -> Any:
    user = login_required(request)
    try:
        preferences.update_preferences(
            user,
            locale=request.POST.get("locale") or None,
            timezone=request.POST.get("timezone") or None,
            notifications=_notifications_from_form(request),
        )
    except ServiceError as error:
        return settings_values(request, user, "preferences", **refused(request, error))
    # said in the language just chosen, which the next page will be in
    localizer = make_localizer(
        user.locale, request.registry.queryUtility(ITranslationDirectories, default=[])
    )
    request.session.flash(localizer.translate(_("Your settings are saved.")))
    return back_to_settings(request)


@view_config(route_name="account_email", request_method="POST", renderer=SETTINGS_TEMPLATE)
def change_email(request: Request) -> Any:
    user = login_required(request)
    email = request.POST.get("email", "")
    try:
        services.request_email_change(
            request, user, new_email=email, password=request.POST.get("current_password", "")
        )
    except ServiceError as error:
        return settings_values(request, user, "email", **refused(request, error))
    flash(
        request,
        _(
            "We sent a link to ${email}: your address changes when you follow it.",
            mapping={"email": services.normalize_email(email)},
        ),
    )
    return back_to_settings(request)


@view_config(route_name="account_email_confirm", request_method="GET", renderer="accounts/confirm.jinja2")
def confirm_email_change_page(request: Request) -> Any:
    try:
        row = tokens.find_token(request.dbsession, request.matchdict["token"], "email_change")
    except ServiceError as error:
        return refused(request, error, new_email=None)
    return form(new_email=row.data.get("email"))


@view_config(route_name="account_email_confirm", request_method="POST", renderer="accounts/confirm.jinja2")
def confirm_email_change(request: Request) -> Any:
    try:
        user = services.confirm_email_change(request, token=request.matchdict["token"])
    except ServiceError as error:
        return refused(request, error, new_email=None)
    flash(request, _("Your email address is now ${email}.", mapping={"email": user.email}))
    target = "account_settings" if request.user is not None else "login"
    return HTTPFound(request.route_url(target))


@view_config(route_name="account_password", request_method="POST", renderer=SETTINGS_TEMPLATE)
def change_password(request: Request) -> Any:
    user = login_required(request)
    try:
        services.change_password(
            request,
            user,
            current_password=request.POST.get("current_password", ""),
            new_password=request.POST.get("new_password", ""),
        )
    except ServiceError as error:
        return settings_values(request, user, "password", **refused(request, error))
    remember_user(request, user)  # this browser stays signed in, with the new epoch
    flash(request, _("Your password is changed. Every other session of your account has ended."))
    return back_to_settings(request)


@view_config(route_name="account_sessions", request_method="POST")
def end_sessions(request: Request) -> HTTPFound:
    user = login_required(request)
    services.end_other_sessions(request.dbsession, user)
    remember_user(request, user)
    flash(request, _("Every other session and API token of your account has ended."))
    return back_to_settings(request)


@view_config(route_name="account_token_revoke", request_method="POST")
def revoke_token(request: Request) -> HTTPFound:
    user = login_required(request)
    try:
        token_id = int(request.matchdict["id"])
        services.revoke_api_token(request.dbsession, user, token_id)
    except ValueError:
        flash(request, _("This token does not exist."), "error")
    except ServiceError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("The token is revoked."))
    return back_to_settings(request)


# --- deletion and export ---------------------------------------------------------------------------


@view_config(route_name="account_delete", request_method="GET", renderer="accounts/delete.jinja2")
def delete_page(request: Request) -> Any:
    user = login_required(request)
    return form(profiles=sorted(user.actors, key=lambda actor: actor.id))


@view_config(route_name="account_delete", request_method="POST", renderer="accounts/delete.jinja2")
def delete(request: Request) -> Any:
    user = login_required(request)
    profiles = sorted(user.actors, key=lambda actor: actor.id)
    try:
        services.delete_account(request, user, password=request.POST.get("password", ""))
    except ServiceError as error:
        return refused(request, error, profiles=profiles)
    message = translate(request, _("Your account and all its profiles are deleted. Goodbye!"))
    forget_user(request)
    request.session.flash(message)
    return HTTPFound(request.route_url("home"))


def _download(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body=body, content_type=content_type, charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    response.cache_control = "no-store"
    return response


@view_config(route_name="account_export", request_method="GET")
def export_json(request: Request) -> Response:
    user = login_required(request)
    export = preferences.export_account(user)
    export["events"] = preferences.exported_events(request.dbsession, user)
    body = json.dumps(export, indent=2, ensure_ascii=False).encode("utf-8")
    return _download(body, "application/json", "mobilizon-account.json")


@view_config(route_name="account_export_ics", request_method="GET")
def export_ics(request: Request) -> Response:
    user = login_required(request)
    return _download(
        preferences.export_calendar(request.dbsession, user, request.registry.settings),
        "text/calendar",
        "mobilizon-events.ics",
    )
