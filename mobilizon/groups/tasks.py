"""Group jobs: fetching a link's preview after commit, so that a remote site that answers
slowly never holds a request. (Lifecycle hooks go through ``mobilizon.lifecycle.fire``.)
"""

from __future__ import annotations

import logging

from mobilizon.tasks import JobContext, job

log = logging.getLogger(__name__)


@job("groups.link_preview", retries=1, retry_delay=60)
def link_preview(ctx: JobContext, resource_id: int) -> None:
    """Fetch a link resource's title and description; a failure is recorded, never raised."""
    from mobilizon.groups.resources import refresh_preview

    refresh_preview(ctx, resource_id)
