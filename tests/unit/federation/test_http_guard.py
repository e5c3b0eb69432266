"""The guard refuses every way of naming our own network, before any connection is made."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from mobilizon import __version__
from mobilizon.federation.http import (
    FetchRefused,
    GuardedClient,
    address_refusal,
    checked_url,
)
from mobilizon.settings import SettingsError


@pytest.fixture
def listener():
    """A real socket on 127.0.0.1 that counts whether anybody connected to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def accepted(sock: socket.socket) -> bool:
    try:
        connection, _ = sock.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


@pytest.fixture
def strict_client() -> GuardedClient:
    return GuardedClient("test", allow_http=True, allow_private_addresses=False, deadline=5)


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "127.0.0.1 (loopback)"),
        ("localhost", "(loopback)"),
        ("2130706433", "127.0.0.1 (loopback)"),
        ("0x7f.1", "127.0.0.1 (loopback)"),
        ("127.1", "127.0.0.1 (loopback)"),
    ],
)
def test_loopback_spellings_are_refused_before_connecting(strict_client, listener, host, reason):
    port = listener.getsockname()[1]
    with pytest.raises(
        FetchRefused, match=r"resolves to .*" + reason.replace("(", r"\(").replace(")", r"\)")
    ):
        strict_client.get_json(f"http://{host}:{port}/actor")
    assert not accepted(listener)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1]/", "::1 (loopback)"),
        ("http://[::ffff:127.0.0.1]/", "loopback 127.0.0.1 wrapped in IPv6"),
        ("http://[64:ff9b::7f00:1]/", "loopback 127.0.0.1 wrapped in IPv6"),
        ("http://[2002:7f00:1::]/", "loopback 127.0.0.1 wrapped in IPv6"),
        ("http://[::ffff:169.254.169.254]/", "link-local 169.254.169.254 wrapped in IPv6"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 (link-local)"),
        ("http://100.64.0.1/", "100.64.0.1 (shared (CGNAT))"),
        ("http://10.0.0.5/", "(private)"),
        ("http://192.168.1.1/", "(private)"),
        ("http://172.16.0.1/", "(private)"),
        ("http://0.0.0.0/", "(unspecified)"),
        ("http://[::]:6379/", "(unspecified)"),
        ("http://224.0.0.1/", "(multicast)"),
        ("http://[ff02::1]/", "(multicast)"),
        ("http://192.0.0.8/", "(reserved)"),
        ("http://240.0.0.1/", "(reserved)"),
        ("http://[fe80::1]/", "(link-local)"),
        ("http://[fd00::1]/", "(private)"),
        ("http://[2001::1]/", "Teredo"),
        ("http://[64:ff9b::a9fe:a9fe]/", "link-local 169.254.169.254 wrapped in IPv6"),
    ],
)
def test_non_public_addresses_are_refused(strict_client, url, reason):
    with pytest.raises(FetchRefused) as refused:
        strict_client.get_json(url)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"],
)
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.org/actor", "scheme 'http' refused, only https"),
        ("file:///etc/passwd", "scheme 'file' refused"),
        ("gopher://example.org/", "scheme 'gopher' refused"),
        ("https://user:secret@example.org/", "credentials"),
        ("https://example.org@attacker.example/", "credentials"),
        ("https://a.example/\r\nX-Injected: 1", "whitespace or control"),
        ("https://a.example/ path", "whitespace or control"),
        ("https://a.example/\tx", "whitespace or control"),
        ("https://a.example\\@evil.example/", "backslash"),
        ("https:///no-host", "no host"),
        ("https://a.example:99999/", "malformed URL"),
        ("", "empty URL"),
    ],
)
def test_urls_we_never_fetch(url, message):
    client = GuardedClient("test", allow_http=False, allow_private_addresses=False)
    with pytest.raises(FetchRefused, match=message):
        client.get_json(url)


def test_internationalized_hosts_are_sent_in_punycode():
    assert checked_url("https://Exämple.org/événement", allow_http=False) == (
        "https://xn--exmple-cua.org/%C3%A9v%C3%A9nement"
    )


def test_explicitly_allowed_network_lifts_the_guard_for_it_only(listener):
    client = GuardedClient("test", allow_http=True, allowed_private_networks=("127.0.0.1/32",), deadline=2)
    port = listener.getsockname()[1]
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.2 \(loopback\)"):
        client.get_json(f"http://127.0.0.2:{port}/")


def test_client_from_settings():
    client = GuardedClient.from_settings(
        {
            "mobilizon.base_url": "https://events.example",
            "mobilizon.federation.allow_http": False,
            "mobilizon.federation.allow_private_addresses": False,
            "mobilizon.federation.fetch_deadline": "7.5",
            "mobilizon.federation.allowed_private_networks": "10.1.0.0/16 fd12::/64",
        }
    )
    assert client.user_agent == f"mobilizon-py/{__version__} (+https://events.example)"
    assert (client.allow_http, client.allow_private_addresses) == (False, False)
    assert client.deadline == 7.5
    assert client.max_json_bytes == 1024 * 1024
    assert client.allowed_private_networks == ("10.1.0.0/16", "fd12::/64")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("mobilizon.federation.fetch_deadline", "soon"),
        ("mobilizon.federation.fetch_deadline", "0"),
        ("mobilizon.federation.max_json_bytes", "-1"),
        ("mobilizon.federation.allowed_private_networks", "10.0.0.0/33"),
    ],
)
def test_bad_client_settings_name_the_setting(name, value):
    with pytest.raises(SettingsError, match=name):
        GuardedClient.from_settings({"mobilizon.base_url": "https://events.example", name: value})
