"""Content negotiation, WebFinger resources and the actor document builder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mobilizon.identities.activitypub import actor_document, summary_html, wants_activity_json
from mobilizon.identities.models import Actor
from mobilizon.identities.webfinger import BadResource, local_host, parse_resource


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/activity+json", True),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', True),
        ("application/ld+json", True),
        ("application/activity+json, application/ld+json", True),
        ("application/activity+json, */*;q=0.1", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("text/html, application/activity+json;q=0.5", False),
        ("*/*", False),
        ("", False),
        (None, False),
        ("application/json", False),
        ("application/activity+json;q=abc", False),
    ],
)
def test_content_negotiation(accept, expected):
    assert wants_activity_json(accept) is expected


BASE = "https://mobilizon.example:8443"


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("acct:rose@mobilizon.example:8443", ("rose", True)),
        ("ACCT:rose@MOBILIZON.example:8443", ("rose", True)),
        ("rose@mobilizon.example:8443", ("rose", True)),
        ("@rose@mobilizon.example:8443", ("rose", True)),
        ("acct:rose@mobilizon.example", ("rose", False)),
        ("acct:rose@other.example:8443", ("rose", False)),
        ("https://mobilizon.example:8443/@rose", ("rose", True)),
        ("https://mobilizon.example/@rose", ("rose", False)),
        ("https://mobilizon.example:8443/events/1", ("", False)),
        ("https://mobilizon.example:8443/@rose/outbox", ("", False)),
    ],
)
def test_resources(resource, expected):
    assert parse_resource(resource, BASE) == expected


@pytest.mark.parametrize("resource", [None, "", "   ", "acct:", "rose", "acct:@host", "acct:a@", "x" * 501])
def test_malformed_resources(resource):
    with pytest.raises(BadResource):
        parse_resource(resource, BASE)


def test_local_host_keeps_the_port():
    assert local_host(BASE) == "mobilizon.example:8443"
    assert local_host("http://localhost") == "localhost"


def test_summary_is_escaped_html():
    assert summary_html(None) == ""
    assert summary_html("a <i>b</i> & c\nd\n\n\ne") == "<p>a &lt;i&gt;b&lt;/i&gt; &amp; c<br>d</p><p>e</p>"


def make_actor(**values) -> Actor:
    url = f"{BASE}/@{values.get('preferred_username', 'team')}"
    defaults = dict(
        type="Person",
        preferred_username="team",
        url=url,
        inbox_url=f"{url}/inbox",
        outbox_url=f"{url}/outbox",
        followers_url=f"{url}/followers",
        shared_inbox_url=f"{BASE}/inbox",
        visibility="public",
        manually_approves_followers=False,
        public_key="PEM",
        created_at=datetime(2026, 3, 4, 15, 16, 17, tzinfo=UTC),
        deleted_at=None,
    )
    defaults.update(values)
    return Actor(**defaults)


def test_the_document_reveals_only_the_day_of_creation():
    document = actor_document(make_actor(), BASE)
    assert document["published"] == "2026-03-04T00:00:00Z"
    assert document["name"] == "team"  # the username when no name is set
    assert "icon" not in document and "members" not in document


def test_groups_get_their_collections():
    document = actor_document(
        make_actor(type="Group", openness="moderated", manually_approves_followers=True), BASE
    )
    assert document["type"] == "Group" and document["openness"] == "moderated"
    for collection in ("members", "resources", "todos", "posts", "events", "discussions"):
        assert document[collection] == document["endpoints"][collection] == f"{BASE}/@team/{collection}"
    assert document["manuallyApprovesFollowers"] is True


def test_unlisted_actors_are_not_discoverable():
    assert actor_document(make_actor(visibility="unlisted"), BASE)["discoverable"] is False
