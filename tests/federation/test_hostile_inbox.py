"""Hostile input at a live inbox: each refused with the right 4xx, logged, and nothing kept.

The instance listens on 127.0.0.1 with its SSRF guard on: the only private network it may
fetch from is 127.0.0.2, where a small server plays the remote instances (Mallory's, and
Alice's, whom Mallory would like to impersonate). Jobs go to a real queue here, so every test
can check that a refused request queued nothing, stored no activity and cached no actor.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from http_message_signatures import HTTPMessageSigner, HTTPSignatureKeyResolver, algorithms
from sqlalchemy import func, select

from mobilizon.federation.instances import set_blocked
from mobilizon.federation.models import Activity
from mobilizon.federation.signatures import sign_request
from mobilizon.identities.models import Actor
from mobilizon.testing import free_port, serve
from tests.federation.live import Instance, running_instance
from tests.federation.support import Keys, actor_document, committed, make_keys

REMOTE_HOST = "127.0.0.2"


@dataclass
class Remote:
    """The remote side: actor documents served over HTTP, and who asked for what."""

    url: str
    documents: dict[str, Any] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


def remote_app(remote: Remote) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        url = f"{remote.url}{environ['PATH_INFO']}"
        remote.requests.append(url)
        document = remote.documents.get(url)
        if environ["PATH_INFO"].startswith("/users/gone"):
            start_response("410 Gone", [("Content-Type", "application/activity+json")])
            return [b'{"type":"Tombstone"}']
        if document is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no"]
        start_response("200 OK", [("Content-Type", "application/activity+json")])
        return [json.dumps(document).encode()]

    return app


@dataclass
class World:
    instance: Instance
    remote: Remote
    mallory: str
    alice: str
    keys: Keys
    other_keys: Keys


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    port = free_port()
    remote = Remote(f"http://{REMOTE_HOST}:{port}")
    keys, other_keys = make_keys(), make_keys()
    mallory, alice = f"{remote.url}/users/mallory", f"{remote.url}/users/alice"
    remote.documents[mallory] = actor_document(mallory, keys)
    remote.documents[alice] = actor_document(alice, other_keys)
    overrides = {
        "mobilizon.jobs.immediate": "false",
        "mobilizon.federation.allow_private_addresses": "false",
        "mobilizon.federation.allowed_private_networks": f"{REMOTE_HOST}/32",
    }
    root = tmp_path_factory.mktemp("hostile")
    with (
        serve(remote_app(remote), host=REMOTE_HOST, port=port),
        running_instance(root, "h", **overrides) as instance,
    ):
        yield World(instance, remote, mallory, alice, keys, other_keys)


@dataclass(frozen=True)
class Counts:
    activities: int
    actors: int
    queued: int


def counts(world: World) -> Counts:
    with world.instance.session() as session:
        return Counts(
            session.scalar(select(func.count(Activity.id))) or 0,
            session.scalar(select(func.count(Actor.id))) or 0,
            world.instance.registry["huey"].pending_count(),
        )


def note(world: World, **overrides: Any) -> dict[str, Any]:
    number = time.monotonic_ns()
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{world.mallory}/activities/{number}",
        "type": "Create",
        "actor": world.mallory,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": f"{world.mallory}/notes/{number}",
            "type": "Note",
            "attributedTo": world.mallory,
            "content": "<p>hello</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
    }
    activity.update(overrides)
    return activity


def post(
    world: World, body: bytes, *, key_id: str | None = None, pem: str | None = None, **options: Any
) -> requests.Response:
    """POST ``body`` to the shared inbox, signed the draft-cavage way unless ``key_id`` is ""."""
    url = f"{world.instance.url}/inbox"
    headers = {"Content-Type": "application/activity+json"}
    if key_id != "":
        signed_body = options.pop("signed_body", body)
        headers.update(
            sign_request(
                "POST",
                url,
                headers,
                signed_body,
                key_id=key_id or f"{world.mallory}#main-key",
                private_key_pem=pem or world.keys.private_pem,
                now=options.pop("now", None),
            )
        )
    return world.instance.http.post(url, data=body, headers=headers, timeout=30)


def refused(world: World, response: requests.Response, status: int, caplog: Any, before: Counts) -> None:
    assert response.status_code == status, response.text
    assert counts(world) == before, "a refused request left something behind"
    assert "refused a request" in caplog.text


def dumps(activity: dict[str, Any]) -> bytes:
    return json.dumps(activity).encode()


# --- the positive control ------------------------------------------------------------------------


def test_a_valid_signed_activity_is_stored_once_and_queued_once(world):
    before = counts(world)
    body = dumps(note(world))
    first = post(world, body)
    assert first.status_code == 202, first.text
    after = counts(world)
    assert (after.activities, after.queued) == (before.activities + 1, before.queued + 1)
    again = post(world, body)  # the same activity again: nothing more
    assert again.status_code == 202 and counts(world) == after
    world.instance.registry["huey"].flush()


def test_rfc9421_signatures_are_accepted_and_a_bad_one_gets_401(world, caplog):
    before = counts(world)
    url = f"{world.instance.url}/inbox"
    body = dumps(note(world))
    headers = {"Content-Type": "application/activity+json"}
    headers.update(rfc9421(world.keys.private_pem, f"{world.mallory}#main-key", url, body))
    assert world.instance.http.post(url, data=body, headers=headers, timeout=30).status_code == 202
    world.instance.registry["huey"].flush()
    before = counts(world)
    headers.update(rfc9421(world.other_keys.private_pem, f"{world.mallory}#main-key", url, body))
    response = world.instance.http.post(url, data=body, headers=headers, timeout=30)
    refused(world, response, 401, caplog, before)


class _Keys(HTTPSignatureKeyResolver):
    def __init__(self, pem: str) -> None:
        self.pem = pem

    def resolve_private_key(self, key_id: str) -> bytes:
        return self.pem.encode()


@dataclass
class _Message:
    method: str
    url: str
    headers: dict[str, str]


def rfc9421(pem: str, key_id: str, url: str, body: bytes) -> dict[str, str]:
    message = _Message("POST", url, {"Content-Type": "application/activity+json"})
    HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_Keys(pem)).sign(
        message, key_id=key_id, covered_component_ids=("@method", "@target-uri", "content-digest"), body=body
    )
    return {
        k: v
        for k, v in message.headers.items()
        if k.lower() in ("signature", "signature-input", "content-digest")
    }


# --- refused ---------------------------------------------------------------------------------------


def test_unsigned_post(world, caplog):
    before = counts(world)
    refused(world, post(world, dumps(note(world)), key_id=""), 401, caplog, before)


def test_bad_signature(world, caplog):
    before = counts(world)
    response = post(world, dumps(note(world)), pem=world.other_keys.private_pem)
    refused(world, response, 401, caplog, before)


def test_wrong_digest(world, caplog):
    before = counts(world)
    sent = dumps(note(world))
    response = post(world, sent, signed_body=dumps(note(world)))  # the Digest of another body
    refused(world, response, 401, caplog, before)


def test_stale_date(world, caplog):
    before = counts(world)
    response = post(world, dumps(note(world)), now=time.time() - 2 * 3600)
    refused(world, response, 401, caplog, before)


def test_actor_on_another_domain_than_the_signer(world, caplog):
    before = counts(world)
    activity = note(world, actor=world.alice)
    activity["object"]["attributedTo"] = world.alice
    alice_on_other_origin = activity | {"actor": world.alice.replace(REMOTE_HOST, "127.0.0.3")}
    alice_on_other_origin["object"] = {**activity["object"], "attributedTo": alice_on_other_origin["actor"]}
    response = post(world, dumps(alice_on_other_origin))
    refused(world, response, 403, caplog, before)


def test_object_attributed_to_someone_else(world, caplog):
    before = counts(world)
    activity = note(world)
    activity["object"]["attributedTo"] = "https://victim.example/users/alice"
    refused(world, post(world, dumps(activity)), 403, caplog, before)


def test_five_megabyte_body(world, caplog):
    before = counts(world)
    activity = note(world)
    activity["object"]["content"] = "x" * (5 * 1024 * 1024)
    refused(world, post(world, dumps(activity)), 413, caplog, before)


def test_deeply_nested_json(world, caplog):
    before = counts(world)
    for depth in (100, 100_000):
        body = b'{"type":"Create","x":' + b"[" * depth + b"]" * depth + b"}"
        refused(world, post(world, body), 400, caplog, before)


@pytest.mark.parametrize("host", ["127.0.0.1", "169.254.169.254", "[::ffff:127.0.0.1]"])
def test_key_fetch_to_a_private_address_is_refused_by_the_guard(world, caplog, host):
    before = counts(world)
    target = world.remote.url.replace(REMOTE_HOST, host)  # the same server, reached as a private address
    key_id = f"{target}/users/mallory#main-key"
    activity = note(world, actor=key_id.split("#")[0], id=f"{target}/activities/1")
    activity["object"] = {**activity["object"], "id": f"{target}/notes/1", "attributedTo": activity["actor"]}
    response = post(world, dumps(activity), key_id=key_id)
    refused(world, response, 401, caplog, before)
    assert "resolves to" in caplog.text  # the guard's reason: no connection was even tried


def test_lookup_of_a_private_address_is_refused_by_the_guard(world):
    who = world.instance.person("curious")
    for uri in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:1/@x", "@x@127.0.0.1:1"):
        response = world.instance.http.get(
            f"{world.instance.url}/api/v1/resolve", params={"uri": uri}, headers=who.auth, timeout=30
        )
        assert response.status_code == 404, response.text


def test_blocked_domain(world, caplog):
    domain = world.remote.url.split("://", 1)[1]
    registry = world.instance.registry
    admin = world.instance.person("admin", admin=True)

    def block(blocked: bool) -> None:
        def work(session: Any) -> None:
            from mobilizon.accounts.models import User

            user = session.scalar(select(User).where(User.email == admin.email))
            set_blocked(_Ctx(session, registry), user, domain, blocked)

        committed(registry, work)

    block(True)
    before = counts(world)
    fetched = len(world.remote.requests)
    refused(world, post(world, dumps(note(world))), 403, caplog, before)
    assert len(world.remote.requests) == fetched  # nothing was even fetched from it
    block(False)
    assert post(world, dumps(note(world))).status_code == 202
    world.instance.registry["huey"].flush()


@dataclass
class _Ctx:
    dbsession: Any
    registry: Any


def test_a_deleted_account_saying_goodbye_gets_202_and_leaves_nothing(world):
    before = counts(world)
    gone = f"{world.remote.url}/users/gone"
    activity = {"id": f"{gone}#delete", "type": "Delete", "actor": gone, "object": gone}
    response = post(world, dumps(activity), key_id=f"{gone}#main-key")
    assert response.status_code == 202 and counts(world) == before
