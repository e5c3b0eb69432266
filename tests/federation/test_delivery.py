"""Delivery: the ActivityPub transport plugin, found through its installed entry point, POSTs
signed activities to a real inbox that verifies them; the job retries, deduplicates and gives up
on dead instances."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points

import pytest
import transaction
from pyramid.scripting import prepare

from mobilizon.db import tm_session
from mobilizon.federation import delivery
from mobilizon.federation.http import GuardedClient
from mobilizon.federation.models import Instance
from mobilizon.federation.signatures import domain_of
from mobilizon.hookspecs import Delivery, Transport
from mobilizon.plugins import build_plugin_manager
from mobilizon.settings import normalize
from mobilizon.tasks import JobContext

ACTIVITY = {
    "@context": "https://www.w3.org/ns/activitystreams",
    "id": "http://localhost/activities/1",
    "type": "Create",
    "actor": "http://localhost/@alice",
    "object": {"type": "Note", "content": "Café à 18 h"},
}


def plugin_transport(settings: dict) -> Transport:
    """The transport as the app gets it: through the installed entry point and the hook."""
    pm = build_plugin_manager(normalize(settings))
    transports = delivery.collect_transports(pm, normalize(settings))
    return delivery.transport_for(transports, "https://remote.example/inbox")


@pytest.fixture
def transport(settings) -> Transport:
    return plugin_transport(settings)


def test_plugin_is_installed_under_the_mobilizon_entry_point_group():
    found = {ep.name: ep for ep in entry_points(group="mobilizon")}
    assert found["activitypub"].value == "mobilizon_activitypub"
    assert found["activitypub"].dist.name == "mobilizon-activitypub"


def test_plugin_registers_the_activitypub_transport(settings):
    transport = plugin_transport(settings)
    assert isinstance(transport, Transport)
    assert transport.name == "activitypub"
    assert "https" in transport.schemes
    disabled = normalize({**settings, "mobilizon.plugins.disabled": "activitypub"})
    assert delivery.collect_transports(build_plugin_manager(disabled), disabled) == []


def test_app_keeps_the_client_and_the_transports_on_its_registry(app):
    registry = app.app.registry
    assert isinstance(registry["http_client"], GuardedClient)
    assert [t.name for t in registry["transports"]] == ["activitypub"]


def test_delivery_is_signed_and_verified_by_the_remote_inbox(transport, sink, sender):
    outcome = transport.deliver(
        f"{sink.url}/inbox", ACTIVITY, key_id=sender.key_id, private_key_pem=sender.private_pem
    )
    assert outcome == Delivery(ok=True, status=202)
    [received] = sink.received
    assert (received.owner, received.error) == (sender.actor, "")
    assert received.content_type == "application/activity+json"
    assert received.activity == ACTIVITY


@pytest.mark.parametrize(
    ("path", "status", "retry"),
    [("/broken", 500, True), ("/busy", 429, True), ("/gone", 410, False), ("/bad", 400, False)],
)
def test_outcome_of_error_statuses(transport, sink, sender, path, status, retry):
    outcome = transport.deliver(
        f"{sink.url}{path}", ACTIVITY, key_id=sender.key_id, private_key_pem=sender.private_pem
    )
    assert (outcome.ok, outcome.status, outcome.retry) == (False, status, retry)
    assert f"answered {status}" in outcome.error
    assert sink.verified  # the signature was fine: the status is the inbox's choice


def test_timeout_is_worth_a_retry(sink, sender):
    from mobilizon_activitypub import ActivityPubTransport

    client = GuardedClient("test", allow_http=True, allow_private_addresses=True, deadline=1)
    outcome = ActivityPubTransport(client, schemes=("http",)).deliver(
        f"{sink.url}/slow", ACTIVITY, key_id=sender.key_id, private_key_pem=sender.private_pem
    )
    assert (outcome.ok, outcome.retry) == (False, True)
    assert "deadline exceeded" in outcome.error or "timed out" in outcome.error


def test_production_policy_refuses_private_inboxes_without_retrying(settings, sink, sender):
    production = {
        **settings,
        "mobilizon.federation.allow_http": "false",
        "mobilizon.federation.allow_private_addresses": "false",
    }
    transport = plugin_transport(production)
    assert transport.schemes == ("https",)
    port = sink.url.rsplit(":", 1)[1]
    for inbox in (f"{sink.url}/inbox", f"https://127.0.0.1:{port}/inbox"):
        outcome = transport.deliver(inbox, ACTIVITY, key_id=sender.key_id, private_key_pem=sender.private_pem)
        assert (outcome.ok, outcome.retry) == (False, False)
        assert outcome.error.startswith("refused: ")
    assert sink.received == []


# --- the job and its queue ---------------------------------------------------------------------


def test_retries_span_more_than_a_day(app):
    task = app.app.registry["jobs"].tasks[delivery.JOB_NAME]
    assert (task.task_class.default_retries, task.task_class.default_retry_delay) == (10, 60)
    assert task.task_class.default_retry_backoff == 2.15
    delays = [delivery.RETRY_DELAY * delivery.RETRY_BACKOFF**n for n in range(delivery.RETRIES)]
    assert math.isclose(sum(delays) / 3600, 30.57, abs_tol=0.01)
    assert sum(delays) > 24 * 3600


def job_context(registry):
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    return JobContext(registry, manager, tm_session(registry["dbsession_factory"], manager))


def test_queue_deliveries_from_a_job_deduplicates_and_waits_for_commit(app, sink, sender):
    registry = app.app.registry
    ctx = job_context(registry)
    inboxes = [
        f"{sink.url}/inbox",
        f"{sink.url}/shared",
        f"{sink.url}/inbox",  # two followers on one shared inbox
        f"{sink.url}/shared",
        None,
        "http://localhost/@bob/inbox",  # our own instance: handled locally, not over HTTP
        "http://LOCALHOST:80/inbox",
        "not a URL",
    ]
    queued = delivery.queue_deliveries(ctx, ACTIVITY, inboxes, sender.key_id, sender.private_pem)
    assert queued == [f"{sink.url}/inbox", f"{sink.url}/shared"]
    assert sink.received == []  # nothing leaves before the commit
    ctx.tm.commit()
    assert sorted(item.path for item in sink.verified) == ["/inbox", "/shared"]


def test_queue_deliveries_from_a_request_is_dropped_on_rollback(app, sink, sender):
    env = prepare(registry=app.app.registry)
    try:
        request = env["request"]
        request.tm = manager = transaction.TransactionManager(explicit=True)
        manager.begin()
        delivery.queue_deliveries(request, ACTIVITY, [f"{sink.url}/inbox"], sender.key_id, sender.private_pem)
        manager.abort()
        assert sink.received == []
        manager.begin()
        delivery.queue_deliveries(request, ACTIVITY, [f"{sink.url}/inbox"], sender.key_id, sender.private_pem)
        manager.commit()
        assert [item.path for item in sink.verified] == ["/inbox"]
    finally:
        env["closer"]()


def run_job(registry, inbox: str, sender) -> None:
    registry["jobs"].enqueue_now(delivery.JOB_NAME, inbox, ACTIVITY, sender.key_id, sender.private_pem)


def instance(registry, url: str) -> Instance | None:
    with registry["dbsession_factory"]() as session:
        return session.get(Instance, domain_of(url))


def set_instance(registry, url: str, **values) -> None:
    with registry["dbsession_factory"]() as session, session.begin():
        session.merge(Instance(domain=domain_of(url), **values))


def test_failed_delivery_is_counted_and_success_clears_it(app, sink, sender, caplog):
    registry = app.app.registry
    run_job(registry, f"{sink.url}/broken", sender)  # 500: huey schedules a retry
    row = instance(registry, sink.url)
    assert (row.failures, row.dead_since) == (1, None)
    assert row.first_failure_at == row.last_failure_at is not None
    assert "DeliveryFailed" in caplog.text
    run_job(registry, f"{sink.url}/broken", sender)
    assert instance(registry, sink.url).failures == 2
    run_job(registry, f"{sink.url}/inbox", sender)
    row = instance(registry, sink.url)
    assert (row.failures, row.first_failure_at, row.last_failure_at) == (0, None, None)
    assert [item.path for item in sink.verified] == ["/broken", "/broken", "/inbox"]


def test_a_refusal_for_good_is_not_a_failure_of_the_instance(app, sink, sender):
    registry = app.app.registry
    run_job(registry, f"{sink.url}/gone", sender)
    row = instance(registry, sink.url)
    assert row is not None and row.failures == 0


def test_dead_instance_is_skipped_but_probed_once_a_day(app, sink, sender):
    registry = app.app.registry
    now = datetime.now(UTC)
    set_instance(
        registry,
        sink.url,
        failures=40,
        first_failure_at=now - timedelta(days=3),
        last_failure_at=now - timedelta(hours=2),
        dead_since=now - timedelta(days=2),
    )
    run_job(registry, f"{sink.url}/inbox", sender)
    assert sink.received == []
    set_instance(registry, sink.url, last_failure_at=now - timedelta(days=1, minutes=1))
    run_job(registry, f"{sink.url}/inbox", sender)  # the daily probe goes through
    assert [item.path for item in sink.verified] == ["/inbox"]
    row = instance(registry, sink.url)
    assert (row.failures, row.dead_since) == (0, None)


def test_blocked_instance_gets_nothing(app, sink, sender):
    set_instance(app.app.registry, sink.url, blocked=True)
    run_job(app.app.registry, f"{sink.url}/inbox", sender)
    assert sink.received == []


def test_an_instance_is_dead_after_failing_for_a_day(app):
    failed = Delivery(ok=False, error="timed out", retry=True)
    start = datetime.now(UTC) - timedelta(days=2)
    domain = "dead.example"
    with app.app.registry["dbsession_factory"]() as session, session.begin():
        for attempt in range(delivery.DEAD_AFTER_FAILURES):  # many failures within an hour
            delivery.record_outcome(session, domain, failed, start + timedelta(minutes=attempt))
        assert session.get(Instance, domain).dead_since is None
        later = start + delivery.DEAD_AFTER + timedelta(minutes=1)
        delivery.record_outcome(session, domain, failed, later)
        row = session.get(Instance, domain)
        assert (row.failures, row.dead_since) == (delivery.DEAD_AFTER_FAILURES + 1, later)
        delivery.mark_alive(session, domain)
        session.refresh(row)
        assert (row.failures, row.dead_since) == (0, None)
