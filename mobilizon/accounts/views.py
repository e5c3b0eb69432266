"""Account pages: sign-up, confirmation, login/logout, password reset.

Links in mails only ever show a page on GET; the change happens when the person presses the
button (a POST with its CSRF token), because mail scanners open links before people do.
A refused form is shown again with its message and the status of the refusal; too many
attempts end on the 429 page, with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPFound
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from pyramid.view import view_config

from mobilizon.accounts import services, tokens
from mobilizon.errors import RateLimited, ServiceError
from mobilizon.i18n import _
from mobilizon.ratelimit import client_address
from mobilizon.security import forget_user, remember_user


def translate(request: Request, message: Any) -> str:
    return request.localizer.translate(message) if message else ""


def refused(request: Request, error: ServiceError, **values: Any) -> dict[str, Any]:
    """Template values for a form shown again after ``error``, with the error's status."""
    if isinstance(error, RateLimited):
        raise error
    request.response.status_int = error.status
    return {
        "error": translate(request, error.message),
        "code": error.code,
        "fields": {name: translate(request, text) for name, text in error.fields.items()},
        **values,
    }


def form(**values: Any) -> dict[str, Any]:
    """Template values for a form shown for the first time (templates expect every key)."""
    return {"error": None, "code": None, "fields": {}, **values}


def flash(request: Request, message: Any, queue: str = "") -> None:
    request.session.flash(translate(request, message), queue)


def safe_next(request: Request, target: str | None) -> str | None:
    """A local path to return to after login; anything pointing elsewhere is dropped."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return request.application_url + target


def route_exists(request: Request, name: str) -> bool:
    return request.registry.getUtility(IRoutesMapper).get_route(name) is not None


def after_login(request: Request, user: Any, target: str | None = None) -> HTTPFound:
    """Where a person lands once signed in: their first profile to create, else where they were."""
    if not user.actors:
        if route_exists(request, "identity_new"):
            return HTTPFound(request.route_url("identity_new"))
        flash(request, _("Welcome! Create your first profile to take part in events and groups."))
        return HTTPFound(request.route_url("home"))
    return HTTPFound(safe_next(request, target) or request.route_url("home"))


def login_required(request: Request) -> Any:
    """The signed-in account, or a redirection to the login page that comes back here."""
    if request.user is None:
        # after login, come back to the page; a form's address has no page to come back to
        query = {"next": request.path_qs} if request.method == "GET" else {}
        raise HTTPFound(request.route_url("login", _query=query))
    return request.user


# --- sign-up ---------------------------------------------------------------------------------------


def _signup_values(request: Request, **values: Any) -> dict[str, Any]:
    instance = request.instance
    return {
        "mode": instance.registrations,
        "allowed_domains": instance.allowed_domains,
        "contact": instance.contact,
        "email": "",
        **values,
    }


@view_config(route_name="signup", request_method="GET", renderer="accounts/signup.jinja2")
def signup_form(request: Request) -> Any:
    if request.user is not None:
        return HTTPFound(request.route_url("home"))
    return form(**_signup_values(request))


@view_config(route_name="signup", request_method="POST", renderer="accounts/signup.jinja2")
def signup(request: Request) -> Any:
    email = request.POST.get("email", "")
    try:
        services.sign_up(
            request,
            email=email,
            password=request.POST.get("password", ""),
            locale=request.locale_name,
            client=client_address(request),
        )
    except ServiceError as error:
        return refused(request, error, **_signup_values(request, email=email))
    request.override_renderer = "accounts/check_inbox.jinja2"
    return {"email": email.strip(), "reason": "signup", "hours": tokens.token_hours("confirm")}


# --- confirmation ----------------------------------------------------------------------------------


@view_config(route_name="confirm_email", request_method="GET", renderer="accounts/confirm.jinja2")
def confirm_page(request: Request) -> Any:
    try:
        tokens.find_token(request.dbsession, request.matchdict["token"], "confirm")
    except ServiceError as error:
        return refused(request, error)
    return form()


@view_config(route_name="confirm_email", request_method="POST", renderer="accounts/confirm.jinja2")
def confirm(request: Request) -> Any:
    try:
        user = services.confirm_email(request, token=request.matchdict["token"])
    except ServiceError as error:
        return refused(request, error)
    if not user.disabled:
        remember_user(request, user)  # a new session: flash only after it
    flash(request, _("Your email address is confirmed."))
    return after_login(request, user) if not user.disabled else HTTPFound(request.route_url("login"))


@view_config(route_name="resend_confirmation", request_method="GET", renderer="accounts/resend.jinja2")
def resend_form(request: Request) -> Any:
    return form(email=request.GET.get("email", "")[:320])


@view_config(route_name="resend_confirmation", request_method="POST", renderer="accounts/resend.jinja2")
def resend(request: Request) -> Any:
    email = request.POST.get("email", "")
    try:
        services.resend_confirmation(request, email=email, client=client_address(request))
    except ServiceError as error:
        return refused(request, error, email=email)
    request.override_renderer = "accounts/check_inbox.jinja2"
    return {"email": email.strip(), "reason": "resend", "hours": tokens.token_hours("confirm")}


# --- login and logout ------------------------------------------------------------------------------


@view_config(route_name="login", request_method="GET", renderer="accounts/login.jinja2")
def login_form(request: Request) -> Any:
    if request.user is not None:
        return HTTPFound(request.route_url("home"))
    return form(email="", next=request.GET.get("next", ""))


@view_config(route_name="login", request_method="POST", renderer="accounts/login.jinja2")
def login(request: Request) -> Any:
    email = request.POST.get("email", "")
    target = request.POST.get("next", "")
    try:
        user = services.authenticate(
            request, email=email, password=request.POST.get("password", ""), client=client_address(request)
        )
    except ServiceError as error:
        return refused(request, error, email=email, next=target)
    remember_user(request, user)
    return after_login(request, user, target)


@view_config(route_name="logout", request_method="GET", renderer="accounts/logout.jinja2")
def logout_page(request: Request) -> Any:
    if request.user is None:
        return HTTPFound(request.route_url("home"))
    return {}


@view_config(route_name="logout", request_method="POST")
def logout(request: Request) -> HTTPFound:
    forget_user(request)
    flash(request, _("You are signed out."))
    return HTTPFound(request.route_url("home"))


# --- password reset --------------------------------------------------------------------------------


@view_config(route_name="password_reset", request_method="GET", renderer="accounts/password_reset.jinja2")
def password_reset_form(request: Request) -> Any:
    return form(email=request.GET.get("email", "")[:320])


@view_config(route_name="password_reset", request_method="POST", renderer="accounts/password_reset.jinja2")
def password_reset(request: Request) -> Any:
    email = request.POST.get("email", "")
    try:
        services.request_password_reset(request, email=email, client=client_address(request))
    except ServiceError as error:
        return refused(request, error, email=email)
    request.override_renderer = "accounts/check_inbox.jinja2"
    return {"email": email.strip(), "reason": "reset", "hours": tokens.token_hours("reset")}


@view_config(
    route_name="password_reset_confirm", request_method="GET", renderer="accounts/password_new.jinja2"
)
def password_reset_confirm_form(request: Request) -> Any:
    try:
        services.check_reset_token(request.dbsession, request.matchdict["token"])
    except ServiceError as error:
        return refused(request, error, usable=False)
    return form(usable=True)


@view_config(
    route_name="password_reset_confirm", request_method="POST", renderer="accounts/password_new.jinja2"
)
def password_reset_confirm(request: Request) -> Any:
    try:
        user = services.reset_password(
            request, token=request.matchdict["token"], password=request.POST.get("password", "")
        )
    except ServiceError as error:
        return refused(
            request, error, usable=error.code not in ("token_invalid", "token_used", "token_expired")
        )
    if not user.disabled:
        remember_user(request, user)  # a new session: flash only after it
    flash(request, _("Your password is changed. Every other session of your account has ended."))
    return after_login(request, user) if not user.disabled else HTTPFound(request.route_url("login"))
