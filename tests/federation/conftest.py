"""A remote inbox for delivery tests: a real HTTP server that verifies every signature."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mobilizon.federation.signatures import SignatureError, SignedRequest, Verifier
from mobilizon.testing import serve

ACTOR = "http://localhost/@alice"
KEY_ID = f"{ACTOR}#main-key"


@dataclass(frozen=True)
class Sender:
    """A local actor's key pair, as delivery gets it."""

    key_id: str
    actor: str
    private_pem: str
    public_pem: str


@pytest.fixture(scope="session")
def sender() -> Sender:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Sender(
        KEY_ID,
        ACTOR,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    )


@dataclass
class Received:
    path: str
    content_type: str
    activity: dict[str, Any]
    owner: str = ""
    error: str = ""


@dataclass
class Sink:
    """What the remote inbox got; ``url`` is its base URL."""

    url: str
    received: list[Received] = field(default_factory=list)

    @property
    def verified(self) -> list[Received]:
        return [item for item in self.received if item.owner]


# path -> status the sink answers with (after verifying the signature)
STATUSES = {"/inbox": 202, "/shared": 202, "/broken": 500, "/busy": 429, "/gone": 410, "/bad": 400}


def sink_app(sink: Sink, sender: Sender) -> Any:
    verifier = Verifier(
        lambda key_id, refresh: (sender.actor, sender.public_pem) if key_id == sender.key_id else None
    )

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        path = environ["PATH_INFO"]
        if path == "/slow":
            time.sleep(3)
        item = Received(path, environ.get("CONTENT_TYPE", ""), json.loads(body or b"{}"))
        try:
            item.owner = verifier.verify(SignedRequest.from_environ(environ, body)).owner
        except SignatureError as error:
            item.error = str(error)
        sink.received.append(item)
        status = STATUSES.get(path, 202) if item.owner else 401
        start_response(f"{status} X", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    return app


_serve_wsgi = serve  # the shared live-server helper of mobilizon.testing


@pytest.fixture
def sink(sender: Sender) -> Iterator[Sink]:
    box = Sink("")
    with _serve_wsgi(sink_app(box, sender)) as url:
        box.url = url
        yield box
