"""Group jobs: lifecycle hooks after commit, and fetching a link's preview.

``fire`` queues the ``lifecycle_event`` hook once the transaction that made a change commits,
so notifications, federation and plugins hear about what really happened and a slow plugin
never delays a page. Link previews are fetched in a job for the same reason: a remote site
that answers slowly must not hold a request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from mobilizon.hookspecs import LifecycleEvent
from mobilizon.tasks import JobContext, job

log = logging.getLogger(__name__)


def fire(ctx: Any, name: str, subject: Mapping[str, Any], actor: Mapping[str, Any] | None = None) -> None:
    """Announce ``name`` (``group.created``, ``member.joined``, ...) after commit."""
    ctx.registry["jobs"].enqueue(
        ctx.tm, "groups.lifecycle", name, dict(subject), dict(actor) if actor else None
    )


@job("groups.lifecycle", retries=3, retry_delay=30)
def lifecycle(ctx: JobContext, name: str, subject: dict[str, Any], actor: dict[str, Any] | None) -> None:
    ctx.registry["plugins"].hook.lifecycle_event(
        event=LifecycleEvent(name=name, subject=subject, actor=actor), registry=ctx.registry
    )


@job("groups.link_preview", retries=1, retry_delay=60)
def link_preview(ctx: JobContext, resource_id: int) -> None:
    """Fetch a link resource's title and description; a failure is recorded, never raised."""
    from mobilizon.groups.resources import refresh_preview

    refresh_preview(ctx, resource_id)
