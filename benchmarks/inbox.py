"""How many signed Create activities the inbox takes per second, next to the machine's ceiling.

Run: ``.venv/bin/python benchmarks/inbox.py [count]`` (default 300 activities, bounded to about
a minute). Three numbers:

1. raw RSA-2048 verifications per second (``benchmarks/signatures.py``): no inbox can beat it;
2. signed POSTs accepted per second by ``POST /inbox`` through the whole WSGI stack: signature
   (key of a known actor, from the database), JSON parsing, authorisation, the activity stored
   once and its job queued (SQLite database and job queue in a temporary folder);
3. those activities applied per second by the job (each a Note replying to a local event,
   stored as a comment, its lifecycle event fired).

Both SQLite files fsync on commit: ``MOBILIZON_BENCH_DIR=/dev/shm`` keeps them in memory, to
see what the code costs without the disk.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from signatures import rate  # the helper of benchmarks/signatures.py (same folder)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import transaction  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from webtest import TestApp  # noqa: E402

from mobilizon import main as make_wsgi  # noqa: E402
from mobilizon import migrate  # noqa: E402
from mobilizon.db import tm_session  # noqa: E402
from mobilizon.events.models import Event, Participant  # noqa: E402
from mobilizon.federation.signatures import sign_request  # noqa: E402
from mobilizon.identities.models import Actor  # noqa: E402
from mobilizon.identities.services import create_local_actor  # noqa: E402
from mobilizon.models.meta import utcnow  # noqa: E402
from mobilizon.plugins import build_plugin_manager  # noqa: E402
from mobilizon.settings import normalize  # noqa: E402
from mobilizon.testing import ROOT, base_settings  # noqa: E402

BASE = "http://bench.local"
REMOTE = "https://remote.example/users/alice"
MAX_SECONDS = 60.0


def keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def prepare(folder: Path, public_pem: str) -> tuple[TestApp, str]:
    """A migrated instance with a local event and the remote actor already known."""
    settings = base_settings(
        f"sqlite:///{folder / 'bench.sqlite'}",
        folder / "data",
        **{"mobilizon.base_url": BASE, "mobilizon.jobs.immediate": "false"},
    )
    normalized = normalize(dict(settings))
    migrate.upgrade(normalized, build_plugin_manager(normalized))
    wsgi = make_wsgi({"here": str(ROOT)}, **settings)
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(wsgi.registry["dbsession_factory"], manager)
        organizer = create_local_actor(session, wsgi.registry.settings, preferred_username="narcisse")
        event_uuid = uuid.uuid4()
        event = Event(
            uuid=event_uuid,
            url=f"{BASE}/events/{event_uuid}",
            organizer=organizer,
            title="Benchmark party",
            begins_on=utcnow(),
            timezone="UTC",
            published_at=utcnow(),
        )
        session.add_all([event, Participant(event=event, actor=organizer, role="creator")])
        session.add(
            Actor(
                type="Person",
                preferred_username="alice",
                domain="remote.example",
                url=REMOTE,
                inbox_url=f"{REMOTE}/inbox",
                public_key=public_pem,
                last_refreshed_at=utcnow(),
            )
        )
        url = event.url
    return TestApp(wsgi, extra_environ={"HTTP_HOST": "bench.local"}), url


def signed_creates(count: int, private_pem: str, event_url: str) -> list[tuple[bytes, dict[str, str]]]:
    requests = []
    for number in range(count):
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{REMOTE}/statuses/{number}/activity",
            "type": "Create",
            "actor": REMOTE,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {
                "id": f"{REMOTE}/statuses/{number}",
                "type": "Note",
                "attributedTo": REMOTE,
                "inReplyTo": event_url,
                "content": f"<p>Reply number {number}: " + "see you there! " * 20 + "</p>",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
            },
        }
        body = json.dumps(activity).encode()
        headers = {"Content-Type": "application/activity+json"}
        headers.update(
            sign_request(
                "POST",
                f"{BASE}/inbox",
                headers,
                body,
                key_id=f"{REMOTE}#main-key",
                private_key_pem=private_pem,
            )
        )
        requests.append((body, headers))
    return requests


def main(count: int = 300) -> None:
    private_pem, public_pem = keys()
    key = serialization.load_pem_private_key(private_pem.encode(), None)
    message = b"(request-target): post /inbox\nhost: bench.local\ndate: x\ndigest: SHA-256=y"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    public_key = key.public_key()
    print(f"Python {sys.version.split()[0]}, {count} signed Create activities")
    raw = rate(
        "raw RSA-2048 verifications (the ceiling)",
        lambda: public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256()),
        2.0,
    )
    with tempfile.TemporaryDirectory(dir=os.environ.get("MOBILIZON_BENCH_DIR")) as folder:
        app, event_url = prepare(Path(folder), public_pem)
        requests = signed_creates(count, private_pem, event_url)
        started = time.perf_counter()
        accepted = 0
        for body, headers in requests:
            app.post("/inbox", body, headers=headers, status=202)
            accepted += 1
            if time.perf_counter() - started > MAX_SECONDS:
                break
        elapsed = time.perf_counter() - started
        per_second = accepted / elapsed
        label = "signed Creates accepted by POST /inbox (202)"
        print(f"{label:<55} {per_second:>10,.0f} /s  ({1e3 / per_second:.2f} ms each)")
        huey = app.app.registry["huey"]
        started, applied = time.perf_counter(), 0
        while (task := huey.dequeue()) is not None and time.perf_counter() - started < MAX_SECONDS:
            huey.execute(task)
            applied += 1
        elapsed = time.perf_counter() - started
        label = "jobs run to apply them (comments stored, hooks)"
        print(f"{label:<55} {applied / elapsed:>10,.0f} /s  ({applied} jobs)")
        print(f"the inbox door runs at {100 * per_second / raw:.1f} % of the raw RSA ceiling")
        app.app.registry["db_engine"].dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
