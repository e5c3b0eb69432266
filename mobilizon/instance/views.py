"""Home, about and NodeInfo. Thin: every value comes from ``instance.services``."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.i18n import _
from mobilizon.instance import services

NODEINFO_SCHEMAS = {"2.0", "2.1"}


def _info(request: Request) -> services.InstanceInfo:
    return request.instance


@view_config(route_name="home", renderer="home.jinja2")
def home(request: Request) -> dict[str, Any]:
    from mobilizon.events.views import home_events

    events, pagination = home_events(request)
    return {"instance": _info(request), "upcoming_events": events, "pagination": pagination}


@view_config(route_name="about", renderer="about.jinja2")
def about(request: Request) -> dict[str, Any]:
    return {"instance": _info(request)}


@view_config(route_name="nodeinfo_discovery", renderer="json")
def nodeinfo_discovery(request: Request) -> dict[str, Any]:
    links = [
        {
            "rel": f"http://nodeinfo.diaspora.software/ns/schema/{version}",
            "href": request.route_url("nodeinfo", version=version),
        }
        for version in sorted(NODEINFO_SCHEMAS)
    ]
    # FEP-2677: where other instances find our Application actor to follow this instance
    links.append(
        {
            "rel": "https://www.w3.org/ns/activitystreams#Application",
            "href": request.route_url("federation_relay"),
        }
    )
    return {"links": links}


@view_config(route_name="nodeinfo", renderer="json")
def nodeinfo(request: Request) -> Any:
    version = request.matchdict["version"]
    if version not in NODEINFO_SCHEMAS:
        raise HTTPNotFound(_("This NodeInfo schema version is not served here."))
    document = services.nodeinfo(
        request.dbsession, request.registry.settings, request.registry["usage_counters"]
    )
    document["version"] = version
    if version == "2.0":
        document["software"].pop("homepage", None)
    request.response.content_type = "application/json"
    request.response.headers["Content-Type"] = (
        f'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/{version}#"'
    )
    return document


@view_config(route_name="robots")
def robots(request: Request) -> Response:
    return Response("User-agent: *\nDisallow: /api/\n", content_type="text/plain")
