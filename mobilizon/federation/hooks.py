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
    if slot != "event.sidebar":
        return None
    request = get_current_request()
    url = context.get("url")
    if request is None or not isinstance(url, str):
        return None
    base_url = request.registry.settings["mobilizon.base_url"]
    from mobilizon.federation.signatures import same_origin

    if same_origin(url, base_url) or not url.startswith(("https://", "http://")):
        return None
    host = urlsplit(url).netloc
    note = request.localizer.translate(_("This event comes from ${host}.", mapping={"host": host}))
    link = request.localizer.translate(_("See it on its own site"))
    return (
        f'<p class="federated-origin">{escape(note)} '
        f'<a href="{escape(url)}" rel="nofollow noopener">{escape(link)}</a></p>'
    )
