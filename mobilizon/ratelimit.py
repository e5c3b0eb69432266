"""Rate limits for what attackers repeat: sign-up, login, confirmation resends, password resets.

Each action has buckets per client address and per account (the email it names), counted with
the ``limits`` library in a moving window. The counters live in ``mobilizon.ratelimit.storage``:
``memory://`` (the default: one process, one machine) or a shared store such as
``redis://host:6379/1`` when several web workers serve the instance, so they count together.

Every limit is a setting, ``mobilizon.ratelimit.<action>.<scope>``, written the way ``limits``
parses it: ``10/minute;50/hour``. ``0`` switches a bucket off.

IPv6 clients are counted by their /64 network, since one machine usually owns a whole /64. A
request without a client address (only WSGI test harnesses send none; every real server sets
``REMOTE_ADDR``) has no per-address bucket; its per-account buckets still apply.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Mapping
from typing import Any

from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pyramid.config import Configurator
from pyramid.request import Request

from mobilizon.errors import RateLimited
from mobilizon.i18n import _
from mobilizon.settings import SettingsError

STORAGE_SETTING = "mobilizon.ratelimit.storage"

# action.scope -> default limits. Login counts failed attempts only (and wrong passwords typed
# to confirm a change), so people who type their password right are never slowed down; the
# other actions count every attempt. "resend" also counts the links an email change mails to
# the new address, keyed by that address.
DEFAULT_LIMITS = {
    "signup.ip": "20/hour;100/day",
    "signup.account": "5/hour;10/day",
    "login.ip": "50/minute;500/hour",
    "login.account": "10/minute;50/hour",
    "resend.ip": "20/hour",
    "resend.account": "5/hour",
    "reset.ip": "20/hour",
    "reset.account": "5/hour",
}


def _parse(name: str, value: Any) -> list[RateLimitItem]:
    text = str(value).strip()
    if text in ("", "0"):
        return []
    try:
        return list(parse_many(text))
    except ValueError:
        raise SettingsError(name, f"{text!r} is not a rate limit such as 10/minute;50/hour") from None


def client_key(address: str | None) -> str | None:
    """The bucket name of a client address: IPv4 as is, IPv6 by its /64 network."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class RateLimiter:
    """Counts attempts per action and scope; raises ``RateLimited`` with the wait in seconds."""

    def __init__(self, storage_uri: str, limits: Mapping[str, list[RateLimitItem]]) -> None:
        self.storage = storage_from_string(storage_uri)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.limits = dict(limits)

    def _buckets(self, action: str, keys: Mapping[str, str | None]) -> list[tuple[RateLimitItem, str, str]]:
        buckets = []
        for scope, key in keys.items():
            if not key:
                continue
            for item in self.limits.get(f"{action}.{scope}", []):
                buckets.append((item, f"{action}.{scope}", key.lower()))
        return buckets

    def check(self, action: str, **keys: str | None) -> None:
        """Refuse when a bucket is already full, without counting this attempt."""
        for item, name, key in self._buckets(action, keys):
            if not self.strategy.test(item, name, key):
                self._refuse(item, name, key)

    def hit(self, action: str, **keys: str | None) -> None:
        """Count one attempt in every bucket; refuse when one of them was already full."""
        refused = None
        for item, name, key in self._buckets(action, keys):
            if not self.strategy.hit(item, name, key) and refused is None:
                refused = (item, name, key)
        if refused is not None:
            self._refuse(*refused)

    def _refuse(self, item: RateLimitItem, name: str, key: str) -> None:
        stats = self.strategy.get_window_stats(item, name, key)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            _(
                "Too many attempts. Wait ${minutes} min and try again.",
                mapping={"minutes": max(1, math.ceil(wait / 60))},
            ),
            retry_after=wait,
        )

    def reset(self) -> None:
        """Forget every counter (tests, or an administrator lifting a block)."""
        self.storage.reset()


def limiter_from_settings(settings: Mapping[str, Any]) -> RateLimiter:
    storage = str(settings.get(STORAGE_SETTING) or "memory://").strip()
    limits = {
        name: _parse(f"mobilizon.ratelimit.{name}", settings.get(f"mobilizon.ratelimit.{name}", default))
        for name, default in DEFAULT_LIMITS.items()
    }
    try:
        return RateLimiter(storage, limits)
    except (ConfigurationError, ValueError, ImportError) as error:
        raise SettingsError(STORAGE_SETTING, f"{storage!r} cannot be used: {error}") from None


def client_address(request: Request) -> str | None:
    """The bucket key of the request's client: ``REMOTE_ADDR`` only.

    Never ``X-Forwarded-For`` as such (anyone can send it); behind a reverse proxy the server
    rewrites ``REMOTE_ADDR`` from the headers of trusted proxies (waitress ``trusted_proxy``,
    gunicorn ``forwarded_allow_ips``).
    """
    return client_key(request.remote_addr)


def includeme(config: Configurator) -> None:
    config.registry["ratelimiter"] = limiter_from_settings(config.get_settings())
