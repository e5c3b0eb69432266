"""HTTP Signatures: what we sign verifies through real HTTP, and every bad request is refused."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

import pytest
from http_message_signatures import HTTPMessageSigner, algorithms
from http_message_signatures.resolvers import HTTPSignatureKeyResolver

from mobilizon.federation.http import GuardedClient
from mobilizon.federation.signatures import (
    RequestSigner,
    SignatureError,
    SignedRequest,
    Verifier,
    digest_header,
    load_public_key,
    parse_signature_header,
    sign_request,
)

ACTOR = "https://remote.example/users/alice"
KEY_ID = f"{ACTOR}#main-key"
BODY = b'{"type":"Follow","actor":"https://remote.example/users/alice"}'
AP = "application/activity+json"


class Keys:
    """A key resolver as the inbox will have one: a cache, refreshed on demand."""

    def __init__(self, cached: str, fresh: str | None = None) -> None:
        self.cached = cached
        self.fresh = fresh or cached
        self.calls: list[tuple[str, bool]] = []

    def __call__(self, key_id: str, refresh: bool) -> tuple[str, str] | None:
        self.calls.append((key_id, refresh))
        if key_id != KEY_ID:
            return None
        if refresh:
            self.cached = self.fresh
        return ACTOR, self.cached


def verifying_app(verifier_for: Any) -> Any:
    """A WSGI app that verifies every request it gets and says what it found."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        request = SignedRequest.from_environ(environ, body)
        try:
            verified = verifier_for().verify(request)
        except SignatureError as error:
            status, answer = "401 Unauthorized", {"error": str(error)}
        else:
            status = "200 OK"
            answer = {"owner": verified.owner, "scheme": verified.scheme, "target": request.target}
        data = json.dumps(answer).encode()
        start_response(status, [("Content-Type", AP), ("Content-Length", str(len(data)))])
        return [data]

    return app


@pytest.fixture
def client() -> GuardedClient:
    return GuardedClient("test", allow_http=True, allow_private_addresses=True, deadline=5)


@pytest.fixture
def inbox(keys, serve_wsgi):
    resolver = {"keys": Keys(keys.public_pem)}
    with serve_wsgi(verifying_app(lambda: Verifier(resolver["keys"]))) as url:
        yield url, resolver


def answer(client: GuardedClient, method: str, url: str, signer: Any, body: bytes = b"") -> tuple:
    result = client.request(
        method,
        url,
        headers={"Content-Type": AP} if body else {"Accept": AP},
        body=body,
        signer=signer,
        max_bytes=65536,
    )
    return result.status, json.loads(result.content)


# --- round trips through real HTTP ------------------------------------------------------------


def test_signed_post_verifies_through_http(client, inbox, keys):
    url, _ = inbox
    status, found = answer(client, "POST", f"{url}/inbox", RequestSigner(KEY_ID, keys.private_pem), BODY)
    assert (status, found["owner"], found["scheme"]) == (200, ACTOR, "cavage")


def test_signed_get_covers_the_query_string(client, inbox, keys):
    url, _ = inbox
    status, found = answer(
        client, "GET", f"{url}/users/bob/outbox?page=2&x=%C3%A9", RequestSigner(KEY_ID, keys.private_pem)
    )
    assert status == 200
    assert found["target"] == "/users/bob/outbox?page=2&x=%C3%A9"


def test_body_swapped_after_signing_is_refused_through_http(client, inbox, keys):
    url, _ = inbox
    signed = RequestSigner(KEY_ID, keys.private_pem)

    def swap(method, url, headers, body):
        return signed(method, url, headers, b'{"type":"Delete"}')  # signs another body

    status, found = answer(client, "POST", f"{url}/inbox", swap, BODY)
    assert status == 401
    assert found["error"] == "Digest SHA-256 does not match the body"


def test_unsigned_request_is_refused_through_http(client, inbox):
    url, _ = inbox
    status, found = answer(client, "POST", f"{url}/inbox", None, BODY)
    assert (status, found["error"]) == (401, "request is not signed (no Signature header)")


def test_pkcs1_public_keys_are_accepted(client, keys, serve_wsgi):
    with serve_wsgi(verifying_app(lambda: Verifier(Keys(keys.public_pkcs1_pem)))) as url:
        status, found = answer(client, "POST", f"{url}/inbox", RequestSigner(KEY_ID, keys.private_pem), BODY)
    assert (status, found["owner"]) == (200, ACTOR)


# --- refusals, each with a message that says why ----------------------------------------------


def signed(keys, *, body: bytes = BODY, method: str = "POST", target: str = "/inbox", **over):
    """A request as it would arrive: our signer's headers, then ``over`` applied on top."""
    headers = {"Content-Type": AP} if body else {}
    headers.update(
        sign_request(
            method,
            f"https://local.example{target}",
            headers,
            body,
            key_id=KEY_ID,
            private_key_pem=keys.private_pem,
            now=over.pop("now", None),
        )
    )
    for name, value in over.items():
        name = name.replace("_", "-")
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return SignedRequest.build(method, target, headers, body)


def refused(keys, request: SignedRequest, resolver: Any = None) -> str:
    with pytest.raises(SignatureError) as error:
        Verifier(resolver or Keys(keys.public_pem)).verify(request)
    return str(error.value)


def test_verified_request_names_key_and_owner(keys):
    verified = Verifier(Keys(keys.public_pem)).verify(signed(keys), expected_host="local.example")
    assert (verified.key_id, verified.owner) == (KEY_ID, ACTOR)
    assert verified.covered == ("(request-target)", "host", "date", "digest", "content-type")


def test_tampered_body(keys):
    request = signed(keys)
    tampered = SignedRequest.build("POST", "/inbox", request.headers, BODY.replace(b"Follow", b"Delete"))
    assert refused(keys, tampered) == "Digest SHA-256 does not match the body"


def test_digest_recomputed_for_the_new_body_breaks_the_signature(keys):
    other = b'{"type":"Delete"}'
    request = signed(keys, Digest=digest_header(other))
    swapped = SignedRequest.build("POST", "/inbox", request.headers, other)
    assert refused(keys, swapped) == f"signature does not match the key {KEY_ID}"


def test_wrong_digest(keys):
    assert refused(keys, signed(keys, Digest=digest_header(b"other"))) == (
        "Digest SHA-256 does not match the body"
    )
    assert "no SHA-256 or SHA-512" in refused(keys, signed(keys, Digest="MD5=abc"))
    assert refused(keys, signed(keys, Digest=None)) == "request has no Digest header"


def test_stale_and_future_dates(keys):
    import time

    stale = refused(keys, signed(keys, now=time.time() - 2 * 3600))
    assert "away from ours (window 3600 s)" in stale
    future = refused(keys, signed(keys, now=time.time() + 2 * 3600))
    assert "away from ours" in future
    assert refused(keys, signed(keys, Date="yesterday")) == "Date header 'yesterday' is not an HTTP date"


def test_date_within_the_window_is_fine(keys):
    import time

    assert Verifier(Keys(keys.public_pem)).verify(signed(keys, now=time.time() - 3000))


def resign(keys, covered: str, method: str = "POST", body: bytes = BODY, **headers: str) -> SignedRequest:
    """Sign a request covering exactly ``covered`` (as a lax or hostile sender would)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    values = {
        "host": "local.example",
        "date": formatdate(usegmt=True),
        "digest": digest_header(body),
        "content-type": AP,
        **headers,
    }
    lines = []
    for name in covered.split():
        if name == "(request-target)":
            lines.append(f"{name}: {method.lower()} /inbox")
        else:
            lines.append(f"{name}: {values[name]}")
    key = serialization.load_pem_private_key(keys.private_pem.encode(), None)
    signature = key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    values["signature"] = (
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="{covered}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return SignedRequest.build(method, "/inbox", values, body)


@pytest.mark.parametrize(
    ("covered", "missing"),
    [
        ("(request-target) host", "date, digest"),  # what apsig 0.6.0 accepted
        ("(request-target) host date", "digest"),
        ("host date digest", "(request-target)"),
        ("(request-target) date digest", "host"),
    ],
)
def test_missing_required_header(keys, covered, missing):
    assert refused(keys, resign(keys, covered)) == f"signature does not cover {missing}"


def test_get_needs_no_digest_but_the_rest(keys):
    request = resign(keys, "(request-target) host date", method="GET", body=b"")
    assert Verifier(Keys(keys.public_pem)).verify(request).owner == ACTOR
    assert refused(keys, resign(keys, "(request-target) host", method="GET", body=b"")) == (
        "signature does not cover date"
    )


def test_signed_header_absent_from_request(keys):
    request = resign(keys, "(request-target) host date digest x-extra", **{"x-extra": "1"})
    headers = {k: v for k, v in request.headers.items() if k != "x-extra"}
    stripped = SignedRequest.build("POST", "/inbox", headers, BODY)
    assert refused(keys, stripped) == "signed header 'x-extra' is missing from the request"


def test_unknown_algorithm(keys):
    request = signed(keys)
    header = request.headers["signature"].replace('algorithm="rsa-sha256"', 'algorithm="ed25519"')
    assert refused(keys, signed(keys, Signature=header)) == "unsupported signature algorithm 'ed25519'"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("garbage", "malformed Signature header"),
        ("", "malformed Signature header"),
        ('keyId="a",keyId="b",headers="date",signature="x"', "'keyId' appears twice"),
        ('keyId="a",headers="date",signature="x",colour="red"', "unknown Signature parameter 'colour'"),
        ('keyId="a" headers="date",signature="x"', "malformed Signature header"),
        ('keyId=a,headers="date",signature="x"', "malformed Signature header"),
        ('keyId="a",headers="date",signature="x",', "malformed Signature header"),
        ('keyId="a",headers="date"', "Signature header has no signature"),
        ('keyId="a",algorithm=1,headers="date",signature="x"', "'algorithm' must be quoted"),
        ('keyId="a",headers="date",signature="x",created="soon"', "'created' is not a timestamp"),
        ('keyId="a\\"b",headers="date",signature="x"', "malformed Signature header"),
        ("x" * 9000, "too long"),
    ],
)
def test_garbage_signature_headers(header, message):
    with pytest.raises(SignatureError, match=message.replace("(", r"\(")):
        parse_signature_header(header)


def test_garbage_header_through_the_verifier(keys):
    assert refused(keys, signed(keys, Signature="Bearer abc")).startswith("malformed Signature header")
    bad_base64 = signed(keys).headers["signature"].rsplit('signature="', 1)[0] + 'signature="%%%"'
    assert refused(keys, signed(keys, Signature=bad_base64)) == "signature is not valid base64"


def test_repeated_header_in_signed_list(keys):
    request = resign(keys, "(request-target) host date digest date")
    assert refused(keys, request) == "a header is listed twice in the signature"


def test_key_rotation_refetches_once(keys, other_keys):
    resolver = Keys(cached=other_keys.public_pem, fresh=keys.public_pem)
    verified = Verifier(resolver).verify(signed(keys))
    assert verified.owner == ACTOR
    assert resolver.calls == [(KEY_ID, False), (KEY_ID, True)]


def test_wrong_key_even_after_refetch(keys, other_keys):
    resolver = Keys(cached=other_keys.public_pem)
    assert refused(keys, signed(keys), resolver) == f"signature does not match the key {KEY_ID}"
    assert resolver.calls == [(KEY_ID, False), (KEY_ID, True)]


def test_unknown_key_and_failing_resolver(keys):
    def unknown(key_id, refresh):
        return None

    def broken(key_id, refresh):
        from mobilizon.federation.http import FetchFailed

        raise FetchFailed("remote.example answered 410")

    assert refused(keys, signed(keys), unknown) == f"key {KEY_ID} is unknown"
    assert refused(keys, signed(keys), broken) == (
        f"key {KEY_ID} could not be resolved: remote.example answered 410"
    )


def test_short_and_non_rsa_keys_are_refused(keys):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    short = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    curve = ec.generate_private_key(ec.SECP256R1()).public_key()
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    with pytest.raises(SignatureError, match="1024 bits is too short"):
        load_public_key(short.public_bytes(serialization.Encoding.PEM, spki).decode())
    with pytest.raises(SignatureError, match="only RSA keys"):
        load_public_key(curve.public_bytes(serialization.Encoding.PEM, spki).decode())
    with pytest.raises(SignatureError, match="not a PEM key"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")


def test_request_replayed_to_another_host(keys):
    with pytest.raises(SignatureError, match="this instance is 'other.example'"):
        Verifier(Keys(keys.public_pem)).verify(signed(keys), expected_host="other.example")


def test_changed_target_breaks_the_signature(keys):
    request = signed(keys, method="GET", body=b"", target="/users/alice/outbox?page=1")
    moved = SignedRequest.build("GET", "/users/alice/outbox?page=2", request.headers)
    assert refused(keys, moved) == f"signature does not match the key {KEY_ID}"


# --- RFC 9421 -----------------------------------------------------------------------------------


@dataclass
class Message:
    method: str
    url: str
    headers: dict[str, str]


class LibraryKeys(HTTPSignatureKeyResolver):
    def __init__(self, private_pem: str) -> None:
        self.private_pem = private_pem

    def resolve_private_key(self, key_id: str) -> bytes:
        return self.private_pem.encode()


def rfc9421_signer(private_pem: str, **options: Any):
    """A signer for the guarded client that signs with the http-message-signatures library."""
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=LibraryKeys(private_pem)
    )

    def sign(method: str, url: str, headers: Any, body: bytes) -> dict[str, str]:
        message = Message(method, url, dict(headers))
        covered = options.get("covered", ("@method", "@target-uri", "content-digest"))
        signer.sign(
            message,
            key_id=options.get("key_id", KEY_ID),
            covered_component_ids=covered,
            body=body if "content-digest" in covered else None,
            created=options.get("created"),
        )
        return {
            name: value
            for name, value in message.headers.items()
            if name.lower() in ("signature", "signature-input", "content-digest")
        }

    return sign


def test_rfc9421_round_trip_through_http(client, inbox, keys):
    url, _ = inbox
    status, found = answer(client, "POST", f"{url}/inbox", rfc9421_signer(keys.private_pem), BODY)
    assert (status, found["owner"], found["scheme"]) == (200, ACTOR, "rfc9421")


def test_rfc9421_get_round_trip(client, inbox, keys):
    url, _ = inbox
    signer = rfc9421_signer(keys.private_pem, covered=("@method", "@target-uri"))
    status, found = answer(client, "GET", f"{url}/users/alice?page=1", signer)
    assert (status, found["scheme"]) == (200, "rfc9421")


def test_rfc9421_key_rotation(client, keys, other_keys, serve_wsgi):
    resolver = Keys(cached=other_keys.public_pem, fresh=keys.public_pem)
    with serve_wsgi(verifying_app(lambda: Verifier(resolver))) as url:
        status, found = answer(client, "POST", f"{url}/inbox", rfc9421_signer(keys.private_pem), BODY)
    assert (status, found["owner"]) == (200, ACTOR)
    assert resolver.calls == [(KEY_ID, False), (KEY_ID, True)]


def rfc9421_request(keys, body: bytes = BODY, **options: Any) -> SignedRequest:
    headers = {"Content-Type": AP, "Host": "local.example"}
    headers.update(
        rfc9421_signer(keys.private_pem, **options)("POST", "https://local.example/inbox", headers, body)
    )
    return SignedRequest.build("POST", "/inbox", headers, body)


def test_rfc9421_tampered_body(keys):
    request = rfc9421_request(keys)
    tampered = SignedRequest.build("POST", "/inbox", request.headers, b'{"type":"Delete"}')
    assert "Content-Digest does not match" in refused(keys, tampered)


def test_rfc9421_must_cover_the_digest_of_a_body(keys):
    request = rfc9421_request(keys, covered=("@method", "@target-uri"))
    assert "content-digest" in refused(keys, request)


def test_rfc9421_stale_created(keys):
    import datetime

    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=3)
    message = refused(keys, rfc9421_request(keys, created=old))
    assert message == "RFC 9421 signature was created more than 3600 s ago"
    future = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=3)
    assert "in the future" in refused(keys, rfc9421_request(keys, created=future))


def test_rfc9421_unknown_algorithm(keys):
    request = rfc9421_request(keys)
    headers = dict(request.headers)
    headers["signature-input"] = headers["signature-input"].replace('alg="rsa-v1_5-sha256"', 'alg="ed25519"')
    message = refused(keys, SignedRequest.build("POST", "/inbox", headers, BODY))
    assert message == "RFC 9421 signature refused: Unexpected algorithm specified in the signature"


@pytest.mark.parametrize(
    ("signature_input", "signature"),
    [
        ("garbage(((", ":AAAA:"),
        ('sig1=("@method");created=1', "sig1=:AAAA:"),  # no keyid
        ('sig1=("@method" "@target-uri");keyid="k";created=1', "sig1=notbytes"),
        ('sig1=("@method");keyid="k"', "sig2=:AAAA:"),
    ],
)
def test_rfc9421_malformed_headers(keys, signature_input, signature):
    request = SignedRequest.build(
        "POST",
        "/inbox",
        {"Host": "local.example", "Signature-Input": signature_input, "Signature": signature},
        BODY,
    )
    assert refused(keys, request).startswith("RFC 9421 signature")


def test_rfc9421_unknown_key(keys):
    message = refused(keys, rfc9421_request(keys, key_id="https://elsewhere.example/k"))
    assert message == "key https://elsewhere.example/k is unknown"
