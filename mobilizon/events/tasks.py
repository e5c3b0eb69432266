"""Event jobs: lifecycle hooks after commit.

``fire`` is the hook point for everything that reacts to events (notifications, federation,
plugins announcing to a chat): the platform's one lifecycle job (``mobilizon.lifecycle``) runs
once the transaction that made the change commits and calls every ``lifecycle_event`` hook.
Events fire ``event.created|published|updated|cancelled|deleted``,
``participation.joined|approved|rejected|role_changed|left|removed`` and
``comment.created|updated|approved|deleted``; the subjects are plain dicts.
"""

from __future__ import annotations

from mobilizon.lifecycle import fire

__all__ = ["fire"]
