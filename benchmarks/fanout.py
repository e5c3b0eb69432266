"""One public event delivered to 10,000 followers on 1,000 instances: how many POSTs, how long,
how much memory the worker needs.

Run: ``.venv/bin/python benchmarks/fanout.py [followers] [instances] [workers]`` (defaults
10000, 1000, 1). Everything stays on this machine: the 1,000 instances are host names
``i<n>.fanout.test`` that this process resolves to 127.0.0.1, where one sink server counts the
POSTs it gets (answering 202). The followers use their instance's shared inbox, as Mastodon and
Mobilizon actors do, so the event should leave as one POST per instance. The worker is this
process running the job queue (SQLite, in a temporary folder): the lifecycle job, the publish
job that computes the audience, then one delivery job per inbox (each signed on its own).
Bounded: it stops after ``MAX_SECONDS`` whatever is left. Each delivery job commits its
instance's health, so SQLite's fsyncs weigh: ``MOBILIZON_BENCH_DIR=/dev/shm`` puts the
database and queue in memory to see what the code costs without the disk.
"""

from __future__ import annotations

import os
import resource
import socket
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import transaction  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from mobilizon import main as make_wsgi  # noqa: E402
from mobilizon import migrate  # noqa: E402
from mobilizon.accounts.models import User  # noqa: E402
from mobilizon.db import tm_session  # noqa: E402
from mobilizon.events.services import create_event  # noqa: E402
from mobilizon.groups.models import Follower  # noqa: E402
from mobilizon.identities.models import Actor  # noqa: E402
from mobilizon.identities.services import create_profile  # noqa: E402
from mobilizon.models.meta import utcnow  # noqa: E402
from mobilizon.plugins import build_plugin_manager  # noqa: E402
from mobilizon.settings import normalize  # noqa: E402
from mobilizon.tasks import JobContext  # noqa: E402
from mobilizon.testing import ROOT, base_settings  # noqa: E402

MAX_SECONDS = 300.0
SUFFIX = ".fanout.test"
_real_getaddrinfo = socket.getaddrinfo


def loopback_names(host: Any, *args: Any, **kwargs: Any) -> Any:
    """``*.fanout.test`` resolves to 127.0.0.1 in this process (the guard still checks it)."""
    if isinstance(host, str) and host.endswith(SUFFIX):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


class Sink(ThreadingHTTPServer):
    """Counts POSTs per host; answers 202 like a busy but healthy inbox."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.hosts: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class SinkHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.hosts[self.headers.get("Host", "")] += 1
        self.send_response(202)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a thousand lines of access log say nothing."""


def prepare(folder: Path, followers: int, instances: int, sink_port: int) -> tuple[Any, int, dict[str, Any]]:
    settings = base_settings(
        f"sqlite:///{folder / 'fanout.sqlite'}",
        folder / "data",
        **{"mobilizon.base_url": "http://origin.local", "mobilizon.jobs.immediate": "false"},
    )
    normalized = normalize(dict(settings))
    migrate.upgrade(normalized, build_plugin_manager(normalized))
    wsgi = make_wsgi({"here": str(ROOT)}, **settings)
    registry = wsgi.registry
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(registry["dbsession_factory"], manager)
        user = User(email="narcisse@example.org", password_hash="x", confirmed_at=utcnow(), settings={})
        session.add(user)
        session.flush()
        organizer = create_profile(session, registry.settings, user, "narcisse")
        now = utcnow()
        rows = []
        for number in range(followers):
            host = f"i{number % instances}{SUFFIX}:{sink_port}"
            url = f"http://{host}/users/u{number}"
            rows.append(
                {
                    "uuid": uuid.uuid4(),
                    "type": "Person",
                    "preferred_username": f"u{number}",
                    "domain": host,
                    "url": url,
                    "inbox_url": f"{url}/inbox",
                    "shared_inbox_url": f"http://{host}/inbox",
                    "public_key": "unused",
                    "visibility": "public",
                    "manually_approves_followers": False,
                    "suspended": False,
                    "created_at": now,
                    "updated_at": now,
                    "last_refreshed_at": now,
                }
            )
        session.execute(insert(Actor), rows)
        ids = session.scalars(select(Actor.id).where(Actor.domain.is_not(None))).all()
        session.execute(
            insert(Follower),
            [
                {
                    "target_actor_id": organizer.id,
                    "actor_id": actor_id,
                    "approved": True,
                    "notify": False,
                    "created_at": now,
                }
                for actor_id in ids
            ],  # fmt: skip
        )
        user_id, organizer_name = user.id, organizer.preferred_username
    values = {
        "title": "Surprise birthday party",
        "description": "<p>Tell everyone but her.</p>",
        "begins_on": "2031-06-01T18:00",
        "timezone": "Europe/Paris",
        "identity": organizer_name,
        "address": {"description": "The garden", "locality": "Lyon", "country": "France"},
    }
    return wsgi, user_id, values


def publish(wsgi: Any, user_id: int, values: dict[str, Any]) -> None:
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(wsgi.registry["dbsession_factory"], manager)
        create_event(JobContext(wsgi.registry, manager, session), session.get(User, user_id), values)


def work(huey: Any, deadline: float, done: list[int]) -> None:
    while time.monotonic() < deadline:
        task = huey.dequeue()
        if task is None:
            return
        huey.execute(task)
        done.append(1)


def main(followers: int = 10_000, instances: int = 1_000, workers: int = 1) -> None:
    socket.getaddrinfo = loopback_names
    sink = Sink()
    threading.Thread(target=sink.serve_forever, args=(0.05,), daemon=True).start()
    with tempfile.TemporaryDirectory(dir=os.environ.get("MOBILIZON_BENCH_DIR")) as folder:
        started = time.perf_counter()
        wsgi, user_id, values = prepare(Path(folder), followers, instances, sink.port)
        ready = time.perf_counter() - started
        print(f"{followers:,} followers on {instances:,} instances ready in {ready:.1f} s")
        huey = wsgi.registry["huey"]
        tracemalloc.start()
        started = time.perf_counter()
        publish(wsgi, user_id, values)
        deadline = time.monotonic() + MAX_SECONDS
        done: list[int] = []
        while huey.pending_count() and time.monotonic() < deadline:
            threads = [threading.Thread(target=work, args=(huey, deadline, done)) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        wall = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        posts = sum(sink.hosts.values())
        print(f"POSTs received by the sink          {posts:>10,}  (to {len(sink.hosts):,} distinct hosts)")
        print(f"jobs run                            {len(done):>10,}  ({workers} worker thread(s))")
        print(f"wall time from commit to last POST  {wall:>10.2f} s  ({posts / wall:,.0f} POSTs/s)")
        print(f"peak Python memory during the run   {peak / 1e6:>10.1f} MB (tracemalloc)")
        resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kB on Linux
        print(f"peak resident memory of the process {resident:>10.1f} MB")
        wsgi.registry["db_engine"].dispose()
    sink.shutdown()
    sink.server_close()


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:4]]
    main(*arguments)
