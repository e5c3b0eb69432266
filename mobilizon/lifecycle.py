"""Lifecycle events: what happened, told to plugins and to the platform's own listeners.

Services call ``fire(ctx, "event.published", subject, actor)`` where ``ctx`` is a request or
a job context. A job is queued for when the transaction that made the change commits; it calls
every ``lifecycle_event`` hook implementation (plugins, and core listeners such as federation
registered as default plugins). A rolled-back change fires nothing, and a slow or failing
listener never delays or breaks the request that caused it.

Names fired today: ``event.created|published|updated|cancelled|deleted``,
``participation.joined|approved|rejected|role_changed|left|removed``,
``comment.created|updated|approved|deleted``, ``group.created|updated|deleted``,
``member.*``, ``post.published``, ``discussion.created|deleted|commented``,
``resource.created|deleted``. Subjects are plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mobilizon.hookspecs import LifecycleEvent
from mobilizon.tasks import JobContext, job


def fire(ctx: Any, name: str, subject: Mapping[str, Any], actor: Mapping[str, Any] | None = None) -> None:
    """Announce ``name`` (dotted: ``event.published``, ``member.joined``...) after commit."""
    ctx.registry["jobs"].enqueue(ctx.tm, "lifecycle", name, dict(subject), dict(actor) if actor else None)


@job("lifecycle", retries=3, retry_delay=30)
def deliver_lifecycle_event(
    ctx: JobContext, name: str, subject: dict[str, Any], actor: dict[str, Any] | None
) -> None:
    ctx.registry["plugins"].hook.lifecycle_event(
        event=LifecycleEvent(name=name, subject=subject, actor=actor), registry=ctx.registry
    )
