"""Federation's own hook implementations, registered as a core plugin by ``configure``.

``lifecycle_event`` hands what other servers must hear of to the ``federation.publish`` job
(see ``outbox``): the change has committed by then, and delivery failures retry on their own
without replaying other listeners. ``render_page_slot`` tells readers of a remote event where
it comes from, with a link to its page on its own server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from markupsafe import escape
from pyramid.registry import Registry
from pyramid.threadlocal import get_current_request

from mobilizon.hookspecs import LifecycleEvent, hookimpl
from mobilizon.i18n import _


@hookimpl(trylast=True)
def lifecycle_event(event: LifecycleEvent, registry: Registry) -> None:
    from mobilizon.federation.outbox import HANDLERS, PUBLISH_JOB

    if event.name in HANDLERS:
        registry["jobs"].enqueue_now(
            PUBLISH_JOB, event.name, dict(event.subject), dict(event.actor) if event.actor else None
        )


@hookimpl(trylast=True)
def render_page_slot(slot: str, context: Mapping[str, Any], locale: str) -> str | None:
    request = get_current_request()
    if request is None or "mobilizon.base_url" not in request.registry.settings:
        return None
    if slot == "head":
        return f'<link rel="stylesheet" href="{escape(request.theme_static_url("css/federation.css"))}">'
    if slot == "header":
        return _search_bar(request)
    if slot == "event.sidebar":
        return _origin_note(request, context.get("url"))
    if slot == "about.bottom":
        return _blocked_note(request)
    return None


def _search_bar(request: Any) -> str:
    """The search bar on every page: words, or an address on another instance to look up."""
    label = request.localizer.translate(_("Search events, or paste an address from another instance"))
    button = request.localizer.translate(_("Search"))
    action = request.route_url("federation_search")
    query = (
        request.GET.get("q", "")
        if request.matched_route and request.matched_route.name == "federation_search"
        else ""
    )
    return (
        f'<form class="container header-search" method="get" action="{escape(action)}" role="search">'
        f'<label for="header-search-q">{escape(label)}</label>'
        f'<input id="header-search-q" type="search" name="q" value="{escape(query[:200])}">'
        f'<button type="submit">{escape(button)}</button></form>'
    )


def _origin_note(request: Any, url: Any) -> str | None:
    """Readers of a remote event see where it comes from, with a link to its own page."""
    from mobilizon.federation.signatures import same_origin

    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    if same_origin(url, request.registry.settings["mobilizon.base_url"]):
        return None
    host = urlsplit(url).netloc
    note = request.localizer.translate(_("This event comes from ${host}.", mapping={"host": host}))
    link = request.localizer.translate(_("See it on its own site"))
    return (
        f'<p class="federated-origin">{escape(note)} '
        f'<a href="{escape(url)}" rel="nofollow noopener">{escape(link)}</a></p>'
    )


def _blocked_note(request: Any) -> str | None:
    """The about page says how many domains this instance refuses to federate with."""
    from mobilizon.federation.instances import blocked_count

    count = blocked_count(request.dbsession)
    if not count:
        return None
    text = request.localizer.translate(
        _("Domains this instance does not federate with: ${count}", mapping={"count": count})
    )
    return f'<p class="federation-blocked">{escape(text)}</p>'
