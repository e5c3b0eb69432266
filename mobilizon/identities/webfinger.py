"""WebFinger and host-meta: how another server turns ``@name@host`` into an actor URL.

``/.well-known/webfinger?resource=acct:name@host`` answers with a JRD (RFC 7033) for any local
actor, profile or group; the resource may also be the actor's URL. ``host`` is the base URL's
host, with its port when it has one. Both documents may be read by any web page (CORS ``*``):
they are public by nature.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from mobilizon.i18n import _
from mobilizon.identities import services
from mobilizon.identities.activitypub import ACTIVITY_JSON
from mobilizon.identities.models import Actor

JRD = "application/jrd+json"
XRD = "application/xrd+xml"
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"
AVATAR = "http://webfinger.net/rel/avatar"
MAX_RESOURCE = 500


class BadResource(ValueError):
    """The resource parameter is missing or is neither ``acct:name@host`` nor a URL."""


def local_host(base_url: str) -> str:
    """``host[:port]`` of the instance, as it appears in ``acct:`` URIs."""
    return urlsplit(base_url).netloc.lower()


def parse_resource(resource: str | None, base_url: str) -> tuple[str, bool]:
    """``(username, ours)`` for a resource; ``ours`` is False for another host's account."""
    resource = (resource or "").strip()
    if not resource or len(resource) > MAX_RESOURCE:
        raise BadResource(resource)
    if resource.startswith(("http://", "https://")):
        parts = urlsplit(resource)
        ours = f"{parts.scheme}://{parts.netloc.lower()}" == base_url
        path = unquote(parts.path)
        if not path.startswith("/@") or "/" in path[2:] or not path[2:]:
            return "", False
        return path[2:], ours
    if resource.lower().startswith("acct:"):
        resource = resource[5:]
    name, at, host = unquote(resource).lstrip("@").rpartition("@")
    if not at or not name or not host or "@" in name:
        raise BadResource(resource)
    return name, host.lower() == local_host(base_url)


def jrd(actor: Actor, host: str) -> dict[str, Any]:
    links: list[dict[str, Any]] = [
        {"rel": "self", "type": ACTIVITY_JSON, "href": actor.url},
        {"rel": PROFILE_PAGE, "type": "text/html", "href": actor.url},
    ]
    if actor.avatar_url:
        links.append({"rel": AVATAR, "href": actor.avatar_url})
    return {"subject": f"acct:{actor.preferred_username}@{host}", "aliases": [actor.url], "links": links}


def _answer(body: dict[str, Any], status: int = 200, content_type: str = JRD) -> Response:
    response = Response(json.dumps(body).encode("utf-8"), status=status)
    response.headers["Content-Type"] = f"{content_type}; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@view_config(route_name="webfinger", request_method=("GET", "HEAD"))
def webfinger(request: Request) -> Response:
    base_url = request.registry.settings["mobilizon.base_url"]
    localizer = request.localizer
    try:
        username, ours = parse_resource(request.GET.get("resource"), base_url)
    except BadResource:
        message = _("Give resource=acct:name@host or the URL of an actor.")
        return _answer(
            {"error": {"code": "bad_request", "message": localizer.translate(message)}},
            400,
            "application/json",
        )
    actor = services.find_local_actor(request.dbsession, username) if ours and username else None
    if actor is None or actor.deleted or actor.suspended:
        message = _("There is no account with this name here.")
        return _answer(
            {"error": {"code": "not_found", "message": localizer.translate(message)}},
            404,
            "application/json",
        )
    return _answer(jrd(actor, local_host(base_url)))


@view_config(route_name="host_meta", request_method=("GET", "HEAD"))
def host_meta(request: Request) -> Response:
    """The XRD that points to WebFinger (``lrdd``), for servers that look it up first."""
    template = f"{request.registry.settings['mobilizon.base_url']}/.well-known/webfinger?resource={{uri}}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )
    response = Response(body, content_type=XRD, charset="utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
