"""Keys and real local HTTP servers for the federation plumbing tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mobilizon.testing import serve


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str  # SPKI, "PUBLIC KEY"
    public_pkcs1_pem: str  # "RSA PUBLIC KEY"


def make_key_pair(bits: int = 2048) -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    public = key.public_key()
    return KeyPair(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode(),
    )


@pytest.fixture(scope="session")
def keys() -> KeyPair:
    return make_key_pair()


@pytest.fixture(scope="session")
def other_keys() -> KeyPair:
    return make_key_pair()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """Clients hanging up on purpose (size caps, deadlines) are expected here."""


@pytest.fixture
def http_server() -> Iterator[Callable[[type[BaseHTTPRequestHandler]], str]]:
    """Start a real HTTP server on 127.0.0.1 with the given handler; returns its base URL."""
    servers: list[QuietServer] = []

    def start(handler: type[BaseHTTPRequestHandler]) -> str:
        server = QuietServer(("127.0.0.1", 0), handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


_serve_wsgi = serve  # the shared live-server helper of mobilizon.testing


@pytest.fixture(scope="session")
def serve_wsgi() -> Callable[[Any], Any]:
    """``with serve_wsgi(app) as url:`` runs a WSGI app over real HTTP for the block."""
    return _serve_wsgi
