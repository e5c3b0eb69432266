"""One request at a time, and at least ``min_interval`` seconds between them, per endpoint.

The public Nominatim allows one request per second from an application. The limiter is shared
by every thread of one process (a lock and the time the last call finished): web threads,
job threads and every app built in the process take turns. Several processes (gunicorn
workers, huey consumers, other machines) each keep their own limiter, so an instance running
N of them may send up to N requests a second: run one worker for geocoding, point
``mobilizon.nominatim.url`` at your own Nominatim, or raise ``mobilizon.nominatim.min_interval``
to N seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from mobilizon.hookspecs import GeocodingError


class MinIntervalLimiter:
    """Serialises calls and spaces them ``min_interval`` seconds from the end of the last one.

    Counting from the end rather than the start means the server never sees two requests
    closer than the interval, however long the first one took to come back.
    """

    def __init__(self, min_interval: float, max_wait: float) -> None:
        self.min_interval = min_interval
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._last_done = float("-inf")

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for our turn; give up with a GeocodingError rather than queue for too long."""
        if not self._lock.acquire(timeout=self.max_wait):
            raise GeocodingError(
                f"too many address searches are waiting for Nominatim (more than {self.max_wait:g} s)"
            )
        try:
            delay = self._last_done + self.min_interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            yield
        finally:
            self._last_done = time.monotonic()
            self._lock.release()


_limiters: dict[str, MinIntervalLimiter] = {}
_limiters_lock = threading.Lock()


def limiter_for(endpoint: str, min_interval: float, max_wait: float) -> MinIntervalLimiter:
    """The process-wide limiter of ``endpoint``, made on first use.

    Keyed by endpoint so that two apps of one process talking to the same server share it;
    the longest interval asked for stays in force (it is the server's policy, not the app's).
    """
    with _limiters_lock:
        limiter = _limiters.get(endpoint)
        if limiter is None:
            limiter = _limiters[endpoint] = MinIntervalLimiter(min_interval, max_wait)
        limiter.min_interval = max(limiter.min_interval, min_interval)
        return limiter
