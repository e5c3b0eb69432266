"""The account API: sign-up, confirmation, password reset, bearer tokens and /me.

Thin adapters over ``accounts.services``; the answers that could tell whether an address has an
account (sign-up, resend, reset) are the same whatever the case.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pyramid.request import Request

from mobilizon.accounts import preferences, services, tokens
from mobilizon.accounts.schemas import (
    AuthTokenIn,
    AuthTokenOut,
    EmailIn,
    MeDeleteIn,
    MeOut,
    MePatch,
    MessageOut,
    PasswordResetConfirmIn,
    ProfileOut,
    SignUpIn,
    TokenIn,
)
from mobilizon.api import operation
from mobilizon.errors import Invalid
from mobilizon.i18n import _
from mobilizon.ratelimit import client_address

TAGS = ("accounts",)


def _message(request: Request, message: Any) -> MessageOut:
    return MessageOut(message=request.localizer.translate(message))


def me_out(request: Request, user: Any) -> MeOut:
    domain = urlsplit(request.registry.settings["mobilizon.base_url"]).netloc
    default = user.default_actor
    return MeOut(
        email=user.email,
        pending_email=tokens.pending_email_change(request.dbsession, user),
        locale=user.locale,
        timezone=user.timezone,
        role=user.role,
        confirmed=user.confirmed_at is not None,
        created_at=user.created_at,
        settings={"notifications": preferences.notification_settings(user)},
        default_profile=default.preferred_username if default is not None else None,
        profiles=[
            ProfileOut(
                preferred_username=actor.preferred_username,
                name=actor.name,
                url=actor.url,
                handle=actor.handle(domain),
            )
            for actor in sorted(user.actors, key=lambda actor: actor.id)
        ],
    )


@operation(
    route_name="api_users",
    request_method="POST",
    summary="Sign up",
    body=SignUpIn,
    response=MessageOut,
    status=202,
    auth=False,
    errors=(403, 429),
    tags=TAGS,
)
def sign_up(request: Request, body: SignUpIn) -> MessageOut:
    """Create an account and mail its confirmation link. A taken address gets the same answer
    (its owner gets a mail instead). 403 when registrations are closed or the domain is not allowed."""
    services.sign_up(
        request,
        email=body.email,
        password=body.password,
        locale=body.locale or request.locale_name,
        client=client_address(request),
    )
    return _message(
        request,
        _("Check your inbox: follow the link we sent to confirm the address and finish signing up."),
    )


@operation(
    route_name="api_users_confirm",
    request_method="POST",
    summary="Confirm an email address",
    body=TokenIn,
    response=MessageOut,
    auth=False,
    tags=TAGS,
)
def confirm(request: Request, body: TokenIn) -> MessageOut:
    """Confirm the address with the token of the mailed link; 422 when it is used or expired."""
    services.confirm_email(request, token=body.token)
    return _message(request, _("Your email address is confirmed. You can sign in."))


@operation(
    route_name="api_users_resend_confirmation",
    request_method="POST",
    summary="Send the confirmation link again",
    body=EmailIn,
    response=MessageOut,
    status=202,
    auth=False,
    errors=(429,),
    tags=TAGS,
)
def resend_confirmation(request: Request, body: EmailIn) -> MessageOut:
    services.resend_confirmation(request, email=body.email, client=client_address(request))
    return _message(
        request, _("If an account with this address is waiting for confirmation, a new link is on its way.")
    )


@operation(
    route_name="api_password_reset",
    request_method="POST",
    summary="Ask for a password reset link",
    body=EmailIn,
    response=MessageOut,
    status=202,
    auth=False,
    errors=(429,),
    tags=TAGS,
)
def password_reset(request: Request, body: EmailIn) -> MessageOut:
    services.request_password_reset(request, email=body.email, client=client_address(request))
    return _message(
        request, _("If an account exists for this address, a link to reset its password is on its way.")
    )


@operation(
    route_name="api_password_reset_confirm",
    request_method="POST",
    summary="Set a new password with a reset token",
    body=PasswordResetConfirmIn,
    response=MessageOut,
    auth=False,
    tags=TAGS,
)
def password_reset_confirm(request: Request, body: PasswordResetConfirmIn) -> MessageOut:
    """Every session and token of the account ends; sign in again with the new password."""
    services.reset_password(request, token=body.token, password=body.password)
    return _message(request, _("Your password is changed. You can sign in with it."))


@operation(
    route_name="api_auth_token",
    request_method="POST",
    summary="Get a bearer token",
    body=AuthTokenIn,
    response=AuthTokenOut,
    status=201,
    auth=False,
    errors=(401, 403, 429),
    tags=TAGS,
)
def create_token(request: Request, body: AuthTokenIn) -> AuthTokenOut:
    """Sign in with email and password. The token lasts 90 days unless revoked; 403 until the
    address is confirmed."""
    raw, row = services.create_api_token(
        request, email=body.email, password=body.password, name=body.name, client=client_address(request)
    )
    return AuthTokenOut(token=raw, id=row.id, name=row.name, expires_at=row.expires_at)


@operation(
    route_name="api_auth_token",
    request_method="DELETE",
    summary="Revoke the token of this request",
    status=204,
    tags=TAGS,
)
def revoke_token(request: Request) -> None:
    services.revoke_api_token(request.dbsession, request.user, request.environ["mobilizon.auth_token_id"])


@operation(route_name="api_me", request_method="GET", summary="The account", response=MeOut, tags=TAGS)
def get_me(request: Request) -> MeOut:
    return me_out(request, request.user)


@operation(
    route_name="api_me",
    request_method="PATCH",
    summary="Edit the account",
    body=MePatch,
    response=MeOut,
    errors=(403, 429),
    tags=TAGS,
)
def patch_me(request: Request, body: MePatch) -> MeOut:
    """Locale, time zone and notification settings change at once. A new ``password`` or
    ``email`` needs ``current_password``; a new password ends every other session and token,
    a new email changes once the link mailed to it is followed."""
    user = request.user
    notifications = None
    if body.settings is not None and body.settings.notifications is not None:
        notifications = body.settings.notifications.model_dump(exclude_none=True)
    preferences.update_preferences(
        user, locale=body.locale, timezone=body.timezone, notifications=notifications
    )
    if (body.password is not None or body.email is not None) and not body.current_password:
        raise Invalid(
            _("Give your current password to change your email address or password."),
            fields={"current_password": _("Required.")},
        )
    if body.password is not None:
        services.change_password(
            request,
            user,
            current_password=body.current_password or "",
            new_password=body.password,
            keep_token_id=request.environ.get("mobilizon.auth_token_id"),
            field="password",
        )
    if body.email is not None:
        services.request_email_change(
            request, user, new_email=body.email, password=body.current_password or ""
        )
    return me_out(request, user)


@operation(
    route_name="api_me",
    request_method="DELETE",
    summary="Delete the account",
    body=MeDeleteIn,
    status=204,
    errors=(403, 429),
    tags=TAGS,
)
def delete_me(request: Request, body: MeDeleteIn) -> None:
    """Deletes the account and all its profiles, for good; the password confirms it."""
    services.delete_account(request, request.user, password=body.password)
