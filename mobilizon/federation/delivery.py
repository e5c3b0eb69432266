"""Delivering activities: one background job per inbox, retried for more than a day.

``queue_deliveries`` is what services call once they have built an activity: it drops
duplicate inboxes (many followers share one ``sharedInbox``) and our own, and queues one
``federation.deliver`` job per remote inbox for after the transaction commits, so an activity
about something that was rolled back never leaves.

The job hands the activity to the first transport (from the ``register_transports`` hook) that
handles the inbox's scheme. A failure worth retrying (timeout, 5xx, 429) is retried 10 times,
60 s after the first failure and then 2.15 times longer each time: 1, 2, 5, 10, 21, 46 min,
1.6, 3.5, 7.6 and 16.4 h, about 30.6 h in all, so a server down for a day still gets it.

Each remote domain has a row in ``instances``: a domain that has failed every attempt for a
day and at least ``DEAD_AFTER_FAILURES`` times is dead, and its deliveries are dropped, but for
one probe a day; any answer that is not a 5xx/429 brings it back. Blocked domains get nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pluggy
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mobilizon.federation.models import Instance
from mobilizon.federation.signatures import domain_of, origin_of, same_origin
from mobilizon.hookspecs import Delivery, Transport
from mobilizon.tasks import JobContext, job

log = logging.getLogger(__name__)

JOB_NAME = "federation.deliver"
RETRIES = 10
RETRY_DELAY = 60
RETRY_BACKOFF = 2.15
DEAD_AFTER_FAILURES = 10
DEAD_AFTER = timedelta(days=1)
PROBE_DEAD_EVERY = timedelta(days=1)


class DeliveryFailed(Exception):
    """Raised by the job so that huey tries again later; the message says what failed."""


def collect_transports(pm: pluggy.PluginManager, settings: Mapping[str, Any]) -> list[Transport]:
    """Every transport plugins register, in hook call order (the first that fits wins)."""
    found: list[Transport] = []
    for answer in pm.hook.register_transports(settings=settings):
        for transport in answer or ():
            if not isinstance(transport, Transport):
                raise TypeError(f"{transport!r} registered as a transport is not a Transport")
            found.append(transport)
    return found


def transport_for(transports: Sequence[Transport], inbox_url: str) -> Transport | None:
    scheme = urlsplit(inbox_url).scheme.lower()
    return next((t for t in transports if scheme in t.schemes), None)


def unique_inboxes(inboxes: Iterable[str | None], own_base_url: str) -> list[str]:
    """Inboxes without repeats (same origin, path and query) and without our own."""
    seen: set[tuple[Any, ...]] = set()
    unique: list[str] = []
    for inbox in inboxes:
        if not inbox:
            continue
        try:
            origin = origin_of(inbox)
        except ValueError as error:
            log.warning("not delivering to %r: %s", inbox, error)
            continue
        if same_origin(inbox, own_base_url):
            continue
        parts = urlsplit(inbox)
        key = (origin, parts.path or "/", parts.query)
        if key not in seen:
            seen.add(key)
            unique.append(inbox)
    return unique


def queue_deliveries(
    request_or_ctx: Any,
    activity: Mapping[str, Any],
    inboxes: Iterable[str | None],
    key_id: str,
    private_key_pem: str | None = None,
) -> list[str]:
    """Queue one delivery job per distinct remote inbox, after the current transaction commits.

    ``request_or_ctx`` is a Pyramid request (``request.jobs``) or a running job's
    ``JobContext``. Without ``private_key_pem`` the job loads the key of the local actor that
    ``key_id`` names, so no private key sits in the queue. Returns the inboxes queued.
    """
    registry = request_or_ctx.registry
    targets = unique_inboxes(inboxes, registry.settings["mobilizon.base_url"])
    if isinstance(request_or_ctx, JobContext):
        enqueue = request_or_ctx.enqueue
    else:
        enqueue = request_or_ctx.jobs.enqueue
    payload = dict(activity)
    for inbox in targets:
        enqueue(JOB_NAME, inbox, payload, key_id, private_key_pem)
    return targets


@job(JOB_NAME, retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=RETRY_BACKOFF)
def deliver(
    ctx: JobContext,
    inbox_url: str,
    activity: Mapping[str, Any],
    key_id: str,
    private_key_pem: str | None = None,
) -> None:
    """Deliver one activity to one inbox; raise ``DeliveryFailed`` when a retry may help."""
    domain = domain_of(inbox_url)
    now = datetime.now(UTC)
    instance = ctx.dbsession.get(Instance, domain)
    skip = _skip_reason(instance, now)
    if skip:
        log.info("not delivering %s to %s: %s", activity.get("id"), inbox_url, skip)
        return
    transports = ctx.registry.get("transports")
    if transports is None:
        transports = collect_transports(ctx.registry["plugins"], ctx.settings)
    transport = transport_for(transports, inbox_url)
    if transport is None:
        log.error("no transport handles %s; %s dropped", inbox_url, activity.get("id"))
        return
    if private_key_pem is None:
        private_key_pem = _local_key(ctx.dbsession, key_id)
        if private_key_pem is None:
            log.error("no local key %s to sign %s; dropped", key_id, activity.get("id"))
            return
    outcome = transport.deliver(inbox_url, activity, key_id=key_id, private_key_pem=private_key_pem)
    record_outcome(ctx.dbsession, domain, outcome, now)
    if outcome.ok:
        return  # the job's own commit keeps the instance's health
    # commit now: the failure count must be kept although raising below aborts the transaction
    ctx.tm.commit()
    ctx.tm.begin()
    if outcome.retry:
        raise DeliveryFailed(f"{inbox_url}: {outcome.error or outcome.status}")
    log.warning("delivery to %s refused for good: %s", inbox_url, outcome.error or outcome.status)


def _local_key(session: Session, key_id: str) -> str | None:
    """The private key of the local actor that ``key_id`` (``<actor url>#main-key``) names."""
    from mobilizon.identities.models import Actor

    owner = key_id.split("#", 1)[0]
    return session.scalar(select(Actor.private_key).where(Actor.url == owner, Actor.domain.is_(None)))


def _skip_reason(instance: Instance | None, now: datetime) -> str:
    if instance is None:
        return ""
    if instance.blocked:
        return "the instance is blocked"
    if instance.dead_since is not None:
        last = instance.last_failure_at or instance.dead_since
        if now - last < PROBE_DEAD_EVERY:
            return f"the instance has been unreachable since {instance.dead_since:%Y-%m-%d %H:%M}"
    return ""


def record_outcome(session: Session, domain: str, outcome: Delivery, now: datetime) -> None:
    """Count a failed attempt against ``domain``, or clear its failures if it answered."""
    answered = outcome.ok or (outcome.status is not None and not outcome.retry)
    if not answered and not outcome.retry:
        return  # refused by our own policy: says nothing about the remote side
    _ensure_instance(session, domain)
    if answered:
        mark_alive(session, domain)
        return
    session.execute(
        update(Instance)
        .where(Instance.domain == domain)
        .values(failures=Instance.failures + 1, last_failure_at=now, updated_at=now)
    )
    session.execute(
        update(Instance)
        .where(Instance.domain == domain, Instance.first_failure_at.is_(None))
        .values(first_failure_at=now)
    )
    instance = session.get(Instance, domain, populate_existing=True)
    if (
        instance is not None
        and instance.dead_since is None
        and instance.failures >= DEAD_AFTER_FAILURES
        and instance.first_failure_at is not None
        and now - instance.first_failure_at >= DEAD_AFTER
    ):
        instance.dead_since = now
        log.warning("%s counted as dead after %d failed deliveries", domain, instance.failures)


def mark_alive(session: Session, domain: str) -> None:
    """The domain answered (a delivery went through, or it sent us something): clear failures."""
    session.execute(
        update(Instance)
        .where(Instance.domain == domain)
        .where(or_(Instance.failures > 0, Instance.dead_since.is_not(None)))
        .values(failures=0, first_failure_at=None, last_failure_at=None, dead_since=None)
    )


def _ensure_instance(session: Session, domain: str) -> None:
    """Create the domain's row if it is missing, without racing other workers doing the same."""
    if session.execute(select(Instance.domain).where(Instance.domain == domain)).first():
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = datetime.now(UTC)
    session.execute(
        insert(Instance)
        .values(domain=domain, failures=0, blocked=False, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["domain"])
    )
