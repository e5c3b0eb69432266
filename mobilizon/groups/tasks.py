"""Group jobs: lifecycle hooks after commit, and fetching a link's preview.

``fire`` queues the ``lifecycle_event`` hook once the transaction that made a change commits,
so notifications, federation and plugins hear about what really happened and a slow plugin
never delays a page. Link previews are fetched in a job for the same reason: a remote site
that answers slowly must not hold a request.
"""

from __future__ import annotations

import logging

from mobilizon.lifecycle import fire  # noqa: F401 (services import it from here)
from mobilizon.tasks import JobContext, job

log = logging.getLogger(__name__)


@job("groups.link_preview", retries=1, retry_delay=60)
def link_preview(ctx: JobContext, resource_id: int) -> None:
    """Fetch a link resource's title and description; a failure is recorded, never raised."""
    from mobilizon.groups.resources import refresh_preview

    refresh_preview(ctx, resource_id)
