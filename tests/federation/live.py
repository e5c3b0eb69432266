"""Live instances for the federation tests: each its own app (``mobilizon.main``), database
(a SQLite file, or a PostgreSQL schema of its own when ``MOBILIZON_TEST_DATABASE_URL`` is set)
and data folder, served over real HTTP on 127.0.0.1 with its own port. Jobs run right after
each commit, so deliveries happen before the request that caused them answers.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mobilizon import main, migrate
from mobilizon.plugins import build_plugin_manager
from mobilizon.settings import normalize
from mobilizon.testing import ROOT, base_settings, free_port, serve
from tests.federation.support import Person, new_person


@contextmanager
def scratch_database(folder: Path, name: str) -> Iterator[str]:
    """A database of its own: a SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    url = os.environ.get("MOBILIZON_TEST_DATABASE_URL", "").strip()
    if not url:
        yield f"sqlite:///{folder / f'{name}.sqlite'}"
        return
    schema = f"fed_{name}_{secrets.token_hex(4)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    parsed = make_url(url)
    query = {**parsed.query, "options": f"-csearch_path={schema}"}
    try:
        yield parsed.set(query=query).render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@dataclass
class Instance:
    """One running instance: its base URL, app registry and an HTTP session to talk to it."""

    name: str
    url: str
    wsgi: Any
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def registry(self) -> Any:
        return self.wsgi.registry

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1]

    def person(self, prefix: str, *, admin: bool = False) -> Person:
        return new_person(self.registry, prefix, admin=admin)

    def api(
        self,
        method: str,
        path: str,
        who: Person | None = None,
        json: Any = None,
        status: int | None = None,
        **params: Any,
    ) -> Any:
        headers = who.auth if who is not None else {}
        response = self.http.request(
            method, f"{self.url}/api/v1{path}", json=json, params=params or None, headers=headers, timeout=60
        )
        if status is not None:
            assert response.status_code == status, (
                f"{method} {path}: {response.status_code} {response.text[:500]}"
            )
        return (
            response.json()
            if response.content and "json" in response.headers.get("Content-Type", "")
            else None
        )

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(f"{self.url}{path}", timeout=60, **kwargs)

    def session(self) -> Any:
        return self.registry["dbsession_factory"]()


@contextmanager
def running_instance(folder: Path, name: str, **overrides: Any) -> Iterator[Instance]:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with scratch_database(folder, name) as database_url:
        settings = base_settings(
            database_url,
            folder / "data",
            **{"mobilizon.base_url": url, "mobilizon.instance_name": f"Instance {name}", **overrides},
        )
        normalized = normalize(dict(settings))
        migrate.upgrade(normalized, build_plugin_manager(normalized))
        wsgi = main({"here": str(ROOT)}, **settings)
        http = requests.Session()
        http.trust_env = False
        try:
            with serve(wsgi, port=port):
                yield Instance(name, url, wsgi, http)
        finally:
            http.close()
            wsgi.registry["db_engine"].dispose()


def eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """The first truthy answer of ``check`` (deliveries are synchronous; this only absorbs the
    last hop of a chain, answered by another server thread)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)
