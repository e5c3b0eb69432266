"""Helpers of the federation tests: an in-memory remote web (the guarded client's Null twin),
job contexts rolled back after use, accounts with profiles, and signed requests.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import transaction
from argon2 import PasswordHasher
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mobilizon.accounts.models import AuthToken, User
from mobilizon.db import tm_session
from mobilizon.federation.http import FetchFailed, JsonDocument
from mobilizon.federation.signatures import sign_request
from mobilizon.hookspecs import Delivery
from mobilizon.identities.services import create_profile
from mobilizon.models.meta import utcnow
from mobilizon.security import hash_token
from mobilizon.tasks import JobContext

PASSWORD = "a federated fennec's passphrase"  # noqa: S105 (a test account)
_HASH = PasswordHasher().hash(PASSWORD)


@dataclass(frozen=True)
class Keys:
    private_pem: str
    public_pem: str


def make_keys() -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Keys(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    )


def actor_document(url: str, keys: Keys, kind: str = "Person", **extra: Any) -> dict[str, Any]:
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lstrip("@") or "actor"
    origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    document = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": url,
        "type": kind,
        "preferredUsername": name,
        "name": name.title(),
        "inbox": f"{url}/inbox",
        "outbox": f"{url}/outbox",
        "followers": f"{url}/followers",
        "endpoints": {"sharedInbox": f"{origin}/inbox"},
        "publicKey": {"id": f"{url}#main-key", "owner": url, "publicKeyPem": keys.public_pem},
    }
    document.update(extra)
    return document


@dataclass
class FakeClient:
    """The guarded client's in-memory twin: serves ``documents``; any other URL that looks like
    an actor (``/users/x``, ``/@x``, ``/u/x``) gets a generated Person document, if ``auto``.
    """

    documents: dict[str, Any] = field(default_factory=dict)
    keys: Keys = field(default_factory=make_keys)
    auto: bool = True
    allow_http: bool = True
    fetched: list[str] = field(default_factory=list)

    def fetch_json(
        self, url: str, *, signer: Any = None, activitypub: bool = True, max_bytes: Any = None
    ) -> JsonDocument:
        self.fetched.append(url)
        if url in self.documents:
            return JsonDocument(url, copy.deepcopy(self.documents[url]), "application/activity+json")
        path = urlsplit(url).path
        if (
            self.auto
            and any(part in path for part in ("/users/", "/@", "/u/", "/accounts/"))
            and "#" not in url
        ):
            return JsonDocument(url, actor_document(url, self.keys), "application/activity+json")
        raise FetchFailed(f"{url} answered 404", status=404)

    def get_json(self, url: str, **kwargs: Any) -> Any:
        return self.fetch_json(url, **kwargs).data


@contextmanager
def job_context(registry: Any) -> Iterator[JobContext]:
    """A job's context whose transaction is rolled back at the end: nothing is kept or sent."""
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    session = tm_session(registry["dbsession_factory"], manager)
    try:
        yield JobContext(registry, manager, session)
    finally:
        manager.abort()
        session.close()


def committed(registry: Any, work: Callable[[Any], Any]) -> Any:
    """Run ``work(session)`` in its own committed transaction."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(registry["dbsession_factory"], manager)
        return work(session)


def committed_job(registry: Any, work: Callable[[JobContext], Any]) -> Any:
    """Run ``work(ctx)`` as a job would: its own transaction, committed, then its jobs queued."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        session = tm_session(registry["dbsession_factory"], manager)
        return work(JobContext(registry, manager, session))


@dataclass
class Person:
    email: str
    token: str
    username: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def new_person(registry: Any, prefix: str = "rose", *, admin: bool = False) -> Person:
    """A confirmed account with one profile and an API token."""
    suffix = secrets.token_hex(4)
    email = f"{prefix}-{suffix}@example.org"
    token = secrets.token_urlsafe(32)

    def work(session: Any) -> Person:
        user = User(email=email, password_hash=_HASH, confirmed_at=utcnow(), settings={})
        if admin:
            user.role = "administrator"
        session.add(user)
        session.flush()
        actor = create_profile(session, registry.settings, user, f"{prefix}_{suffix}")
        session.add(AuthToken(user_id=user.id, token_hash=hash_token(token), name="tests"))
        return Person(email, token, actor.preferred_username)

    return committed(registry, work)


def future(days: int = 10) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def event_payload(**overrides: Any) -> dict[str, Any]:
    start = future()
    payload: dict[str, Any] = {
        "title": "Surprise birthday party",
        "description": "<p>Shh, it is a <strong>surprise</strong>.</p>",
        "begins_on": start.replace(tzinfo=None).isoformat(timespec="minutes"),
        "ends_on": (start + timedelta(hours=3)).replace(tzinfo=None).isoformat(timespec="minutes"),
        "timezone": "Europe/Paris",
        "category": "PARTY",
        "tags": ["Family"],
        "address": {
            "description": "The garden",
            "locality": "Lyon",
            "country": "France",
            "lat": 45.75,
            "lon": 4.85,
        },
    }
    payload.update(overrides)
    return payload


def signed_headers(
    url: str, body: bytes, key_id: str, private_pem: str, *, now: float | None = None
) -> dict[str, str]:
    headers = {"Content-Type": "application/activity+json"}
    headers.update(
        sign_request("POST", url, headers, body, key_id=key_id, private_key_pem=private_pem, now=now)
    )
    return headers


def dumps(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document).encode()


@dataclass
class Recorder:
    """A transport that keeps what it was given."""

    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    name: str = "recorder"
    schemes: tuple[str, ...] = ("https", "http")

    def deliver(self, inbox_url: str, activity: Any, *, key_id: str, private_key_pem: str) -> Delivery:
        assert "BEGIN PRIVATE KEY" in private_key_pem  # loaded by the job from the actor, not queued
        self.sent.append((inbox_url, dict(activity)))
        return Delivery(ok=True, status=202)

    def of(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(inbox, activity) for inbox, activity in self.sent if activity["type"] == kind]

    def clear(self) -> None:
        self.sent.clear()
