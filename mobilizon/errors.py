"""Friendly error pages for people, ``{"error": {...}}`` bodies for the JSON API.

Every failure ends here: HTTP errors raised on purpose keep their status and message; anything
unexpected becomes a 500 whose details go to the log, never to the client.
"""

from __future__ import annotations

import logging
from typing import Any

from pyramid.config import Configurator
from pyramid.csrf import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from mobilizon.i18n import _

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}

DEFAULT_MESSAGES = {
    400: _("The request could not be understood."),
    401: _("You need to sign in first."),
    403: _("You are not allowed to do this."),
    404: _("This page does not exist, or it is not visible to you."),
    405: _("This address does not accept that method."),
    409: _("This conflicts with something that already exists."),
    413: _("What you sent is too large."),
    422: _("Some values are not valid."),
    429: _("Too many attempts; wait a little and try again."),
    500: _("Something went wrong on our side. The administrators have been told."),
}


def wants_json(request: Request) -> bool:
    """JSON under /api/, and for clients that ask for JSON but not HTML (ActivityPub peers)."""
    if request.path.startswith("/api/"):
        return True
    offers = request.accept.acceptable_offers(["text/html", "application/json"])
    return bool(offers) and offers[0][0] == "application/json" and "text/html" not in dict(offers)


def error_response(
    request: Request,
    status: int,
    message: Any = None,
    fields: dict[str, Any] | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render an error for this request: JSON under /api/, a themed page elsewhere."""
    text = (
        request.localizer.translate(message)
        if message
        else request.localizer.translate(
            DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[400 if status < 500 else 500])
        )
    )
    code = code or CODES.get(status, "error")
    if wants_json(request):
        body: dict[str, Any] = {"code": code, "message": text}
        if fields:
            body["fields"] = fields
        response = Response(json_body={"error": body}, status=status, charset="utf-8")
    else:
        response = render_to_response(
            "error.jinja2", {"status": status, "message": text, "fields": fields or {}}, request=request
        )
        response.status = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@notfound_view_config()
def not_found(exc: HTTPNotFound, request: Request) -> Response:
    return error_response(request, 404, _explicit_message(exc, request))


@forbidden_view_config()
def forbidden(exc: HTTPForbidden, request: Request) -> Response:
    return error_response(request, 403, _explicit_message(exc, request))


@exception_view_config(BadCSRFToken)
@exception_view_config(BadCSRFOrigin)
def bad_csrf(exc: Exception, request: Request) -> Response:
    return error_response(
        request,
        400,
        _("This form has expired or did not come from this site. Go back, reload the page and try again."),
        code="csrf",
    )


@exception_view_config(HTTPException)
def http_error(exc: HTTPException, request: Request) -> Response:
    if exc.code < 400:
        return exc
    headers = {
        k: v for k, v in exc.headers.items() if k.lower() in ("retry-after", "allow", "www-authenticate")
    }
    return error_response(request, exc.code, _explicit_message(exc, request), headers=headers)


@exception_view_config(Exception)
def server_error(exc: Exception, request: Request) -> Response:
    # pyramid_tm aborts the transaction because request.exception is set
    log.exception("unhandled error on %s %s", request.method, request.path_qs)
    return error_response(request, 500)


def _explicit_message(exc: HTTPException, request: Request) -> Any:
    """The message our code raised with; Pyramid's own (the path, "Unauthorized: ...") is dropped."""
    detail = getattr(exc, "detail", None)
    if not detail or detail == request.path_info or str(detail).startswith("Unauthorized: "):
        return None
    return detail


def includeme(config: Configurator) -> None:
    config.scan(__name__)


class ServiceError(Exception):
    """A rule said no. Services raise these; views and the API turn them into 4xx answers.

    ``message`` is a TranslationString (or plain text) a person can act on; ``fields`` maps form
    or JSON field names to their own messages.
    """

    status = 400
    code = "bad_request"

    def __init__(
        self, message: Any = None, *, fields: dict[str, Any] | None = None, code: str | None = None
    ) -> None:
        super().__init__(str(message) if message is not None else self.code)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class Invalid(ServiceError):
    status = 422
    code = "invalid"


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: Any = None, *, retry_after: int = 60, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


@exception_view_config(ServiceError)
def service_error(exc: ServiceError, request: Request) -> Response:
    localizer = request.localizer
    fields = {name: localizer.translate(text) for name, text in exc.fields.items()}
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return error_response(request, exc.status, exc.message, fields=fields, code=exc.code, headers=headers)
