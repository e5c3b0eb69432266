"""ActivityPub over HTTP: signed POSTs of activities to remote inboxes.

Registered through the ``mobilizon`` entry point ``activitypub``; the delivery job picks it for
``https`` inboxes (and ``http`` ones where ``mobilizon.federation.allow_http`` lets the client
fetch them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mobilizon.hookspecs import Transport, hookimpl
from mobilizon_activitypub.transport import ActivityPubTransport

__all__ = ["ActivityPubTransport", "register_transports"]


@hookimpl
def register_transports(settings: Mapping[str, Any]) -> Sequence[Transport]:
    """The built-in "ActivityPub over HTTP" transport, on a client built from the settings."""
    return [ActivityPubTransport.from_settings(settings)]
