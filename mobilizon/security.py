"""Security baseline: signed-cookie sessions, CSRF on every unsafe request, response headers,
and who the request is (an account, from the session).

The session cookie carries only the account id and its ``auth_epoch``; bumping the epoch (on a
password change, or "log out everywhere") ends every session of the account at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.config import Configurator
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.request import Request
from pyramid.response import Response
from pyramid.session import SignedCookieSessionFactory
from sqlalchemy import select

from mobilizon.models.meta import utcnow

SESSION_USER = "auth.user_id"
SESSION_EPOCH = "auth.epoch"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def load_user(request: Request) -> Any:
    """The signed-in account, or None; disabled accounts and stale sessions count as signed out.

    Under /api/ only a bearer token counts: a cookie must never authenticate an API call, or a
    page on another site could act through the API without a CSRF token.
    """
    from mobilizon.accounts.models import User

    if request.path.startswith("/api/"):
        return user_from_token(request)
    user_id = request.session.get(SESSION_USER)
    if user_id is None:
        return None
    user = request.dbsession.get(User, user_id)
    if user is None or user.disabled or user.auth_epoch != request.session.get(SESSION_EPOCH):
        request.session.invalidate()
        return None
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_from_token(request: Request) -> Any:
    from mobilizon.accounts.models import AuthToken

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    row = request.dbsession.scalar(select(AuthToken).where(AuthToken.token_hash == hash_token(token.strip())))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = row.user
    if user.disabled:
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
        row.last_used_at = now
    request.environ["mobilizon.auth_token_id"] = row.id
    return user


def remember_user(request: Request, user: Any) -> None:
    """Sign in: a new session (no fixation), tied to the account's current epoch."""
    request.session.invalidate()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_EPOCH] = user.auth_epoch


def forget_user(request: Request) -> None:
    request.session.invalidate()


class SecurityPolicy:
    """Identity from the request's account; principals for ACL-protected views."""

    def __init__(self) -> None:
        self.acl = ACLHelper()

    def identity(self, request: Request) -> Any:
        return request.user

    def authenticated_userid(self, request: Request) -> int | None:
        user = request.user
        return user.id if user is not None else None

    def permits(self, request: Request, context: Any, permission: str) -> Any:
        return self.acl.permits(context, self.principals(request), permission)

    def principals(self, request: Request) -> list[str]:
        principals = [Everyone]
        user = request.user
        if user is not None:
            principals += [Authenticated, f"user:{user.id}", f"role:{user.role}"]
        return principals

    def remember(self, request: Request, userid: Any, **kw: Any) -> list[tuple[str, str]]:
        return []

    def forget(self, request: Request, **kw: Any) -> list[tuple[str, str]]:
        return []


def security_headers_tween_factory(
    handler: Callable[[Request], Response], registry: Any
) -> Callable[[Request], Response]:
    https = registry.settings["mobilizon.base_url"].startswith("https://")

    def tween(request: Request) -> Response:
        response = handler(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return tween


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    https = settings["mobilizon.base_url"].startswith("https://")
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["mobilizon.secret"],
            cookie_name="mobilizon_session",
            secure=https,
            httponly=True,
            samesite="Lax",
            max_age=None,
            timeout=14 * 24 * 3600,
            reissue_time=3600,
        )
    )
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True, check_origin=True, allow_no_origin=True)
    config.set_security_policy(SecurityPolicy())
    config.add_request_method(load_user, "user", reify=True)
    config.add_tween("mobilizon.security.security_headers_tween_factory")
