"""The guarded client against real local HTTP(S) servers: redirects, caps, deadlines, TLS."""

from __future__ import annotations

import datetime
import gzip
import json
import ssl
import time
from http.server import BaseHTTPRequestHandler

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mobilizon.federation.http import (
    FetchFailed,
    FetchRefused,
    GuardedClient,
    ResponseTooLarge,
)

MB = 1024 * 1024
AP = "application/activity+json"


class Remote(BaseHTTPRequestHandler):
    """A remote server with every misbehaviour the client must survive."""

    protocol_version = "HTTP/1.1"
    posts: list[tuple[str, dict[str, str], bytes]] = []

    def log_message(self, *args: object) -> None:
        """Keep test output clean."""

    def reply(self, status: int, body: bytes, content_type: str = AP, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302, **headers: str) -> None:
        self.reply(status, b"", "text/plain", Location=location, **headers)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        host = self.headers["Host"]
        if path == "/actor":
            self.reply(200, json.dumps({"id": f"http://{host}/actor"}).encode())
        elif path == "/ld":
            profile = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
            self.reply(200, b'{"id": "ld"}', profile)
        elif path == "/plain":
            self.reply(200, b'{"id": "plain"}', "application/json")
        elif path == "/html":
            self.reply(200, b"<html></html>", "text/html")
        elif path == "/not-json":
            self.reply(200, b"{nope", AP)
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect(f"/redirect/{left - 1}" if left > 1 else "/actor")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-loopback-alias":
            self.redirect(f"http://127.0.0.2:{self.server.server_address[1]}/actor")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/cookie":
            self.redirect("/echo", **{"Set-Cookie": "session=abc; Path=/"})
        elif path == "/echo":
            self.reply(200, json.dumps(dict(self.headers.items())).encode())
        elif path == "/big":
            self.stream(5 * MB, announce=True)
        elif path == "/big-unannounced":
            self.stream(5 * MB, announce=False)
        elif path == "/gzip-bomb":
            bomb = gzip.compress(b" " * (4 * MB))
            self.reply(200, bomb, AP, Content_Encoding="gzip")
        elif path == "/drip":
            self.drip()
        elif path == "/drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Slow: " + b"a" * 60:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        elif path.startswith("/status/"):
            self.reply(int(path.rsplit("/", 1)[1]), b'{"error": "x"}')
        else:
            self.reply(404, b"{}")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        Remote.posts.append((self.path, dict(self.headers.items()), body))
        if self.path == "/inbox-moved":
            self.redirect("/inbox", status=307)
        elif self.path == "/long-answer":
            self.reply(202, b"x" * MB, "text/plain")
        else:
            self.reply(202, b"")

    def stream(self, size: int, *, announce: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", AP)
        if announce:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            self.wfile.write(chunk)

    def drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", AP)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(1)


@pytest.fixture
def remote(http_server) -> str:
    Remote.posts = []
    return http_server(Remote)


@pytest.fixture
def client() -> GuardedClient:
    """Dev/test policy: http and loopback allowed."""
    return GuardedClient(
        "mobilizon-py/test (+http://localhost)",
        allow_http=True,
        allow_private_addresses=True,
        deadline=5,
    )


@pytest.fixture
def pinned_client() -> GuardedClient:
    """Production policy, but for the one test server address."""
    return GuardedClient("test", allow_http=True, allowed_private_networks=("127.0.0.1/32",), deadline=5)


def test_loopback_works_when_allowed(client, remote):
    document = client.fetch_json(f"{remote}/actor")
    assert document.data == {"id": f"{remote}/actor"}
    assert document.url == f"{remote}/actor"
    assert document.content_type == AP


def test_ld_json_with_the_activitystreams_profile_is_activitypub(client, remote):
    assert client.get_json(f"{remote}/ld") == {"id": "ld"}


@pytest.mark.parametrize("path", ["/plain", "/html"])
def test_activitypub_fetch_refuses_other_content_types(client, remote, path):
    with pytest.raises(FetchRefused, match="not an ActivityPub type"):
        client.get_json(f"{remote}{path}")


def test_plain_json_is_fine_when_not_asking_for_activitypub(client, remote):
    assert client.get_json(f"{remote}/plain", activitypub=False) == {"id": "plain"}
    with pytest.raises(FetchRefused, match="not JSON"):
        client.get_json(f"{remote}/html", activitypub=False)


def test_invalid_json_and_error_statuses(client, remote):
    with pytest.raises(FetchFailed, match="invalid JSON"):
        client.get_json(f"{remote}/not-json")
    with pytest.raises(FetchFailed, match="answered 404") as missing:
        client.get_json(f"{remote}/status/404")
    assert (missing.value.status, missing.value.transient) == (404, False)
    with pytest.raises(FetchFailed, match="answered 503") as down:
        client.get_json(f"{remote}/status/503")
    assert down.value.transient


def test_three_redirects_are_followed(client, remote):
    document = client.fetch_json(f"{remote}/redirect/3")
    assert document.url == f"{remote}/actor"


def test_a_fourth_redirect_is_refused(client, remote):
    with pytest.raises(FetchRefused, match="more than 3 redirects"):
        client.get_json(f"{remote}/redirect/4")


def test_redirect_to_a_forbidden_address_is_refused(pinned_client, remote):
    assert pinned_client.get_json(f"{remote}/actor")  # the first hop itself is allowed
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254 \(link-local\)"):
        pinned_client.get_json(f"{remote}/to-metadata")
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.2 \(loopback\)"):
        pinned_client.get_json(f"{remote}/to-loopback-alias")
    with pytest.raises(FetchRefused, match="scheme 'file' refused"):
        pinned_client.get_json(f"{remote}/to-file")


def test_headers_we_send_and_no_cookies(client, remote):
    echoed = client.get_json(f"{remote}/cookie")  # sets a cookie on the way
    headers = {name.lower(): value for name, value in echoed.items()}
    assert headers["user-agent"] == "mobilizon-py/test (+http://localhost)"
    assert headers["accept-encoding"] == "identity"
    assert "application/activity+json" in headers["accept"]
    assert "cookie" not in headers


def test_environment_proxies_are_ignored(client, remote, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    assert client.get_json(f"{remote}/actor")


def test_announced_oversize_body_is_refused_without_reading_it(client, remote):
    with pytest.raises(ResponseTooLarge, match="announces 5242880 bytes, over 1048576"):
        client.get_json(f"{remote}/big")


def test_unannounced_oversize_body_is_cut_at_the_cap(client, remote):
    with pytest.raises(ResponseTooLarge, match="sent more than 1048576 bytes"):
        client.get_json(f"{remote}/big-unannounced")


def test_the_cap_is_a_parameter(client, remote):
    with pytest.raises(ResponseTooLarge, match="more than 1000 bytes"):
        client.request("GET", f"{remote}/big-unannounced", max_bytes=1000)
    result = client.request("GET", f"{remote}/big", max_bytes=6 * MB)
    assert len(result.content) == 5 * MB


def test_the_cap_counts_decoded_bytes(client, remote):
    with pytest.raises(ResponseTooLarge):
        client.get_json(f"{remote}/gzip-bomb")


def test_total_deadline_stops_a_server_dripping_one_byte_a_second(remote):
    client = GuardedClient("test", allow_http=True, allow_private_addresses=True, deadline=2.5)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="deadline exceeded") as failed:
        client.get_json(f"{remote}/drip")
    assert failed.value.transient
    assert time.monotonic() - started < 4.5


def test_total_deadline_also_covers_slow_headers(remote):
    client = GuardedClient("test", allow_http=True, allow_private_addresses=True, deadline=2.5)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="deadline exceeded"):
        client.get_json(f"{remote}/drip-headers")
    assert time.monotonic() - started < 4.5


def test_post_returns_any_status_and_does_not_follow_redirects(client, remote):
    result = client.post(f"{remote}/inbox", b'{"a": 1}', {"Content-Type": AP})
    assert result.status == 202
    moved = client.post(f"{remote}/inbox-moved", b"{}", {"Content-Type": AP})
    assert moved.status == 307
    assert [path for path, _, _ in Remote.posts] == ["/inbox", "/inbox-moved"]
    assert Remote.posts[0][2] == b'{"a": 1}'


def test_a_long_answer_to_a_post_is_cut_not_an_error(client, remote):
    result = client.post(f"{remote}/long-answer", b"{}", {"Content-Type": AP})
    assert (result.status, result.truncated, len(result.content)) == (202, True, 64 * 1024)


def test_signer_headers_are_sent(client, remote):
    def signer(method, url, headers, body):
        return {"Signature": f"{method} {url} {len(body)}"}

    echoed = client.get_json(f"{remote}/echo?page=2", signer=signer)
    assert echoed["Signature"] == f"GET {remote}/echo?page=2 0"


def test_unreachable_port_is_a_transient_failure(client):
    from mobilizon.testing import free_port

    with pytest.raises(FetchFailed, match="could not connect") as failed:
        client.get_json(f"http://127.0.0.1:{free_port()}/actor")
    assert failed.value.transient


# --- TLS: connecting to the checked address keeps certificate checks on the host name ----------


def _certificate(tmp_path, name: str):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = tmp_path / f"ca-{name}.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain = tmp_path / f"leaf-{name}.pem"
    chain.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, chain


def _https_server(http_server, tmp_path, name):
    ca_file, chain = _certificate(tmp_path, name)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain)

    class TLSRemote(Remote):
        def setup(self) -> None:
            self.request = context.wrap_socket(self.request, server_side=True)
            super().setup()

        def finish(self) -> None:
            super().finish()
            self.request.close()  # the server closes only the plain socket it accepted

    port = int(http_server(TLSRemote).rsplit(":", 1)[1])
    return port, str(ca_file)


def test_https_verifies_the_host_name_while_connecting_to_the_checked_address(http_server, tmp_path):
    port, ca_file = _https_server(http_server, tmp_path, "localhost")
    client = GuardedClient("test", allow_private_addresses=True, verify=ca_file, deadline=5)
    document = client.fetch_json(f"https://localhost:{port}/actor")
    assert document.data == {"id": f"http://localhost:{port}/actor"}  # Host header kept
    with pytest.raises(FetchFailed, match="TLS failed"):
        client.get_json(f"https://127.0.0.1:{port}/actor")  # certificate is for localhost


def test_https_refuses_a_certificate_for_another_name(http_server, tmp_path):
    port, ca_file = _https_server(http_server, tmp_path, "other.example")
    client = GuardedClient("test", allow_private_addresses=True, verify=ca_file, deadline=5)
    with pytest.raises(FetchFailed, match="TLS failed"):
        client.get_json(f"https://localhost:{port}/actor")
