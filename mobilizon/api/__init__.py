"""The JSON API under /api/v1: token-authenticated, described by an OpenAPI 3.1 document.

Features declare their operations with ``mobilizon.api.operation`` next to their views; the
same pydantic models validate requests and make the OpenAPI document, so the two never drift.
"""

from pyramid.config import Configurator

from mobilizon.api.operations import API_PREFIX, Page, operation, paginate

__all__ = ["API_PREFIX", "Page", "includeme", "operation", "paginate"]


def includeme(config: Configurator) -> None:
    config.add_route("api_openapi", f"{API_PREFIX}/openapi.json")
    config.scan(".views")
