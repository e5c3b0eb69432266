"""A real HTTP server that answers like Nominatim, from the payloads in shared/fixtures."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from mobilizon.testing import fixture_path


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


@dataclass
class FakeNominatim:
    """Serves /search and /reverse; can be slow or fail. Records every request it gets."""

    search: Any
    reverse: Any
    delay: float = 0.0
    status: int = 200
    body: Any = None  # replaces the payload when set
    seen: list[Seen] = field(default_factory=list)
    url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)

    def paths(self) -> list[str]:
        return [request.path for request in self.seen]


def _handler(fake: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            fake.seen.append(
                Seen(parts.path, dict(parse_qsl(parts.query)), dict(self.headers), time.monotonic())
            )
            if fake.delay:
                fake.stopping.wait(fake.delay)
            payload = {"/search": fake.search, "/reverse": fake.reverse}.get(parts.path)
            status = fake.status if payload is not None else 404
            body = fake.body if fake.body is not None else payload
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: that is what the timeout tests want

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@pytest.fixture
def nominatim_server() -> Iterator[Callable[..., FakeNominatim]]:
    """Start fake Nominatim servers on free loopback ports; all are stopped after the test."""
    started: list[tuple[FakeNominatim, ThreadingHTTPServer, threading.Thread]] = []

    def start(**options: Any) -> FakeNominatim:
        fake = FakeNominatim(
            search=json.loads(fixture_path("geospatial", "nominatim", "search.json").read_text()),
            reverse=json.loads(fixture_path("geospatial", "nominatim", "geocode.json").read_text()),
            **options,
        )
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
        server.daemon_threads = True
        fake.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((fake, server, thread))
        return fake

    yield start
    for fake, server, thread in started:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def geocoding_app(make_app: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """``make_app``, whose apps' database engines are disposed after the test.

    The Nominatim cache opens connections from the app's pool; an engine left to the garbage
    collector would close them with a ResourceWarning, which the suite treats as an error.
    """
    made: list[Any] = []

    def build(**settings: Any) -> Any:
        app = make_app(**settings)
        made.append(app)
        return app

    yield build
    for app in made:
        app.app.registry["db_engine"].dispose()
