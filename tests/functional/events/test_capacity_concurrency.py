"""Fifty people join a ten-seat event at the same instant: exactly ten get in (PostgreSQL).

Each joiner is its own account and profile, posting through its own WebTest client in its own
thread against the one shared WSGI app (its own database connection from the pool), released
together by a barrier. The service locks the event's row (``SELECT ... FOR UPDATE``) before
counting seats, so the forty others are told the event is full.
"""

from __future__ import annotations

import os
import threading

import pytest
from webtest import TestApp

from .events_helpers import new_person

pytestmark = pytest.mark.postgresql

JOINERS = 50
SEATS = 10


@pytest.mark.skipif(
    not os.environ.get("MOBILIZON_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL not configured (MOBILIZON_TEST_DATABASE_URL)",
)
def test_fifty_parallel_joins_on_ten_seats(app, create_event):
    organiser = new_person(app, "organiser")
    uuid = create_event(organiser, capacity=SEATS)["uuid"]
    people = [new_person(app, "joiner") for _ in range(JOINERS)]
    barrier = threading.Barrier(JOINERS)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def join(person):
        client = TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
        barrier.wait()
        response = client.post_json(
            f"/api/v1/events/{uuid}/participations", {}, headers=person.auth, expect_errors=True
        )
        code = response.json.get("role") or response.json["error"]["code"]
        with lock:
            results.append((response.status_int, code))

    threads = [threading.Thread(target=join, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == JOINERS
    assert sorted(results).count((201, "participant")) == SEATS
    assert sorted(results).count((409, "event_full")) == JOINERS - SEATS
    event = app.get(f"/api/v1/events/{uuid}").json
    assert event["remaining_seats"] == 0
    listed = app.get(
        f"/api/v1/events/{uuid}/participations", params={"role": "participant"}, headers=organiser.auth
    ).json
    assert listed["total"] == SEATS
