"""A pytest plugin for the platform and its plugins: apps, test clients, databases, live servers.

Tests run on SQLite by default, in a fresh database file per test session; when
``MOBILIZON_TEST_DATABASE_URL`` points at PostgreSQL they run in a fresh schema created for the
session and dropped after it, so the database may hold anything else. The schema is built by
the real migrations. Jobs run immediately (after the request's commit, as in production).

Plugin authors: ``pytest_plugins = ["mobilizon.testing"]`` in a conftest gives them ``app``,
``make_app``, ``settings``, ``dbsession`` and ``live_server``.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import transaction
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"


@dataclass
class ScratchDatabase:
    url: str
    schema: str | None = None


def _create_database(tmp_root: Path) -> ScratchDatabase:
    url = os.environ.get("MOBILIZON_TEST_DATABASE_URL", "").strip()
    if not url:
        return ScratchDatabase(f"sqlite:///{tmp_root / 'test.sqlite'}")
    from sqlalchemy import create_engine

    schema = f"test_{secrets.token_hex(6)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return ScratchDatabase(parsed.set(query=query).render_as_string(hide_password=False), schema)


def _drop_database(database: ScratchDatabase) -> None:
    if database.schema is None:
        return
    from sqlalchemy import create_engine

    engine = create_engine(os.environ["MOBILIZON_TEST_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{database.schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    database = _create_database(tmp_path_factory.mktemp("db"))
    yield database
    _drop_database(database)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


def base_settings(database_url: str, data_dir: Path, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "here": str(ROOT),
        "mobilizon.base_url": "http://localhost",
        "mobilizon.database_url": database_url,
        "mobilizon.data_dir": str(data_dir),
        "mobilizon.secret": secrets.token_urlsafe(48),
        "mobilizon.jobs.immediate": "true",
        "mobilizon.themes_dir": str(ROOT / "themes"),
        "mobilizon.instance_name": "Test instance",
        "mobilizon.instance.description": "An instance for tests.",
        "mobilizon.instance.contact": "admin@example.org",
        "mobilizon.default_timezone": "Europe/Paris",
    }
    settings.update(overrides)
    return settings


@pytest.fixture(scope="session")
def migrated(test_database: ScratchDatabase, data_dir: Path) -> ScratchDatabase:
    """The test database brought to the newest revision by the real migrations."""
    from mobilizon import migrate
    from mobilizon.plugins import build_plugin_manager
    from mobilizon.settings import normalize

    settings = normalize(base_settings(test_database.url, data_dir))
    migrate.upgrade(settings, build_plugin_manager(settings))
    return test_database


@pytest.fixture(scope="session")
def settings(migrated: ScratchDatabase, data_dir: Path) -> dict[str, Any]:
    return base_settings(migrated.url, data_dir)


@pytest.fixture(scope="session")
def make_app(migrated: ScratchDatabase, data_dir: Path) -> Iterator[Callable[..., Any]]:
    """Build a WebTest app on the test database with settings overridden as given."""
    from webtest import TestApp

    from mobilizon import main

    built: list[Any] = []

    def factory(**overrides: Any) -> TestApp:
        wsgi = main({"here": str(ROOT)}, **base_settings(migrated.url, data_dir, **overrides))
        built.append(wsgi)
        return TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})

    yield factory
    for wsgi in built:
        wsgi.registry["db_engine"].dispose()


@pytest.fixture(scope="session")
def app(make_app: Callable[..., Any]) -> Any:
    return make_app()


@pytest.fixture
def dbsession(app: Any) -> Iterator[Any]:
    """A session in its own transaction, committed at the end of the test (like a request)."""
    from mobilizon.db import tm_session

    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(app.app.registry["dbsession_factory"], manager)
        yield session


@pytest.fixture
def mail_dir(data_dir: Path) -> Path:
    return data_dir / "mail"


@contextmanager
def serve(wsgi_app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve a WSGI app over real HTTP in a thread; yields its base URL.

    The loop is stopped before the sockets close: closing them under a running poll makes
    waitress fail now and then with "Bad file descriptor".
    """
    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(wsgi_app, host=host, port=port, threads=4, ident="mobilizon-test")
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(migrated: ScratchDatabase, data_dir: Path) -> Iterator[str]:
    """The app served over HTTP on a free loopback port (its base_url is that address)."""
    from mobilizon import main

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    wsgi = main(
        {"here": str(ROOT)}, **base_settings(migrated.url, data_dir, **{"mobilizon.base_url": base_url})
    )
    with serve(wsgi, port=port) as url:
        yield url
    wsgi.registry["db_engine"].dispose()


def fixture_path(*parts: str) -> Path:
    """A file of ../shared/fixtures; the test is skipped where that folder is absent."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixture {'/'.join(parts)} is not available here")
    return path
