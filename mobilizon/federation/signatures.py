"""HTTP Signatures: sign what we send, verify what we receive, fail closed on anything odd.

Two formats arrive at an inbox. Draft-cavage signatures (``Signature: keyId=..,headers=..``,
what Mastodon, Mobilizon, PeerTube and Gancio send) are parsed and checked here on
``cryptography``: libraries.md explains why no library's policy is strict enough. RFC 9421
HTTP Message Signatures (``Signature-Input`` + ``Signature``, sent by Mastodon 4.5+) go through
the ``http-message-signatures`` library with our own policy around it.

The policy, for both:

- the signature must cover the request target (method, path and query), the host and a time
  (``date`` for cavage, ``created`` for RFC 9421), and, when there is a body, its digest, which
  is recomputed from the raw body bytes before anything parses them;
- the time must be within ``mobilizon.federation.signature_window`` seconds of ours, in either
  direction (default 3600). Mastodon accepts 12 hours back and 1 hour ahead and Mobilizon ±12
  hours, but every sender we know re-signs each retry, so an hour is enough and a replay cache
  kept by the inbox needs to remember only one window;
- keys come from ``key_resolver(key_id, refresh) -> (owner_actor_id, public_key_pem)``: the
  caller caches, and when the signature does not match the cached key we ask once more with
  ``refresh=True`` (the remote actor may have rotated its key);
- only RSA keys of 2048 bits or more, with PKCS#1 v1.5 and SHA-256 (``rsa-sha256``,
  ``hs2019`` on an RSA key, ``rsa-v1_5-sha256``).

Every failure is a ``SignatureError`` whose message says what was wrong; the inbox answers
401 to it. Origins are compared on parsed URLs only (``origin_of``), never with string surgery
(CVE-2023-42451).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

import http_message_signatures as hms
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mobilizon.federation.http import FetchError, FetchRefused, ascii_host
from mobilizon.settings import SettingsError

DEFAULT_WINDOW = 3600
MIN_KEY_BITS = 2048
MAX_SIGNATURE_HEADER = 8192
DEFAULT_PORTS = {"http": 80, "https": 443}
BODY_METHODS = ("POST", "PUT", "PATCH")
CAVAGE_ALGORITHMS = ("rsa-sha256", "hs2019")
CAVAGE_PARAMETERS = ("keyId", "algorithm", "headers", "signature", "created", "expires")

KeyResolver = Callable[[str, bool], "tuple[str, str] | None"]


class SignatureError(Exception):
    """A request's signature is missing, malformed, stale or wrong; the inbox answers 401."""


# --- origins ---------------------------------------------------------------------------------------


def origin_of(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an http(s) URL, for comparing who owns what.

    The host is IDNA-encoded, lowercased and loses one trailing dot; the port defaults by
    scheme. URLs with credentials or backslashes are refused (``ValueError``): parsers disagree
    about where their host is, and an origin check must not be the one that is fooled.
    """
    if not isinstance(url, str) or not url:
        raise ValueError("not a URL")
    if "\\" in url or any(char.isspace() or ord(char) < 0x20 for char in url):
        raise ValueError(f"URL {url!r} contains a backslash, whitespace or a control character")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"URL {url!r} is not http(s)")
    if "@" in parts.netloc:
        raise ValueError(f"URL {url!r} carries credentials")
    host = parts.hostname or ""
    if host.endswith("."):
        host = host[:-1]
    if not host or host.endswith("."):
        raise ValueError(f"URL {url!r} has no valid host")
    try:
        host = ascii_host(host)
    except FetchRefused as error:
        raise ValueError(str(error)) from None
    port = parts.port  # ValueError when it is not a number in range
    return scheme, host, port if port is not None else DEFAULT_PORTS[scheme]


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs have the same origin; an unparseable URL matches nothing."""
    try:
        return origin_of(a) == origin_of(b)
    except ValueError:
        return False


def domain_of(url: str) -> str:
    """``host`` or ``host:port`` (non-default port) of a URL: how we name a remote instance."""
    scheme, host, port = origin_of(url)
    if ":" in host:
        host = f"[{host}]"
    return host if port == DEFAULT_PORTS[scheme] else f"{host}:{port}"


# --- keys ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from SPKI (``PUBLIC KEY``) or PKCS#1 (``RSA PUBLIC KEY``) PEM."""
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, UnicodeError, UnsupportedAlgorithm) as error:
        raise SignatureError(f"public key is not a PEM key: {error}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError(f"public key is {type(key).__name__}, only RSA keys are accepted")
    if key.key_size < MIN_KEY_BITS:
        raise SignatureError(f"RSA key of {key.key_size} bits is too short")
    return key


@lru_cache(maxsize=256)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA private keys can sign")
    return key


def _rsa_verify(pem: str, signature: bytes, message: bytes) -> bool:
    try:
        load_public_key(pem).verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except CryptoInvalidSignature:
        return False
    return True


# --- signing ---------------------------------------------------------------------------------------


def _target(parts: Any) -> str:
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _host_header(parts: Any) -> str:
    host = ascii_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    scheme = parts.scheme.lower()
    return host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"


def digest_header(body: bytes) -> str:
    """``SHA-256=<base64>`` of the body, as the ``Digest`` header carries it."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    key_id: str,
    private_key_pem: str,
    now: float | None = None,
) -> dict[str, str]:
    """The headers that sign a request the draft-cavage way (what Mastodon expects).

    GET: ``(request-target) host date``; with a body also ``digest`` and, when given,
    ``content-type`` (Mastodon signs it since 4.2.5). Returns Host, Date, Digest, Signature.
    """
    if '"' in key_id or any(ord(char) < 0x20 for char in key_id):
        raise ValueError(f"keyId {key_id!r} cannot go in a Signature header")
    method = method.upper()
    parts = urlsplit(url)
    lower = {name.lower(): value for name, value in headers.items()}
    added = {"Host": _host_header(parts), "Date": formatdate(now, usegmt=True)}
    values = {"(request-target)": f"{method.lower()} {_target(parts)}", "host": added["Host"]}
    values["date"] = added["Date"]
    if method in BODY_METHODS or body:
        added["Digest"] = digest_header(body)
        values["digest"] = added["Digest"]
        if "content-type" in lower:
            values["content-type"] = lower["content-type"]
    signing_string = "\n".join(f"{name}: {value}" for name, value in values.items())
    signature = _private_key(private_key_pem).sign(
        signing_string.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256()
    )
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(values)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )
    return added


@dataclass(frozen=True)
class RequestSigner:
    """Signs requests on behalf of one key; give it to the guarded client as ``signer``."""

    key_id: str
    private_key_pem: str = field(repr=False)

    def __call__(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
        return sign_request(
            method, url, headers, body, key_id=self.key_id, private_key_pem=self.private_key_pem
        )


# --- incoming requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedRequest:
    """What verification needs of an incoming request: exactly what was on the wire."""

    method: str
    target: str  # path and query as sent, e.g. /inbox?x=1
    headers: Mapping[str, str]  # lowercased names; repeated fields joined with ", "
    body: bytes = b""
    scheme: str = "https"

    @classmethod
    def build(
        cls,
        method: str,
        target: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        body: bytes = b"",
        scheme: str = "https",
    ) -> SignedRequest:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        joined: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            joined[key] = f"{joined[key]}, {value.strip()}" if key in joined else value.strip()
        return cls(method.upper(), target, joined, body, scheme.lower())

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, Any], body: bytes, scheme: str | None = None
    ) -> SignedRequest:
        """From a WSGI environ; the caller has read the body (under its own size cap).

        ``scheme`` is the public one (``https`` behind a TLS-terminating proxy).
        """
        target = environ.get("REQUEST_URI") or environ.get("RAW_URI") or ""
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            target = _target(parts)
        if not target:  # servers that do not pass the raw target: rebuild it (WSGI: latin-1)
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            path = quote(path.encode("latin-1"), safe="/:@!$&'()*+,;=")
            query = environ.get("QUERY_STRING", "")
            target = (path or "/") + (f"?{query}" if query else "")
        headers = [
            (key[5:].replace("_", "-"), str(value))
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers.append((key.replace("_", "-"), str(environ[key])))
        return cls.build(
            str(environ.get("REQUEST_METHOD", "GET")),
            target,
            headers,
            body,
            scheme or str(environ.get("wsgi.url_scheme", "https")),
        )

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.target}"


@dataclass(frozen=True)
class VerifiedSignature:
    """Who signed: the key and the actor that owns it (the inbox checks it is the activity's)."""

    key_id: str
    owner: str
    scheme: str  # "cavage" or "rfc9421"
    covered: tuple[str, ...]
    created: datetime


_PARAMETER = re.compile(r'([A-Za-z]+)=(?:"([^"\\]*)"|([0-9]{1,12}))')


def parse_signature_header(value: str) -> dict[str, str]:
    """Parse a draft-cavage ``Signature`` header strictly: any oddity is a ``SignatureError``."""
    if len(value) > MAX_SIGNATURE_HEADER:
        raise SignatureError("Signature header is too long")
    params: dict[str, str] = {}
    position, end = 0, len(value)
    while True:
        while position < end and value[position] in " \t":
            position += 1
        match = _PARAMETER.match(value, position)
        if match is None:
            raise SignatureError(f"malformed Signature header near {value[position : position + 20]!r}")
        name, quoted, number = match.groups()
        if name not in CAVAGE_PARAMETERS:
            raise SignatureError(f"unknown Signature parameter {name!r}")
        if name in params:
            raise SignatureError(f"Signature parameter {name!r} appears twice")
        if number is not None and name not in ("created", "expires"):
            raise SignatureError(f"Signature parameter {name!r} must be quoted")
        params[name] = quoted if quoted is not None else number
        if name in ("created", "expires") and not re.fullmatch(r"[0-9]{1,12}", params[name]):
            raise SignatureError(f"Signature parameter {name!r} is not a timestamp")
        position = match.end()
        while position < end and value[position] in " \t":
            position += 1
        if position == end:
            break
        if value[position] != ",":
            raise SignatureError(f"malformed Signature header near {value[position : position + 20]!r}")
        position += 1
    for required in ("keyId", "signature", "headers"):
        if not params.get(required):
            raise SignatureError(f"Signature header has no {required}")
    return params


class Verifier:
    """Verifies incoming signed requests, draft-cavage or RFC 9421, under one policy."""

    def __init__(self, key_resolver: KeyResolver, *, window: int = DEFAULT_WINDOW) -> None:
        self.key_resolver = key_resolver
        self.window = window

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], key_resolver: KeyResolver) -> Verifier:
        value = settings.get("mobilizon.federation.signature_window", DEFAULT_WINDOW)
        try:
            window = int(value)
        except (TypeError, ValueError):
            raise SettingsError(
                "mobilizon.federation.signature_window", f"{value!r} is not a number of seconds"
            ) from None
        return cls(key_resolver, window=window)

    def verify(self, request: SignedRequest, *, expected_host: str | None = None) -> VerifiedSignature:
        """Check the request's signature; returns who signed or raises ``SignatureError``.

        ``expected_host`` (our own host) refuses a request signed for another instance and
        replayed to us.
        """
        if expected_host is not None and request.host.lower() != expected_host.lower():
            raise SignatureError(f"request is for host {request.host!r}, this instance is {expected_host!r}")
        if "signature-input" in request.headers:
            return self._verify_rfc9421(request)
        if "signature" in request.headers:
            return self._verify_cavage(request)
        raise SignatureError("request is not signed (no Signature header)")

    # draft-cavage

    def _verify_cavage(self, request: SignedRequest) -> VerifiedSignature:
        params = parse_signature_header(request.headers["signature"])
        algorithm = params.get("algorithm", "hs2019").lower()
        if algorithm not in CAVAGE_ALGORITHMS:
            raise SignatureError(f"unsupported signature algorithm {params['algorithm']!r}")
        covered = params["headers"].lower().split()
        if len(set(covered)) != len(covered):
            raise SignatureError("a header is listed twice in the signature")
        required = ["(request-target)", "host", "date"]
        if request.body or request.method in BODY_METHODS:
            required.append("digest")
        missing = [name for name in required if name not in covered]
        if missing:
            raise SignatureError(f"signature does not cover {', '.join(missing)}")
        created = self._check_date(request.headers.get("date", ""))
        if "expires" in params and int(params["expires"]) < time.time():
            raise SignatureError("signature has expired")
        if "digest" in covered:
            _check_digest(request.headers.get("digest", ""), request.body)
        signing_string = "\n".join(
            f"{name}: {self._cavage_value(request, params, name)}" for name in covered
        ).encode("utf-8")
        signature = _b64decode(params["signature"])
        owner = self._check_key(params["keyId"], lambda pem: _rsa_verify(pem, signature, signing_string))
        return VerifiedSignature(params["keyId"], owner, "cavage", tuple(covered), created)

    @staticmethod
    def _cavage_value(request: SignedRequest, params: Mapping[str, str], name: str) -> str:
        if name == "(request-target)":
            return f"{request.method.lower()} {request.target}"
        if name in ("(created)", "(expires)"):
            value = params.get(name[1:-1])
            if value is None:
                raise SignatureError(f"signature covers {name} but has no {name[1:-1]} parameter")
            return value
        if name not in request.headers:
            raise SignatureError(f"signed header {name!r} is missing from the request")
        return request.headers[name]

    def _check_date(self, value: str) -> datetime:
        if not value:
            raise SignatureError("request has no Date header")
        try:
            date = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            raise SignatureError(f"Date header {value!r} is not an HTTP date") from None
        if date.tzinfo is None:
            raise SignatureError(f"Date header {value!r} has no time zone")
        skew = abs((datetime.now(UTC) - date).total_seconds())
        if skew > self.window:
            raise SignatureError(f"Date {value!r} is {int(skew)} s away from ours (window {self.window} s)")
        return date

    def _check_key(self, key_id: str, matches: Callable[[str], bool]) -> str:
        """Resolve the key and test it; on mismatch refetch it once (the key may have rotated)."""
        owner, pem = self._resolve(key_id, refresh=False)
        if matches(pem):
            return owner
        owner, fresh = self._resolve(key_id, refresh=True)
        if fresh.strip() != pem.strip() and matches(fresh):
            return owner
        raise SignatureError(f"signature does not match the key {key_id}")

    def _resolve(self, key_id: str, *, refresh: bool) -> tuple[str, str]:
        try:
            found = self.key_resolver(key_id, refresh)
        except SignatureError:
            raise
        except (FetchError, LookupError, ValueError) as error:
            raise SignatureError(f"key {key_id} could not be resolved: {error}") from None
        if not found:
            raise SignatureError(f"key {key_id} is unknown")
        owner, pem = found
        load_public_key(pem)  # refuses non-RSA and short keys with a clear message
        return owner, pem

    # RFC 9421

    def _verify_rfc9421(self, request: SignedRequest) -> VerifiedSignature:
        if "signature" not in request.headers:
            raise SignatureError("Signature-Input without a Signature header")
        required = ["@method", "@target-uri"]
        if request.body or request.method in BODY_METHODS:
            required.append("content-digest")
        message = _Message(request.method, request.url, dict(request.headers))
        keys = _LibraryKeys(self)
        try:
            return self._rfc9421_once(message, request, keys, required, refresh=False)
        except _KeyMismatch:
            try:
                return self._rfc9421_once(message, request, keys, required, refresh=True)
            except _KeyMismatch as mismatch:
                raise SignatureError(f"signature does not match the key {mismatch}") from None

    def _rfc9421_once(
        self,
        message: _Message,
        request: SignedRequest,
        keys: _LibraryKeys,
        required: list[str],
        *,
        refresh: bool,
    ) -> VerifiedSignature:
        keys.refresh = refresh
        verifier = hms.HTTPMessageVerifier(
            signature_algorithm=hms.algorithms.RSA_V1_5_SHA256, key_resolver=keys
        )
        # ``created`` may be up to ``window`` ahead (skew) and up to ``window`` old (skew + 0).
        verifier.max_clock_skew = timedelta(seconds=self.window)
        try:
            results = verifier.verify(
                message,
                max_age=timedelta(0),
                require_components=required,
                body=request.body,
            )
        except SignatureError:
            raise
        except hms.InvalidSignature as error:
            if isinstance(error.__cause__, SignatureError):  # ours, from the key resolver
                raise error.__cause__ from None
            if isinstance(error.__cause__, CryptoInvalidSignature) and keys.key_id:
                raise _KeyMismatch(keys.key_id) from None
            if str(error).startswith("Signature age exceeds"):  # the library words it for max_age
                raise SignatureError(
                    f"RFC 9421 signature was created more than {self.window} s ago"
                ) from None
            raise SignatureError(f"RFC 9421 signature refused: {error}") from None
        except (hms.HTTPMessageSignaturesException, ValueError, TypeError, KeyError) as error:
            raise SignatureError(f"RFC 9421 signature refused: {error}") from None
        result = results[0]
        created = datetime.fromtimestamp(int(result.parameters["created"]), UTC)
        return VerifiedSignature(
            keys.key_id, keys.owner, "rfc9421", tuple(result.covered_components), created
        )


class _KeyMismatch(Exception):
    """The RFC 9421 signature is well formed but does not match the key we have."""


@dataclass
class _Message:
    """The request shape ``http-message-signatures`` reads (method, absolute URL, headers)."""

    method: str
    url: str
    headers: dict[str, str]


class _LibraryKeys(hms.HTTPSignatureKeyResolver):
    """Bridges the library's key lookup to our ``key_resolver``, remembering the owner."""

    def __init__(self, verifier: Verifier) -> None:
        self.verifier = verifier
        self.refresh = False
        self.key_id = ""
        self.owner = ""

    def resolve_public_key(self, key_id: str) -> rsa.RSAPublicKey:
        self.owner, pem = self.verifier._resolve(key_id, refresh=self.refresh)
        self.key_id = key_id
        return load_public_key(pem)


def _b64decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise SignatureError("signature is not valid base64") from None


def _check_digest(header: str, body: bytes) -> None:
    """The ``Digest`` header must carry a SHA-256 (or SHA-512) that matches the raw body."""
    if not header:
        raise SignatureError("request has no Digest header")
    digests: dict[str, str] = {}
    for item in header.split(","):
        algorithm, sep, value = item.strip().partition("=")
        if not sep or not value:
            raise SignatureError(f"malformed Digest header {header[:80]!r}")
        digests[algorithm.strip().lower()] = value.strip()
    checks = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
    known = [name for name in digests if name in checks]
    if not known:
        raise SignatureError(f"Digest header has no SHA-256 or SHA-512 value: {header[:80]!r}")
    for name in known:
        expected = base64.b64encode(checks[name](body).digest()).decode("ascii")
        if not hmac.compare_digest(expected.encode(), digests[name].encode("utf-8", "replace")):
            raise SignatureError(f"Digest {name.upper()} does not match the body")
