"""Origins are compared on parsed URLs, never by editing strings (CVE-2023-42451)."""

from __future__ import annotations

import pytest

from mobilizon.federation.signatures import domain_of, origin_of, same_origin

VICTIM = "https://victim.example/users/alice"


@pytest.mark.parametrize(
    "url",
    [
        "https://victim.example/other",
        "https://VICTIM.example/users/bob",
        "https://victim.example./users/alice",
        "https://victim.example:443/users/alice",
        "HTTPS://victim.example",
    ],
)
def test_same_origin_spellings(url):
    assert same_origin(VICTIM, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://victim.so/cial/users/alice",  # mastodon.so/cial vs mastodon.social
        "https://victim.example.attacker.example/users/alice",
        "https://attacker.example/victim.example",
        "http://victim.example/users/alice",  # scheme differs
        "https://victim.example:8443/users/alice",
        "https://victim.example@attacker.example/",  # credentials: refused, matches nothing
        "https://attacker.example\\@victim.example/",  # backslash: refused
        "https://victim.example../users/alice",
        "not a url",
        "",
        "ftp://victim.example/",
    ],
)
def test_different_or_unparseable_origins(url):
    assert not same_origin(VICTIM, url)


def test_idn_hosts_compare_in_punycode():
    assert origin_of("https://exämple.org/a") == ("https", "xn--exmple-cua.org", 443)
    assert same_origin("https://EXÄMPLE.org/", "https://xn--exmple-cua.org/")


def test_origin_values():
    assert origin_of("http://127.0.0.1:6544/inbox") == ("http", "127.0.0.1", 6544)
    assert origin_of("https://[::1]/x") == ("https", "::1", 443)
    with pytest.raises(ValueError, match="credentials"):
        origin_of("https://user@victim.example/")
    with pytest.raises(ValueError):
        origin_of("https://victim.example:99999/")


def test_domain_of_names_instances_with_their_non_default_port():
    assert domain_of("https://Remote.Example/inbox") == "remote.example"
    assert domain_of("https://remote.example:443/inbox") == "remote.example"
    assert domain_of("http://127.0.0.1:6544/inbox") == "127.0.0.1:6544"
    assert domain_of("https://[2001:db8::1]:8443/inbox") == "[2001:db8::1]:8443"
