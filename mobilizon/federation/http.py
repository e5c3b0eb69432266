"""The one guarded HTTP client every remote fetch and delivery goes through.

Every URL that reaches us from another server (actor ids, keyIds, inboxes, icons, collection
pages) is attacker-controlled, so this client refuses what could reach our own network: it
resolves the host itself, refuses loopback, private, link-local, shared (CGNAT), multicast,
reserved and unspecified addresses (also when wrapped in IPv6: mapped, 6to4, NAT64, Teredo),
then connects to the address it checked, so a DNS answer that changes between check and
connect (rebinding) cannot slip through. TLS still verifies the certificate against the host
name. Redirects are followed by hand (at most 3), each hop checked the same way. A response is
read against a byte cap and a total deadline enforced by a watchdog that closes the socket, so a
server dripping one byte a second cannot hold a worker (Mastodon CVE-2023-36461). No proxies
from the environment, no cookies, ``Accept-Encoding: identity``.

``mobilizon.federation.allow_http`` and ``mobilizon.federation.allow_private_addresses`` lift
the scheme and address rules for tests and local development; production refuses both.
``mobilizon.federation.allowed_private_networks`` (CIDRs) lets named private networks through,
for a partner instance on a private network. ``mobilizon.federation.fetch_deadline`` (seconds,
default 20) and ``mobilizon.federation.max_json_bytes`` (default 1 MiB) set the limits.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.cookiejar import CookiePolicy
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import idna
import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import requote_uri
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from mobilizon.settings import SettingsError

ACTIVITY_JSON = "application/activity+json"
LD_JSON_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ACTIVITYSTREAMS = "https://www.w3.org/ns/activitystreams"
AP_ACCEPT = f"{ACTIVITY_JSON}, {LD_JSON_PROFILE}"
JSON_ACCEPT = "application/json, application/jrd+json;q=0.9, application/activity+json;q=0.8"

MAX_REDIRECTS = 3
MAX_JSON_BYTES = 1024 * 1024
MAX_POST_ANSWER_BYTES = 64 * 1024
DEFAULT_DEADLINE = 20.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 10.0
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A remote fetch did not give a usable answer; the message says why."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient  # trying again later may work (timeouts, 5xx, 429)


class FetchRefused(FetchError):
    """Our policy refused the URL or the address it leads to; nothing was sent there."""


class FetchFailed(FetchError):
    """The remote side failed: connection, TLS, timeout, deadline, bad status or bad body."""


class ResponseTooLarge(FetchFailed):
    """The answer was bigger than the cap for this kind of fetch."""


class Signer(Protocol):
    """Gives the headers that sign one request (Signature, Date, Digest, Host, ...)."""

    def __call__(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> Mapping[str, str]: ...


# --- addresses -----------------------------------------------------------------------------------

# Python 3.11's ipaddress tables are stale (CVE-2024-4032), so the special-purpose ranges of the
# IANA registries are listed here and checked before ``is_global``.
_DENIED_NETWORKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared (CGNAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "reserved"),
    ("192.31.196.0/24", "reserved"),
    ("192.52.193.0/24", "reserved"),
    ("192.88.99.0/24", "reserved"),
    ("192.168.0.0/16", "private"),
    ("192.175.48.0/24", "reserved"),
    ("198.18.0.0/15", "reserved"),
    ("198.51.100.0/24", "reserved"),
    ("203.0.113.0/24", "reserved"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "reserved"),
    ("64:ff9b:1::/48", "reserved"),
    ("100::/64", "reserved"),
    ("2001::/32", "reserved (Teredo)"),
    ("2001::/23", "reserved"),
    ("2001:db8::/32", "reserved"),
    ("3fff::/20", "reserved"),
    ("5f00::/16", "reserved"),
    ("fc00::/7", "private"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "link-local"),
    ("ff00::/8", "multicast"),
)
_DENIED = tuple((ipaddress.ip_network(net), reason) for net, reason in _DENIED_NETWORKS)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address really leads to (mapped, NAT64, 6to4), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def address_refusal(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be fetched from ("loopback", "private", ...), or ``None`` if public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = address_refusal(inner)
            return f"{reason} {inner} wrapped in IPv6" if reason else None
    for network, reason in _DENIED:
        if ip.version == network.version and ip in network:
            return reason
    if ip.is_multicast:
        return "multicast"
    if not ip.is_global or ip.is_reserved:
        return "not globally routable"
    return None


# --- URLs ----------------------------------------------------------------------------------------


def checked_url(url: str, *, allow_http: bool) -> str:
    """Refuse URLs we never fetch; returns the URL percent-encoded as it will be sent."""
    if not isinstance(url, str) or not url:
        raise FetchRefused("empty URL")
    if len(url) > 4096:
        raise FetchRefused("URL longer than 4096 characters")
    if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        raise FetchRefused(f"URL contains whitespace or control characters: {url!r}")
    if "\\" in url:
        raise FetchRefused(f"URL contains a backslash: {url!r}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused(f"malformed URL {url!r}: {error}") from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_http):
        allowed = "http or https" if allow_http else "https"
        raise FetchRefused(f"scheme {parts.scheme or '(none)'!r} refused, only {allowed}: {url}")
    if "@" in parts.netloc:
        raise FetchRefused(f"URL carries credentials: {url}")
    if not parts.hostname:
        raise FetchRefused(f"URL has no host: {url}")
    if port == 0:
        raise FetchRefused(f"URL has port 0: {url}")
    host = ascii_host(parts.hostname)
    if host != parts.hostname:
        netloc = f"[{host}]" if ":" in host else host
        netloc += f":{port}" if port is not None else ""
        url = parts._replace(netloc=netloc).geturl()
    return requote_uri(url)


def ascii_host(hostname: str) -> str:
    """The host as it goes on the wire: lowercase, internationalized names in punycode."""
    hostname = hostname.lower()
    if hostname.isascii():
        return hostname
    try:
        return idna.encode(hostname, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise FetchRefused(f"host {hostname!r} is not a valid domain name: {error}") from None


# --- connections pinned to the checked address ---------------------------------------------------


class _Guard:
    """Per-request policy and deadline shared by the connections a request opens."""

    def __init__(
        self,
        *,
        allow_private: bool,
        allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...],
        deadline: float,
        connect_timeout: float,
    ) -> None:
        self.allow_private = allow_private
        self.allowed_networks = allowed_networks
        self.deadline = deadline
        self.connect_timeout = connect_timeout
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check_deadline(self) -> None:
        if self.expired or self.remaining() <= 0:
            raise FetchFailed("total deadline exceeded", transient=True)

    def resolve(self, host: str, port: int) -> list[tuple[Any, ...]]:
        """Resolve ``host`` and refuse it if any of its addresses is not public."""
        host = host.strip("[]")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchFailed(f"could not resolve {host}: {error}", transient=True) from None
        if not infos:
            raise FetchFailed(f"could not resolve {host}", transient=True)
        if not self.allow_private:
            for info in infos:
                ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
                if any(ip.version == net.version and ip in net for net in self.allowed_networks):
                    continue
                reason = address_refusal(ip)
                if reason:
                    raise FetchRefused(f"{host} resolves to {ip} ({reason}): refused")
        return infos

    def connect(self, host: str, port: int, socket_options: Any) -> socket.socket:
        """Open a socket to one of the checked addresses of ``host``."""
        self.check_deadline()
        infos = self.resolve(host, port)
        last_error: OSError | None = None
        for family, socktype, proto, _name, address in infos:
            timeout = min(self.connect_timeout, self.remaining())
            if timeout <= 0:
                raise FetchFailed("total deadline exceeded while connecting", transient=True)
            sock = socket.socket(family, socktype, proto)
            try:
                for option in socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(timeout)
                sock.connect(address)
            except OSError as error:
                sock.close()
                last_error = error
                continue
            self._register(sock)
            return sock
        if isinstance(last_error, TimeoutError):
            raise FetchFailed(f"connection to {host} timed out", transient=True)
        raise FetchFailed(f"could not connect to {host}: {last_error}", transient=True)

    def _register(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                sock.close()
                raise FetchFailed("total deadline exceeded", transient=True)
            self._sockets.append(sock)

    def expire(self) -> None:
        """Called by the watchdog: cut every socket of the request so blocked reads return."""
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                # the socket may already be closed by urllib3; then there is nothing to cut
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    @contextlib.contextmanager
    def watchdog(self) -> Iterator[None]:
        timer = threading.Timer(max(self.remaining(), 0.0), self.expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()


def _pool_classes(guard: _Guard) -> dict[str, type]:
    """urllib3 pool classes whose connections go through ``guard`` (made per request)."""

    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return guard.connect(self._dns_host, self.port, self.socket_options)

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return guard.connect(self._dns_host, self.port, self.socket_options)

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard
        super().__init__(max_retries=0, pool_connections=1, pool_maxsize=1)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._guard)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise FetchRefused("proxies are not used by the federation client")


class _NoCookies(CookiePolicy):
    """Neither keep nor send cookies: a redirect chain must not carry state between hosts."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: Any) -> bool:
        return False

    def path_return_ok(self, path: str, request: Any) -> bool:
        return False


# --- the client ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    """An answer: the final URL after redirects, status, headers and the (capped) body."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    truncated: bool = False


@dataclass(frozen=True)
class JsonDocument:
    """A JSON document and the URL it was finally served from (for id/origin checks)."""

    url: str
    data: Any
    content_type: str = ""


def is_activitypub_type(content_type: str) -> bool:
    """``application/activity+json`` or ``application/ld+json`` with the AS2 profile."""
    media, params = _parse_content_type(content_type)
    if media == "application/activity+json":
        return True
    return media == "application/ld+json" and ACTIVITYSTREAMS in params.get("profile", "").split()


def is_json_type(content_type: str) -> bool:
    media, _ = _parse_content_type(content_type)
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    message = Message()
    message["content-type"] = value or "application/octet-stream"
    params = {str(k).lower(): str(v) for k, v in message.get_params(header="content-type")[1:]}
    return message.get_content_type(), params


@dataclass
class GuardedClient:
    """Makes outbound requests under the federation policy; one per app, on the registry."""

    user_agent: str
    allow_http: bool = False
    allow_private_addresses: bool = False
    deadline: float = DEFAULT_DEADLINE
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_json_bytes: int = MAX_JSON_BYTES
    max_redirects: int = MAX_REDIRECTS
    # non-public networks allowed anyway (a partner instance on a private network, a test server)
    allowed_private_networks: tuple[str, ...] = ()
    verify: bool | str = True  # a CA bundle path in tests; never False
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> GuardedClient:
        """Build the client from the app's (normalized) settings."""
        from mobilizon import __version__

        base_url = settings.get("mobilizon.base_url", "")
        return cls(
            user_agent=f"mobilizon-py/{__version__} (+{base_url})",
            allow_http=bool(settings.get("mobilizon.federation.allow_http", False)),
            allow_private_addresses=bool(settings.get("mobilizon.federation.allow_private_addresses", False)),
            allowed_private_networks=_networks(settings),
            deadline=_positive_number(settings, "mobilizon.federation.fetch_deadline", DEFAULT_DEADLINE),
            max_json_bytes=int(
                _positive_number(settings, "mobilizon.federation.max_json_bytes", MAX_JSON_BYTES)
            ),
        )

    # public API

    def get_json(
        self,
        url: str,
        *,
        signer: Signer | None = None,
        activitypub: bool = True,
        max_bytes: int | None = None,
    ) -> Any:
        """Fetch and parse a JSON document; see ``fetch_json`` (this returns only the data)."""
        return self.fetch_json(url, signer=signer, activitypub=activitypub, max_bytes=max_bytes).data

    def fetch_json(
        self,
        url: str,
        *,
        signer: Signer | None = None,
        activitypub: bool = True,
        max_bytes: int | None = None,
    ) -> JsonDocument:
        """GET a JSON document, with its final URL.

        With ``activitypub`` (the default) the answer must be served as an ActivityPub type:
        accepting plain JSON let attackers pass uploads off as actors (CVE-2024-23832).
        """
        accept = AP_ACCEPT if activitypub else JSON_ACCEPT
        result = self.request(
            "GET",
            url,
            headers={"Accept": accept},
            signer=signer,
            max_bytes=max_bytes or self.max_json_bytes,
        )
        if not 200 <= result.status < 300 or result.status == 204:
            raise FetchFailed(
                f"{result.url} answered {result.status}",
                status=result.status,
                transient=result.status >= 500 or result.status == 429,
            )
        content_type = result.headers.get("Content-Type", "")
        if activitypub and not is_activitypub_type(content_type):
            raise FetchRefused(
                f"{result.url} served {content_type or 'no content type'!r}, not an ActivityPub type"
            )
        if not activitypub and not is_json_type(content_type):
            raise FetchRefused(f"{result.url} served {content_type or 'no content type'!r}, not JSON")
        try:
            data = json.loads(result.content)
        except (ValueError, RecursionError) as error:
            raise FetchFailed(f"{result.url} served invalid JSON: {error}") from None
        return JsonDocument(url=result.url, data=data, content_type=content_type)

    def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        signer: Signer | None = None,
    ) -> FetchResult:
        """POST ``body``; any status comes back as a result (redirects are not followed).

        The answer's body is read up to 64 KiB and cut there: an inbox's answer is never used
        beyond error messages, and an accepted delivery must not fail on a long answer.
        """
        return self.request(
            "POST",
            url,
            headers=headers,
            body=body,
            signer=signer,
            max_bytes=MAX_POST_ANSWER_BYTES,
            truncate=True,
            follow_redirects=False,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        signer: Signer | None = None,
        max_bytes: int,
        truncate: bool = False,
        follow_redirects: bool = True,
        deadline: float | None = None,
    ) -> FetchResult:
        """Send one request under the policy, following at most ``max_redirects`` redirects."""
        method = method.upper()
        url = checked_url(url, allow_http=self.allow_http)
        guard = _Guard(
            allow_private=self.allow_private_addresses,
            allowed_networks=tuple(
                ipaddress.ip_network(net, strict=False) for net in self.allowed_private_networks
            ),
            deadline=time.monotonic() + (deadline or self.deadline),
            connect_timeout=self.connect_timeout,
        )
        session = self._session(guard)
        try:
            with guard.watchdog():
                return self._follow(
                    session,
                    guard,
                    method,
                    url,
                    headers or {},
                    body,
                    signer,
                    max_bytes,
                    truncate,
                    follow_redirects,
                )
        finally:
            session.close()

    # internals

    def _session(self, guard: _Guard) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.cookies.set_policy(_NoCookies())
        session.headers = CaseInsensitiveDict(
            {"User-Agent": self.user_agent, "Accept-Encoding": "identity", "Accept": "*/*"}
        )
        session.headers.update(self.extra_headers)
        session.verify = self.verify
        adapter = _GuardedAdapter(guard)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def _follow(
        self,
        session: requests.Session,
        guard: _Guard,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        signer: Signer | None,
        max_bytes: int,
        truncate: bool,
        follow_redirects: bool,
    ) -> FetchResult:
        for _hop in range(self.max_redirects + 1):
            response = self._send(session, guard, method, url, headers, body, signer)
            with response:
                if follow_redirects and response.status_code in REDIRECT_STATUSES:
                    url = self._next_hop(url, response)
                    if response.status_code == 303 and method != "HEAD":
                        method, body = "GET", b""
                    continue
                content, cut = _read_capped(response, guard, max_bytes, truncate)
                return FetchResult(url, response.status_code, response.headers, content, cut)
        raise FetchRefused(f"more than {self.max_redirects} redirects, last to {url}")

    def _next_hop(self, url: str, response: requests.Response) -> str:
        location = response.headers.get("Location")
        if not location:
            raise FetchFailed(f"{url} answered {response.status_code} without a Location")
        return checked_url(urljoin(url, location), allow_http=self.allow_http)

    def _send(
        self,
        session: requests.Session,
        guard: _Guard,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        signer: Signer | None,
    ) -> requests.Response:
        guard.check_deadline()
        sent = dict(headers)
        if signer is not None:
            sent.update(signer(method, url, sent, body))
        read_timeout = max(min(self.read_timeout, guard.remaining()), 0.001)
        try:
            return session.request(
                method,
                url,
                data=body or None,
                headers=sent,
                allow_redirects=False,
                stream=True,
                timeout=(self.connect_timeout, read_timeout),
            )
        except FetchError:
            raise
        except requests.exceptions.Timeout:
            raise FetchFailed(f"{method} {url} timed out", transient=True) from None
        except requests.exceptions.SSLError as error:
            raise FetchFailed(f"TLS failed for {url}: {_root(error)}", transient=True) from None
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema) as error:
            raise FetchRefused(f"invalid URL {url}: {error}") from None
        except requests.exceptions.RequestException as error:
            if guard.expired:
                raise FetchFailed("total deadline exceeded", transient=True) from None
            raise FetchFailed(f"{method} {url} failed: {_root(error)}", transient=True) from None


def _read_capped(
    response: requests.Response, guard: _Guard, max_bytes: int, truncate: bool
) -> tuple[bytes, bool]:
    """Read the body up to ``max_bytes`` (decoded), within the request's deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes and not truncate:
        raise ResponseTooLarge(f"{response.url} announces {declared} bytes, over {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=16384):
            guard.check_deadline()
            size += len(chunk)
            if size > max_bytes:
                if truncate:
                    chunks.append(chunk[: max_bytes - (size - len(chunk))])
                    return b"".join(chunks), True
                raise ResponseTooLarge(f"{response.url} sent more than {max_bytes} bytes")
            chunks.append(chunk)
    except requests.exceptions.RequestException as error:
        if guard.expired:
            raise FetchFailed("total deadline exceeded", transient=True) from None
        raise FetchFailed(f"reading {response.url} failed: {_root(error)}", transient=True) from None
    guard.check_deadline()
    return b"".join(chunks), False


def _root(error: BaseException) -> str:
    """The innermost cause's message: requests wraps urllib3 wraps the socket error."""
    for _depth in range(10):
        inner = error.__cause__ or error.__context__
        if inner is None and error.args and isinstance(error.args[0], BaseException):
            inner = error.args[0]
        if inner is None or inner is error:
            break
        error = inner
    return f"{type(error).__name__}: {error}"


def _positive_number(settings: Mapping[str, Any], name: str, default: float) -> float:
    value = settings.get(name, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(name, f"{value!r} is not a number") from None
    if number <= 0:
        raise SettingsError(name, f"{number} must be greater than zero")
    return number


def _networks(settings: Mapping[str, Any]) -> tuple[str, ...]:
    name = "mobilizon.federation.allowed_private_networks"
    value = settings.get(name) or ()
    words = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    for word in words:
        try:
            ipaddress.ip_network(word, strict=False)
        except ValueError:
            raise SettingsError(name, f"{word!r} is not an IP network (like 10.1.2.0/24)") from None
    return tuple(words)
