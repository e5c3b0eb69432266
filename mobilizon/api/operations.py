"""Declaring API operations: validation, authentication, errors and OpenAPI in one place.

    @operation(route_name="api_me", request_method="PATCH", summary="Edit the account",
               body=MePatch, response=MeOut, auth=True)
    def edit_me(request, body: MePatch) -> MeOut: ...

The wrapper parses the JSON body (400 when it is not JSON, 413 when too large), validates it
(422 with per-field messages), checks the bearer token (401), calls the function with the
validated model and renders what it returns. Cookies never authenticate API calls, so the API
needs no CSRF token and a page on another site cannot act through it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pyramid.request import Request
from pyramid.view import view_config

from mobilizon.errors import Invalid, ServiceError, TooLarge, Unauthorized
from mobilizon.i18n import _

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 1_000_000
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100

T = TypeVar("T")


@dataclass
class Operation:
    route_name: str
    method: str
    summary: str
    description: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    auth: bool | str
    errors: tuple[int, ...]
    tags: tuple[str, ...] = field(default_factory=tuple)
    function_name: str = ""


OPERATIONS: list[Operation] = []


class Page(BaseModel, Generic[T]):
    """A page of a list: ``items``, the ``total`` count and the URL of the ``next`` page."""

    items: list[T]
    total: int
    page: int
    per_page: int
    next: str | None = None


def paginate(request: Request, total: int) -> tuple[int, int, int]:
    """``(page, per_page, offset)`` from ``?page=`` and ``?per_page=`` (max 100), validated."""
    try:
        page = int(request.params.get("page", 1))
        per_page = int(request.params.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        raise Invalid(_("page and per_page must be whole numbers.")) from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(_("page starts at 1 and per_page is between 1 and 100."))
    return page, per_page, (page - 1) * per_page


def next_page_url(request: Request, page: int, per_page: int, total: int) -> str | None:
    if page * per_page >= total:
        return None
    params = dict(request.GET)
    params.update(page=str(page + 1), per_page=str(per_page))
    return request.current_route_url(_query=params)


def page_body(request: Request, items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    """The body of one page of a list (the shape of ``Page``), with the link to the next page."""
    return {
        "items": _render(items),
        "total": total,
        "page": page,
        "per_page": per_page,
        "next": next_page_url(request, page, per_page, total),
    }


def _field_errors(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(name, item["msg"])
    return fields


def parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        raise TooLarge(_("The request body is larger than 1 MB."))
    raw = request.body
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge(_("The request body is larger than 1 MB."))
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ServiceError(_("The request body is not valid JSON."), code="malformed") from None
    if not isinstance(data, dict):
        raise ServiceError(_("The request body must be a JSON object."), code="malformed")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Invalid(_("Some values are not valid."), fields=_field_errors(error)) from None


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    data = {
        key: request.GET.getall(key) if len(request.GET.getall(key)) > 1 else value
        for key, value in request.GET.items()
    }
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Invalid(_("Some query parameters are not valid."), fields=_field_errors(error)) from None


def _render(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_render(item) for item in value]
    return value


def operation(
    *,
    route_name: str | Sequence[str],
    request_method: str,
    summary: str,
    description: str = "",
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    auth: bool | str = True,
    errors: Sequence[int] = (),
    tags: Sequence[str] = (),
    **view_options: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API operation; ``auth`` is True (token required), False, or "optional".

    ``route_name`` may list several routes when one operation is reachable at several paths
    (an invitation answered under its group or by its id alone).
    """
    method = request_method.upper()
    route_names = [route_name] if isinstance(route_name, str) else list(route_name)

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        OPERATIONS.extend(
            Operation(
                route_name=name,
                method=method,
                summary=summary,
                description=description or (function.__doc__ or "").strip(),
                body=body,
                query=query,
                response=response,
                status=status,
                auth=auth,
                errors=tuple(errors),
                tags=tuple(tags),
                function_name=function.__qualname__,
            )
            for name in route_names
        )

        @functools.wraps(function)
        def view(request: Request) -> Any:
            if auth is True and request.user is None:
                raise Unauthorized(_("This needs a valid access token: POST /api/v1/auth/token first."))
            kwargs: dict[str, Any] = {}
            if body is not None:
                kwargs["body"] = parse_body(request, body)
            if query is not None:
                kwargs["query"] = parse_query(request, query)
            result = function(request, **kwargs)
            request.response.status = status
            if status == 204:
                request.response.content_type = None
                return request.response
            return _render(result)

        # _depth=1: venusian registers a view only when scanning the module the decorator was
        # written in; without it that would be this module, and no operation would ever be added
        for name in route_names:
            view_config(
                route_name=name,
                request_method=method,
                renderer="json",
                require_csrf=False,
                _depth=1,
                **view_options,
            )(view)
        return view

    return decorate
