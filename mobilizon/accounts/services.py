"""Account rules: sign-up, confirmation, login, password and email changes, deletion.

HTML views, the JSON API and the ``mobilizon users create`` command all come through here, so
each rule is written once. Functions that send mail take a context with ``dbsession``,
``registry`` and ``tm`` (a request, a job's context, or the command's own), and mails leave only
when that transaction commits.

Answers never reveal whether an email has an account: sign-up with a taken address, resends and
reset requests all answer the same, and the owner of the address gets a mail instead.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

import transaction
from pyramid.registry import Registry
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mobilizon.accounts import mails
from mobilizon.accounts.models import AccountToken, AuthToken, User
from mobilizon.accounts.passwords import check_password, hash_password, needs_rehash, verify_password
from mobilizon.accounts.preferences import NOTIFICATION_DEFAULTS
from mobilizon.accounts.tokens import consume_tokens, find_token, issue_token, token_hours
from mobilizon.errors import Conflict, Forbidden, Invalid, Unauthorized
from mobilizon.i18n import _
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token
from mobilizon.settings import LOCALES

API_TOKEN_LIFETIME = timedelta(days=90)
MAX_EMAIL_LENGTH = 254

_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)


class Context(Protocol):
    """What account services need: a Pyramid request and a job's context both have it."""

    dbsession: Session
    registry: Registry
    tm: transaction.TransactionManager


# --- emails ----------------------------------------------------------------------------------------


def normalize_email(email: str | None, field: str = "email") -> str:
    """The address lower-cased, with an internationalised domain in its ASCII form; or Invalid."""
    text = (email or "").strip()
    local, at, domain = text.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        domain = ""
    if (
        not at
        or len(text) > MAX_EMAIL_LENGTH
        or len(local) > 64
        or not _LOCAL_PART.match(local)
        or not _DOMAIN.match(domain)
    ):
        raise Invalid(
            _("This is not a valid email address."),
            fields={field: _("Enter an email address such as name@example.org.")},
            code="invalid_email",
        )
    return f"{local.lower()}@{domain}"


def find_user(dbsession: Session, email: str) -> User | None:
    return dbsession.scalar(select(User).where(User.email == email.strip().lower()))


# --- registration ----------------------------------------------------------------------------------


def registration_mode(dbsession: Session, settings: Mapping[str, Any]) -> tuple[str, list[str]]:
    """``(mode, allowed domains)``; the mode may have been changed by an administrator."""
    from mobilizon.instance.services import instance_info

    info = instance_info(dbsession, settings)
    return info.registrations, [domain.lower() for domain in info.allowed_domains]


def check_allowed(email: str, mode: str, allowed: list[str], field: str = "email") -> None:
    """In allowlist mode, refuse addresses outside the allowed domains (or listed addresses)."""
    if mode != "allowlist":
        return
    domain = email.rsplit("@", 1)[1]
    if email in allowed or domain in allowed:
        return
    raise Forbidden(
        _(
            "This instance only accepts addresses of these domains: ${domains}.",
            mapping={"domains": ", ".join(allowed)},
        ),
        fields={field: _("Use an address of an allowed domain.")},
        code="email_domain_not_allowed",
    )


def create_account(
    dbsession: Session,
    settings: Mapping[str, Any],
    *,
    email: str,
    password: str,
    role: str = "user",
    locale: str | None = None,
    confirmed: bool = False,
) -> User:
    """A new account after checking the address and password; Conflict when the address is taken.

    Registration modes do not apply here: sign-up checks them, administrators bypass them.
    """
    email = normalize_email(email)
    check_password(password, email=email)
    if find_user(dbsession, email) is not None:
        raise Conflict(
            _("An account already uses this email address."),
            fields={"email": _("Already used.")},
            code="email_taken",
        )
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        locale=locale if locale in LOCALES else settings["mobilizon.default_locale"],
        confirmed_at=utcnow() if confirmed else None,
        settings={"notifications": dict(NOTIFICATION_DEFAULTS)},
    )
    dbsession.add(user)
    dbsession.flush()
    return user


def sign_up(
    ctx: Context, *, email: str, password: str, locale: str | None = None, client: str | None = None
) -> User | None:
    """Create an unconfirmed account and mail its confirmation link.

    A taken address gets a "you already have an account" mail instead and the caller answers
    exactly as for a new one (returns None), so sign-up cannot be used to test addresses.
    """
    settings = ctx.registry.settings
    limiter = ctx.registry["ratelimiter"]
    limiter.hit("signup", ip=client)
    mode, allowed = registration_mode(ctx.dbsession, settings)
    if mode == "closed":
        raise Forbidden(_("This instance does not accept new accounts."), code="registrations_closed")
    email = normalize_email(email)
    check_allowed(email, mode, allowed)
    check_password(password, email=email)
    limiter.hit("signup", account=email)
    existing = find_user(ctx.dbsession, email)
    if existing is not None:
        hash_password(password)  # the same work as a real sign-up: timing tells nothing either
        mails.send(ctx, existing, "account_exists", {"reason": "signup"})
        return None
    user = create_account(ctx.dbsession, settings, email=email, password=password, locale=locale)
    send_confirmation(ctx, user)
    return user


def send_confirmation(ctx: Context, user: User) -> None:
    raw = issue_token(ctx.dbsession, user, "confirm")
    mails.send(
        ctx,
        user,
        "confirm_email",
        {"link": mails.url(ctx.registry, "confirm_email", token=raw), "hours": token_hours("confirm")},
    )


def resend_confirmation(ctx: Context, *, email: str, client: str | None = None) -> None:
    """Send a new confirmation link if the address has an unconfirmed account; silent otherwise."""
    ctx.registry["ratelimiter"].hit("resend", ip=client, account=(email or "").strip().lower()[:254])
    email = normalize_email(email)
    user = find_user(ctx.dbsession, email)
    if user is not None and user.confirmed_at is None and not user.disabled:
        send_confirmation(ctx, user)


def confirm_email(ctx: Context, *, token: str) -> User:
    """Confirm the address the link was sent to; the link then stops working."""
    row = find_token(ctx.dbsession, token, "confirm")
    user = row.user
    consume_tokens(ctx.dbsession, user, "confirm")
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    return user


# --- login -----------------------------------------------------------------------------------------


def authenticate(ctx: Context, *, email: str, password: str, client: str | None = None) -> User:
    """The account these credentials open, or the reason it cannot sign in.

    Failed attempts count against the client address and the account; an unknown address costs
    the same argon2 check as a known one, and both answer "wrong email or password".
    """
    limiter = ctx.registry["ratelimiter"]
    key = (email or "").strip().lower()[:MAX_EMAIL_LENGTH]
    limiter.check("login", ip=client, account=key)
    user = find_user(ctx.dbsession, key) if key else None
    if not verify_password(user.password_hash if user is not None else None, password or ""):
        limiter.hit("login", ip=client, account=key)
        raise Unauthorized(_("Wrong email or password."), code="wrong_credentials")
    assert user is not None
    if user.disabled:
        raise Forbidden(
            _("This account is disabled. Contact the administrators of this instance to know why."),
            code="account_disabled",
        )
    if user.confirmed_at is None:
        raise Forbidden(
            _(
                "Confirm your email address first: follow the link in the mail we sent you. "
                "No mail? We can send it again."
            ),
            code="unconfirmed",
        )
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = utcnow()
    return user


def create_api_token(
    ctx: Context, *, email: str, password: str, name: str = "", client: str | None = None
) -> tuple[str, AuthToken]:
    """Sign in for the API: a new bearer token (returned once, stored as a hash)."""
    user = authenticate(ctx, email=email, password=password, client=client)
    raw = secrets.token_urlsafe(32)
    row = AuthToken(
        user=user,
        token_hash=hash_token(raw),
        name=(name or "").strip()[:100],
        expires_at=utcnow() + API_TOKEN_LIFETIME,
    )
    ctx.dbsession.add(row)
    ctx.dbsession.flush()
    return raw, row


def revoke_api_token(dbsession: Session, user: User, token_id: int) -> None:
    """Revoke one of the account's own tokens (another account's token is not found)."""
    row = dbsession.get(AuthToken, token_id)
    if row is None or row.user_id != user.id:
        raise Invalid(_("This token does not exist."), code="token_invalid")
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def active_api_tokens(dbsession: Session, user: User) -> list[AuthToken]:
    now = utcnow()
    rows = dbsession.scalars(
        select(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    ).all()
    return [row for row in rows if row.expires_at is None or row.expires_at > now]


def end_other_sessions(dbsession: Session, user: User, keep_token_id: int | None = None) -> None:
    """End every session and API token of the account but the caller's own.

    Sessions carry the account's ``auth_epoch``: bumping it signs every browser out (the caller
    signs in again with the new epoch); tokens are revoked in the table.
    """
    user.auth_epoch = (user.auth_epoch or 0) + 1
    statement = update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    if keep_token_id is not None:
        statement = statement.where(AuthToken.id != keep_token_id)
    dbsession.execute(statement.values(revoked_at=utcnow()).execution_options(synchronize_session="fetch"))


# --- password --------------------------------------------------------------------------------------


def request_password_reset(ctx: Context, *, email: str, client: str | None = None) -> None:
    """Mail a reset link if the address has an account; the answer is the same either way."""
    ctx.registry["ratelimiter"].hit("reset", ip=client, account=(email or "").strip().lower()[:254])
    email = normalize_email(email)
    user = find_user(ctx.dbsession, email)
    if user is None or user.disabled:
        return
    raw = issue_token(ctx.dbsession, user, "reset")
    mails.send(
        ctx,
        user,
        "password_reset",
        {"link": mails.url(ctx.registry, "password_reset_confirm", token=raw), "hours": token_hours("reset")},
    )


def check_reset_token(dbsession: Session, token: str) -> AccountToken:
    """Tell early (before the person types a new password) whether a reset link still works."""
    return find_token(dbsession, token, "reset")


def reset_password(ctx: Context, *, token: str, password: str) -> User:
    """Set a new password from a reset link; every session and token of the account ends."""
    row = find_token(ctx.dbsession, token, "reset")
    user = row.user
    check_password(password, email=user.email)
    _set_password(ctx, user, password)
    if user.confirmed_at is None:  # the link reached the address: it is confirmed too
        user.confirmed_at = utcnow()
    return user


def _set_password(ctx: Context, user: User, password: str, keep_token_id: int | None = None) -> None:
    user.password_hash = hash_password(password)
    consume_tokens(ctx.dbsession, user, "reset")
    end_other_sessions(ctx.dbsession, user, keep_token_id)
    mails.send(ctx, user, "password_changed", {"link": mails.url(ctx.registry, "password_reset")})


def require_password(ctx: Context, user: User, password: str, field: str = "current_password") -> None:
    """Sensitive changes ask for the password again; wrong guesses count as failed logins."""
    limiter = ctx.registry["ratelimiter"]
    limiter.check("login", account=user.email)
    if not verify_password(user.password_hash, password or ""):
        limiter.hit("login", account=user.email)
        raise Forbidden(
            _("Your current password is not right."),
            fields={field: _("Wrong password.")},
            code="wrong_password",
        )


def change_password(
    ctx: Context,
    user: User,
    *,
    current_password: str,
    new_password: str,
    keep_token_id: int | None = None,
    field: str = "new_password",
) -> None:
    """Change the password; every other session and token of the account ends."""
    require_password(ctx, user, current_password)
    check_password(new_password, email=user.email, field=field)
    _set_password(ctx, user, new_password, keep_token_id)


# --- email change ----------------------------------------------------------------------------------


def request_email_change(ctx: Context, user: User, *, new_email: str, password: str) -> None:
    """Mail a confirmation link to the new address, and a notice to the current one.

    The address changes only when the link is followed, so a typo cannot lock anyone out. When
    the new address already has an account, its owner is told instead and the answer is the same.
    """
    require_password(ctx, user, password)
    email = normalize_email(new_email)
    if email == user.email:
        raise Invalid(
            _("This is already your email address."), fields={"email": _("Same as now.")}, code="same_email"
        )
    mode, allowed = registration_mode(ctx.dbsession, ctx.registry.settings)
    check_allowed(email, mode, allowed)
    # a link mailed to an address of the person's choosing: counted like confirmation resends,
    # so nobody can flood someone else's inbox through this form
    ctx.registry["ratelimiter"].hit("resend", account=email)
    owner = find_user(ctx.dbsession, email)
    if owner is not None:
        mails.send(ctx, owner, "account_exists", {"reason": "email_change"})
    else:
        raw = issue_token(ctx.dbsession, user, "email_change", data={"email": email})
        link = mails.url(ctx.registry, "account_email_confirm", token=raw)
        mails.send(ctx, user, "email_change", {"link": link, "hours": token_hours("email_change")}, to=email)
    mails.send(ctx, user, "email_change_notice", {"new_email": email})


def confirm_email_change(ctx: Context, *, token: str) -> User:
    """Switch to the new address once its link is followed, unless someone took it meanwhile."""
    row = find_token(ctx.dbsession, token, "email_change")
    user = row.user
    email = str(row.data.get("email", ""))
    owner = find_user(ctx.dbsession, email)
    if owner is not None and owner.id != user.id:
        raise Conflict(_("This address now belongs to another account."), code="email_taken")
    consume_tokens(ctx.dbsession, user, "email_change")
    user.email = email
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    return user


# --- deletion and export ---------------------------------------------------------------------------


def delete_account(ctx: Context, user: User, *, password: str) -> None:
    """Delete the account and, through the foreign keys, all its profiles and tokens."""
    require_password(ctx, user, password, field="password")
    ctx.dbsession.delete(user)
    ctx.dbsession.flush()
